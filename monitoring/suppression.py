"""Small-number suppression over every table shown together (SOK Art. 8.8: figures only, no case data).

Every published cell is a count of "atoms": groups of facts that no table on the page tells apart.
A cell is therefore a 0/1 vector over the atoms, and a row, column or grand total is the sum of the
vectors of its parts. Anyone holding the page can add and subtract published cells; a hidden cell is
given away exactly when its vector is a linear combination of published vectors. So:

1. every cell from 1 to 4 is hidden ("<5", primary suppression);
2. while some hidden cell lies in the span of the published cells, the smallest published cell that
   shares an atom with it is hidden as well ("·", secondary suppression), and the audit runs again.

The audit covers all tables at once, so a figure hidden per region cannot be read back from the
municipalities, and a total cannot be read back from another table's total.
"""

from dataclasses import dataclass, field

import numpy as np  # BLAS threads: one (monitoring/__init__.py, before any module of the app loads numpy)

SUPPRESS_BELOW = 5
PRIMARY = "primary"
SECONDARY = "secondary"
_TOLERANCE = 1e-9


@dataclass(eq=False)
class Cell:
    value: int
    atoms: frozenset = field(default_factory=frozenset)
    state: str = ""
    # A headline figure (a region, a total) is hidden only when no detail cell will do.
    headline: bool = False

    @property
    def suppressed(self):
        return bool(self.state)

    @property
    def secondary(self):
        return self.state == SECONDARY

    @property
    def shown(self):
        """What a reader sees: the number, "<5" (under five) or "·" (hidden to protect another cell)."""
        if self.state == PRIMARY:
            return "<5"
        if self.state == SECONDARY:
            return "·"
        return str(self.value)

    @property
    def number(self):
        """The value for machines (charts, attributes): None when hidden."""
        return None if self.state else self.value

    def __str__(self):
        return self.shown


def _incidence(cells, size):
    """Cells x atoms, with atoms that every cell treats alike merged into one column (they are one
    unknown to any reader) and atoms in no cell left out: a smaller matrix, the same span.

    The columns come in the order of their first atom. Any order spans the same: which cells are
    hidden does not depend on it."""
    member = np.zeros((len(cells), size), dtype=bool)
    for row, cell in enumerate(cells):
        if cell.atoms:
            member[row, np.fromiter(cell.atoms, dtype=np.intp, count=len(cell.atoms))] = True
    member = member[:, member.any(axis=0)]
    # An atom's column as bytes (one bit per cell): atoms alike have equal bytes.
    _unique, first = np.unique(np.packbits(member.T, axis=1), axis=0, return_index=True)
    return member[:, np.sort(first)].astype(float)


def _rank(matrix):
    u, singular, vt = np.linalg.svd(matrix, full_matrices=False)
    return u, singular, vt, int((singular > _TOLERANCE * max(matrix.shape) * singular[0]).sum())


def _left_null(matrix, u, rank):
    """An orthonormal basis of the vectors z with z @ matrix = 0 (the ways rows sum to nothing)."""
    if rank == matrix.shape[0]:
        return np.zeros((matrix.shape[0], 0))
    full_u = u if u.shape[1] == matrix.shape[0] else np.linalg.svd(matrix, full_matrices=True)[0]
    return full_u[:, rank:]


def _exposures(cells, matrix):
    """Hidden cells a reader can compute, each with the published cells of one way to compute it.

    A hidden cell is given away when the published cells add up to it. A "<5" cell is also given
    away when a sum of published cells and other "<5" cells pins it down: those tell the reader they
    are 1 to 4, so two of them that only protect each other and add up to 2 are both 1.
    """
    published = [index for index, cell in enumerate(cells) if not cell.suppressed and cell.atoms]
    hidden = [index for index, cell in enumerate(cells) if cell.suppressed and cell.atoms]
    if not published or not hidden:
        return [], set()
    result = []
    shown = matrix[published]
    u, singular, vt, rank = _rank(shown)
    # Published cells that are a sum of other published ones: hiding one of those alone cuts nothing.
    null = _left_null(shown, u, rank)
    dependent = {published[row] for row in np.flatnonzero(np.abs(null).max(axis=1) > 1e-6)} if null.size else set()
    basis = vt[:rank]
    targets = matrix[hidden].T
    residual = targets - basis.T @ (basis @ targets)
    exposed = [index for number, index in enumerate(hidden) if np.abs(residual[:, number]).max() < 1e-6]
    if exposed:
        weights = u[:, :rank] @ ((basis @ matrix[exposed].T) / singular[:rank, None])
        for number, index in enumerate(exposed):
            result.append((index, [published[row] for row in np.flatnonzero(np.abs(weights[:, number]) > 1e-6)]))
    primaries = [index for index in hidden if cells[index].state == PRIMARY and index not in exposed]
    if primaries:
        rows = [*published, *primaries]
        together = matrix[rows]
        u, _singular, _vt, rank = _rank(together)
        null = _left_null(together, u, rank)
        for position in range(len(published), len(rows)):
            # Any z with z @ together = 0 and z[position] != 0 writes this cell as a sum of the others.
            z = null @ null[position]
            if abs(z[position]) > 1e-6 and _pinned(cells, rows, z, position):
                involved = np.flatnonzero(np.abs(z[: len(published)]) > 1e-6)
                result.append((rows[position], [published[row] for row in involved]))
    return result, dependent


def _pinned(cells, rows, z, position):
    """Whether cell = -(1/z[position]) * (sum of the other rows weighted by z), the published ones
    known and the "<5" ones anywhere from 1 to 4, leaves the cell fewer than two whole values."""
    weights = -z / z[position]
    low = high = 0.0
    for row, weight in enumerate(weights):
        if row == position or abs(weight) < 1e-6:
            continue
        cell = cells[rows[row]]
        if cell.state == PRIMARY:
            low += min(weight, 4 * weight)
            high += max(weight, 4 * weight)
        else:
            low += weight * cell.value
            high += weight * cell.value
    low, high = max(low, 1.0), min(high, float(SUPPRESS_BELOW - 1))
    return np.floor(high + 1e-6) - np.ceil(low - 1e-6) < 1


def derivable(cells, size):
    """The hidden cells whose value follows from the published ones (and the "<5" marks)."""
    return [cells[index] for index, _involved in _exposures(cells, _incidence(cells, size))[0]]


def protect(cells, size):
    """Mark primary and secondary suppression on cells (all tables of one page at once)."""
    for cell in cells:
        cell.state = PRIMARY if 0 < cell.value < SUPPRESS_BELOW else ""
    matrix = _incidence(cells, size)
    while True:
        exposures, dependent = _exposures(cells, matrix)
        if not exposures:
            return cells
        chosen = set()
        for _index, involved in exposures:
            # A published 0 protects nothing (its atoms are known empty): never hide one.
            involved = [index for index in involved if cells[index].value]
            if not involved or chosen & set(involved):
                continue  # this round already cuts that sum; the next audit tells whether it is enough
            # First a cell that cannot itself be computed from the other published ones (hiding one
            # that can only passes the problem on); then the smallest figure, which loses least; of
            # equal ones the finest (a detail row before a total, a region only when no detail will do).
            involved.sort(
                key=lambda index: (
                    index in dependent,
                    cells[index].headline,
                    cells[index].value,
                    len(cells[index].atoms),
                )
            )
            chosen.add(involved[0])
            cells[involved[0]].state = SECONDARY
        if not chosen:
            # Only "<5" cells that are copies of each other remain (the same facts under two headings):
            # each tells the other nothing beyond "1 to 4".
            return cells
