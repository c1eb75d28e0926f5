"""The resident's own names, found case- and accent-insensitively, particles and sorting order understood."""

import re
import unicodedata

from .kinds import LABELS

# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

_PARTICLES = frozenset(
    {"van", "de", "den", "der", "het", "'t", "t", "te", "ten", "ter", "in", "op", "aan", "bij", "uit", "'s", "d'"}
)


def _fold(value):
    """Accent- and case-insensitive form: "Émile" -> "emile"."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _fold_with_offsets(text):
    """The folded text, and for each folded character the offset of its source character."""
    folded, offsets = [], []
    for index, char in enumerate(text):
        for folded_char in _fold(char):
            folded.append(folded_char)
            offsets.append(index)
    return "".join(folded), offsets


def _name_variants(name):
    """(folded words, only-when-capitalised) for one given name.

    "van den Berg" is matched as written (any case), and also "Berg" on its own
    but only when capitalised in the text, so "een berg schulden" is not a name.
    "Berg, van den" (sorting order) is read as "van den Berg".
    """
    name = " ".join((name or "").split())
    if "," in name:
        family, _, particles = (part.strip() for part in name.partition(","))
        name = f"{particles} {family}".strip()
    words = _fold(name).split()
    if len("".join(words)) < 2:
        return []
    variants = [(tuple(words), False)]
    core = list(words)
    while len(core) > 1 and core[0] in _PARTICLES:
        core.pop(0)
    if len(core) < len(words) and len("".join(core)) >= 2:
        variants.append((tuple(core), True))
    return variants


def _name_patterns(names):
    variants = {}
    for name in names:
        for words, capitalised_only in _name_variants(name):
            # a name given literally beats the same words derived from a particle name
            variants[words] = variants.get(words, True) and capitalised_only
    return [
        (re.compile(r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words) + r"(?!\w)"), capitalised_only)
        for words, capitalised_only in variants.items()
    ]


def _scan_names(text, patterns):
    if not patterns:
        return
    folded, offsets = _fold_with_offsets(text)
    for pattern, capitalised_only in patterns:
        for match in pattern.finditer(folded):
            start = offsets[match.start()]
            end = offsets[match.end() - 1] + 1
            while end < len(text) and unicodedata.combining(text[end]):
                end += 1  # keep a decomposed accent with its letter
            if capitalised_only and not text[start].isupper():
                continue
            yield start, end, "name", LABELS["name"]
