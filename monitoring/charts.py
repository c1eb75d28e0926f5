"""Charts as accessible SVG, drawn on the server with matplotlib (no JavaScript, same in the PDF).

Each chart has a Dutch title, labelled axes, the value on every bar or point and a legend where
there is more than one series; the SVG carries role="img", a <title> and a <desc> (the text
alternative), and the table beside it holds the same figures. Hidden figures (suppression) are
drawn as no bar, labelled "<5" or "·", never as their value.
"""

import io
import logging
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from woonkans.money import format_euro

logger = logging.getLogger(__name__)
_DARK, _LIGHT, _RED = "#154273", "#8fa8c8", "#a90061"


def _plt():
    # Imported late: the pages that draw no chart do not pay for matplotlib.
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {"svg.fonttype": "none", "font.family": "sans-serif", "font.size": 11, "axes.spines.top": False}
    )
    plt.rcParams["axes.spines.right"] = False
    return plt


def _presentation(match):
    declarations = [part.split(":", 1) for part in match.group(1).split(";") if ":" in part]
    return " ".join(f'{name.strip()}="{value.strip()}"' for name, value in declarations)


def _finish(svg_text):
    """Make the SVG scale with its column (drop fixed width/height, keep the viewBox), and turn its
    style attributes into SVG presentation attributes: the portal's CSP refuses inline styles."""
    svg_text = re.sub(r'(<svg[^>]*?) width="[^"]*" height="[^"]*"', r"\1", svg_text, count=1)
    svg_text = re.sub(r"<style[^>]*>.*?</style>", "", svg_text, flags=re.S)
    svg_text = re.sub(r'style="([^"]*)"', _presentation, svg_text)
    return mark_safe(svg_text)  # noqa: S308 - drawn by matplotlib from numbers and escaped labels


def cached(function):
    """Drawing takes a moment; the same figures give the same SVG, so it is kept (by its inputs) for a day."""
    import functools
    import hashlib

    from django.core.cache import cache

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        key = "monitoring-chart:" + hashlib.sha256(repr((function.__name__, args, kwargs)).encode()).hexdigest()
        svg = cache.get(key)
        if svg is None:
            svg = function(*args, **kwargs)
            cache.set(key, str(svg), 24 * 3600)
        return mark_safe(svg)  # noqa: S308 - drawn by matplotlib from numbers and escaped labels

    return wrapper


def _scope_ids(svg, prefix):
    """Several charts share a page: matplotlib numbers its ids per figure ("figure_1", "patch_1"), so
    they repeat. Ids nothing points at are dropped; the ones a clip path or link uses get the chart's prefix."""
    referenced = set(re.findall(r'(?:url\(#|href="#)([^)"]+)', svg))
    svg = re.sub(r'\sid="([^"]+)"', lambda m: f' id="{prefix}-{m.group(1)}"' if m.group(1) in referenced else "", svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)


def _render(figure, title, description):
    plt = _plt()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Title": str(title), "Date": None})
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    chart_id = "chart-" + re.sub(r"[^a-z0-9]+", "-", str(title).lower()).strip("-")[:40]
    head = svg[: svg.index(">") + 1]
    body = svg[svg.index(">") + 1 :]
    body = re.sub(r"<title>.*?</title>", "", body, count=1, flags=re.S)
    body = _scope_ids(re.sub(r"<metadata>.*?</metadata>", "", body, flags=re.S), chart_id)
    head = head.replace(
        "<svg ", f'<svg role="img" aria-labelledby="{chart_id}-t {chart_id}-d" class="wk-chart__svg" ', 1
    )
    alt = f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(description)}</desc>'
    return _finish(head + alt + body)


def _label(number, hidden_mark="<5"):
    return hidden_mark if number is None else f"{number:n}".replace(",", ".")


def _describe(pairs):
    return "; ".join(f"{name}: {value}" for name, value in pairs)


@cached
def housed_against_target(rows, *, title, housed_label, target_label):
    """Grouped horizontal bars per region: housed (suppressed when hidden) against the pro-rata target."""
    plt = _plt()
    names = [row["region"].name for row in rows]
    figure, axes = plt.subplots(figsize=(4.8, 0.9 + 0.8 * len(rows)))
    positions = range(len(rows))
    targets = [row["target"] for row in rows]
    housed = [row["housed"].number for row in rows]
    axes.barh([p + 0.2 for p in positions], targets, height=0.38, color=_LIGHT, label=target_label)
    axes.barh([p - 0.2 for p in positions], [h or 0 for h in housed], height=0.38, color=_DARK, label=housed_label)
    for position, target, value, row in zip(positions, targets, housed, rows, strict=True):
        axes.annotate(_dutch(target), (target, position + 0.2), xytext=(3, 0), textcoords="offset points", va="center")
        axes.annotate(
            row["housed"].shown, (value or 0, position - 0.2), xytext=(3, 0), textcoords="offset points", va="center"
        )
    axes.set_yticks(list(positions), names)
    axes.invert_yaxis()
    axes.set_xlabel(housed_label + " / " + target_label + " (woningen)")
    axes.set_title(title, loc="left")
    # Below the plot, so it never covers a bar.
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=2, frameon=False)
    axes.set_xlim(0, max([*targets, *(h or 0 for h in housed), 1]) * 1.2)
    description = _describe(
        (name, f"{row['housed'].shown} {housed_label.lower()}, {target_label.lower()} {_dutch(row['target'])}")
        for name, row in zip(names, rows, strict=True)
    )
    return _render(figure, title, description)


