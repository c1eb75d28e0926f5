"""A small linear-programming solver for the suppression tests (two-phase simplex, Bland's rule).

The portal does not depend on scipy; the property test needs the attacker's interval for a hidden
cell (min and max of a linear function over A x = b, x >= 0) on tables of a few hundred unknowns.
"""

import numpy as np

EPS = 1e-9


def _pivot(tableau, row, column):
    tableau[row] /= tableau[row, column]
    for other in range(tableau.shape[0]):
        if other != row and abs(tableau[other, column]) > EPS:
            tableau[other] -= tableau[other, column] * tableau[row]


def _simplex(tableau, basis, cost):
    """Minimise cost @ x from a feasible basis; returns False when unbounded."""
    while True:
        reduced = cost - cost[basis] @ tableau[:, :-1]
        entering = np.flatnonzero(reduced < -1e-9)
        if not entering.size:
            return True
        column = entering[0]  # Bland: the lowest index, so degenerate pivots cannot cycle
        rows = np.flatnonzero(tableau[:, column] > 1e-9)
        if not rows.size:
            return False
        ratios = tableau[rows, -1] / tableau[rows, column]
        best = ratios.min()
        ties = rows[np.abs(ratios - best) <= 1e-9]
        row = min(ties, key=lambda candidate: basis[candidate])
        _pivot(tableau, row, column)
        basis[row] = column


class Polytope:
    """{x >= 0 : A x = b}, made feasible once (phase 1), then minimised for any objective."""

    def __init__(self, a, b):
        a, b = np.array(a, dtype=float), np.array(b, dtype=float)
        a[b < 0] *= -1
        b = np.abs(b)
        m, n = a.shape
        tableau = np.hstack([a, np.eye(m), b[:, None]])
        basis = list(range(n, n + m))
        _simplex(tableau, basis, np.concatenate([np.zeros(n), np.ones(m)]))
        if tableau[:, -1][[index for index, var in enumerate(basis) if var >= n]].sum() > 1e-6:
            raise ValueError("infeasible")
        keep = []
        for row, var in enumerate(basis):
            if var >= n:
                columns = np.flatnonzero(np.abs(tableau[row, :n]) > 1e-9)
                if not columns.size:
                    continue  # a redundant equation
                _pivot(tableau, row, columns[0])
                basis[row] = columns[0]
            keep.append(row)
        self.tableau = np.hstack([tableau[keep, :n], tableau[keep, -1:]])
        self.basis = [basis[row] for row in keep]
        self.n = n

    def minimum(self, objective):
        tableau, basis = self.tableau.copy(), list(self.basis)
        objective = np.asarray(objective, dtype=float)
        if not _simplex(tableau, basis, objective):
            return -np.inf
        x = np.zeros(self.n)
        x[basis] = tableau[:, -1]
        return float(objective @ x)

    def interval(self, objective):
        return self.minimum(objective), -self.minimum(-np.asarray(objective, dtype=float))
