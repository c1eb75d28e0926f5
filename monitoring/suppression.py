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

import os
from dataclasses import dataclass, field

# Small matrices (hundreds of rows): BLAS threads only fight over the cores, making an SVD 50x slower.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402 - after the thread setting, which numpy reads when it loads

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


def _vector(cell, size):
    vector = np.zeros(size)
    vector[list(cell.atoms)] = 1.0
    return vector


def _published(cells):
    return [cell for cell in cells if not cell.suppressed and cell.atoms]


def _matrix(cells, size):
    matrix = np.zeros((len(cells), size))
    for row, cell in enumerate(cells):
        matrix[row, list(cell.atoms)] = 1.0
    return matrix


def _audit(cells, size):
    """One SVD of the published cells: the hidden cells they give away, how (the weights of the
    minimum-norm sum), and which published cells could themselves be computed from the others."""
    published = _published(cells)
    hidden = [cell for cell in cells if cell.suppressed and cell.atoms]
    if not published or not hidden:
        return published, [], None, None
    matrix = _matrix(published, size)
    u, singular, vt = np.linalg.svd(matrix, full_matrices=True)
    rank = int((singular > _TOLERANCE * max(matrix.shape) * singular[0]).sum())
    basis = vt[:rank]
    targets = _matrix(hidden, size).T
    residual = targets - basis.T @ (basis @ targets)
    exposed = [cell for number, cell in enumerate(hidden) if np.abs(residual[:, number]).max() < 1e-6]
    if not exposed:
        return published, [], None, None
    exposed_targets = _matrix(exposed, size).T
    weights = u[:, :rank] @ ((basis @ exposed_targets) / singular[:rank, None])
    left_null = u[:, rank:]
    dependent = np.abs(left_null).max(axis=1) > 1e-6 if left_null.size else np.zeros(len(published), dtype=bool)
    return published, exposed, weights, dependent


def derivable(cells, size):
    """The hidden cells whose value follows from the published ones by adding and subtracting."""
    return _audit(cells, size)[1]


def protect(cells, size):
    """Mark primary and secondary suppression on cells (all tables of one page at once)."""
    for cell in cells:
        cell.state = PRIMARY if 0 < cell.value < SUPPRESS_BELOW else ""
    while True:
        published, exposed, weights, dependent = _audit(cells, size)
        if not exposed:
            return cells
        chosen = set()
        for number in range(len(exposed)):
            involved = [index for index in np.flatnonzero(np.abs(weights[:, number]) > 1e-6)]
            if chosen & set(involved):
                continue  # this round already cuts that sum; the next audit tells whether it is enough
            # The smallest figure in the sum loses least; of equal ones the finest (a detail row before
            # a total); and first one that cannot itself be computed from the other published cells,
            # since hiding one that can would only pass the problem on.
            involved.sort(
                key=lambda index: (
                    bool(dependent[index]),
                    published[index].headline,
                    published[index].value,
                    len(published[index].atoms),
                )
            )
            chosen.add(involved[0])
            published[involved[0]].state = SECONDARY
