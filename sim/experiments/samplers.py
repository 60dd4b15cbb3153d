"""The points a sweep runs, by method; Sobol, Morris and Latin hypercube samples come from SALib.

- ``oat``: the base point, then each parameter at its low and its high value, the others at base (1 + 2k points);
- ``grid``: ``n`` evenly spaced values per parameter, every combination (nᵏ points);
- ``lhs``: ``n`` Latin-hypercube points;
- ``sobol``: Saltelli's scheme on a scrambled Sobol' sequence, n·(k + 2) points (n a power of two);
- ``morris``: ``n`` trajectories of k + 1 points on a 4-level grid.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from SALib.sample import latin, morris, sobol

from sim.errors import Problem
from sim.experiments.parameters import Parameter

METHODS = ("oat", "grid", "lhs", "sobol", "morris")
DEFAULT_N = {"oat": None, "grid": 3, "lhs": 100, "sobol": 64, "morris": 10}
MORRIS_LEVELS = 4


def problem(parameters: Sequence[Parameter]) -> dict:
    """SALib's description of the parameter space."""
    return {"num_vars": len(parameters), "names": [p.key for p in parameters],
            "bounds": [[p.low, p.high] for p in parameters]}


def check_n(method: str, n: int | None, where: str) -> Problem | None:
    """Whether ``n`` suits ``method``."""
    if method == "oat":
        return None
    if n is None or n < 2:
        return Problem(where, f"method {method} needs n ≥ 2, got {n}")
    if method == "sobol" and n & (n - 1):
        lower = 1 << (n.bit_length() - 1)
        return Problem(where, f"for sobol, n must be a power of two (the Sobol' sequence loses its balance "
                              f"otherwise), got {n}; use {lower} or {lower * 2}")
    return None


def sample(method: str, parameters: Sequence[Parameter], n: int | None, seed: int) -> np.ndarray:
    """Points × parameters; whole-number parameters rounded. Depends only on the arguments."""
    if method == "oat":
        base = np.array([p.base for p in parameters])
        rows = [base]
        for i, parameter in enumerate(parameters):
            for bound in (parameter.low, parameter.high):
                row = base.copy()
                row[i] = bound
                rows.append(row)
        points = np.array(rows)
    elif method == "grid":
        axes = [np.linspace(p.low, p.high, n) for p in parameters]
        points = np.array(list(itertools.product(*axes)))
    elif method == "lhs":
        points = latin.sample(problem(parameters), n, seed=seed)
    elif method == "sobol":
        points = sobol.sample(problem(parameters), n, calc_second_order=False, scramble=True, seed=seed)
    elif method == "morris":
        points = morris.sample(problem(parameters), n, num_levels=MORRIS_LEVELS, seed=seed)
    else:
        raise ValueError(f"unknown method {method!r}")
    for i, parameter in enumerate(parameters):
        if parameter.integer:
            points[:, i] = np.round(points[:, i])
    return points
