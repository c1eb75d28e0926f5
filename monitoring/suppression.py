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

import numpy as np

SUPPRESS_BELOW = 5
PRIMARY = "primary"
SECONDARY = "secondary"
_TOLERANCE = 1e-9


@dataclass(eq=False)
class Cell:
    value: int
    atoms: frozenset = field(default_factory=frozenset)
    state: str = ""

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


def _basis(vectors, size):
    """An orthonormal basis (rows) of the span of the given 0/1 vectors."""
    if not vectors:
        return np.zeros((0, size))
    matrix = np.array(vectors, dtype=float)
    _u, singular, vt = np.linalg.svd(matrix, full_matrices=False)
    rank = int((singular > _TOLERANCE * max(matrix.shape) * (singular[0] if len(singular) else 1)).sum())
    return vt[:rank]


def _vector(cell, size):
    vector = np.zeros(size)
    vector[list(cell.atoms)] = 1.0
    return vector


def _published(cells):
    return [cell for cell in cells if not cell.suppressed and cell.atoms]


def derivable(cells, size):
    """The hidden cells whose value follows from the published ones by adding and subtracting."""
    published = _published(cells)
    basis = _basis([_vector(cell, size) for cell in published], size)
    result = []
    for cell in cells:
        if not cell.suppressed or not cell.atoms:
            continue
        vector = _vector(cell, size)
        residual = vector - basis.T @ (basis @ vector) if len(basis) else vector
        if np.abs(residual).max() < 1e-6:
            result.append(cell)
    return result


def _involved(target, published, size):
    """The published cells the (minimum-norm) sum that gives target away is made of."""
    matrix = np.array([_vector(cell, size) for cell in published]).T
    weights, *_rest = np.linalg.lstsq(matrix, _vector(target, size), rcond=None)
    return [cell for cell, weight in zip(published, weights, strict=True) if abs(weight) > 1e-6]


def _in_span(cell, others, size):
    basis = _basis([_vector(other, size) for other in others], size)
    vector = _vector(cell, size)
    residual = vector - basis.T @ (basis @ vector) if len(basis) else vector
    return np.abs(residual).max() < 1e-6


def protect(cells, size):
    """Mark primary and secondary suppression on cells (all tables of one page at once)."""
    for cell in cells:
        cell.state = PRIMARY if 0 < cell.value < SUPPRESS_BELOW else ""
    while True:
        exposed = derivable(cells, size)
        if not exposed:
            return cells
        published = _published(cells)
        # The smallest figure in the sum loses least; of equal ones the finest (a detail row before a total).
        involved = sorted(_involved(exposed[0], published, size), key=lambda cell: (cell.value, len(cell.atoms)))
        # Prefer a cell that, once hidden, cannot itself be computed back: hiding one that can would
        # only pass the problem on and hide much more.
        choice = next(
            (
                cell
                for cell in involved
                if not _in_span(cell, [other for other in published if other is not cell], size)
            ),
            involved[0],
        )
        choice.state = SECONDARY