@cached
def bars(pairs, *, title, axis_label):
    """Horizontal bars, one per (label, number or None) pair, each with its value."""
    plt = _plt()
    if not pairs:
        return ""
    figure, axes = plt.subplots(figsize=(4.8, 0.9 + 0.45 * len(pairs)))
    labels = [label for label, _number in pairs]
    values = [number or 0 for _label, number in pairs]
    axes.barh(range(len(pairs)), values, color=_DARK, height=0.6)
    for position, (_label_text, number) in enumerate(pairs):
        axes.annotate(_label(number), (number or 0, position), xytext=(3, 0), textcoords="offset points", va="center")
    axes.set_yticks(range(len(pairs)), labels)
    axes.invert_yaxis()
    axes.set_xlabel(axis_label)
    axes.set_title(title, loc="left")
    axes.set_xlim(0, max([*values, 1]) * 1.2)
    return _render(figure, title, _describe((label, _label(number)) for label, number in pairs))


@cached
def money_bars(pairs, *, title, axis_label):
    """Horizontal bars of amounts in cents, labelled in euros."""
    plt = _plt()
    if not pairs:
        return ""
    figure, axes = plt.subplots(figsize=(4.8, 0.9 + 0.45 * len(pairs)))
    labels = [label for label, _cents in pairs]
    euros = [cents / 100 for _label, cents in pairs]
    axes.barh(range(len(pairs)), euros, color=_RED, height=0.6)
    for position, (_label_text, cents) in enumerate(pairs):
        axes.annotate(
            format_euro(cents), (cents / 100, position), xytext=(3, 0), textcoords="offset points", va="center"
        )
    axes.set_yticks(range(len(pairs)), labels)
    axes.invert_yaxis()
    axes.set_xlabel(axis_label)
    axes.set_title(title, loc="left")
    axes.set_xlim(0, max([*euros, 1]) * 1.35)
    axes.xaxis.set_major_formatter(lambda value, _pos: f"€ {value:,.0f}".replace(",", "."))
    return _render(figure, title, _describe((label, format_euro(cents)) for label, cents in pairs))


@cached
def balance_line(points, *, title, axis_label, series_label):
    """The fund balance at each month end: a line with a marked, labelled point per month."""
    plt = _plt()
    if not points:
        return ""
    figure, axes = plt.subplots(figsize=(4.8, 3.2))
    months = [point["month"].strftime("%m-%Y") for point in points]
    euros = [point["balance"] / 100 for point in points]
    axes.plot(range(len(points)), euros, marker="o", color=_DARK, label=series_label)
    step = max(1, len(points) // 6)
    for index in range(0, len(points), step):
        axes.annotate(
            format_euro(points[index]["balance"]).split(",")[0],
            (index, euros[index]),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    axes.set_xticks(range(0, len(points), step), months[::step], rotation=30, ha="right")
    axes.set_ylabel(axis_label)
    axes.set_ylim(0, max([*euros, 1]) * 1.2)
    axes.yaxis.set_major_formatter(lambda value, _pos: f"€ {value:,.0f}".replace(",", "."))
    axes.set_title(title, loc="left")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=1, frameon=False)
    description = _describe((month, format_euro(point["balance"])) for month, point in zip(months, points, strict=True))
    return _render(figure, title, description)


def _dutch(number):
    return f"{number:.1f}".replace(".", ",") if isinstance(number, float) else str(number)


def data_uri(svg):
    """The chart as a data: URL for the PDF, with its text alternative for the img's alt."""
    import base64

    description = re.search(r"<desc[^>]*>(.*?)</desc>", svg, flags=re.S)
    return {
        "src": "data:image/svg+xml;base64," + base64.b64encode(str(svg).encode()).decode(),
        "alt": description.group(1) if description else "",
    }


def warm_up():
    """Draw one small chart, so the process's first real chart does not pay for loading matplotlib.

    Importing pyplot and setting up its fonts cost ~0.6 s CPU, once per process: called when the web
    process starts (woonkans/wsgi.py), like the PDF warm-up, instead of by the first monitoring page
    or half-yearly report a worker serves (every report draws the fund's charts). Not cached.
    False (and a log line) where matplotlib cannot draw: only the charts fail then.
    """
    try:
        bars.__wrapped__([("warm-up", 1)], title="warm-up", axis_label="")
    except (ImportError, OSError) as error:
        logger.warning("Charts not warmed up: %s", error)
        return False
    return True
