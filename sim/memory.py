"""How much memory a run needs, estimated from the city's size before it starts.

A city with many streets or a long horizon can need more memory than the machine has; finding out when the
operating system kills the run hours later loses the work. The estimate is an upper one, from measurements
(tuoyu run, one process, 2 replications, 2025-01 to 2027-12, after a 36-month warm start): the example city
(183 streets) peaks at 0.41 GB (0.43 GB estimated), the province (2,250 streets) at 0.85 GB (0.87 GB),
11,250 streets at 1.45 GB (2.6 GB).
"""

from __future__ import annotations

from collections.abc import Sequence

import psutil

from sim.errors import ResourceError
from sim.folders import size_text
from sim.indicators import INDICATORS
from sim.scenario.load import Scenario

MB = 2**20
PROCESS_BYTES = 400 * MB  # a tuoyu process with numpy, numba and pandas loaded, and its first tables
STREET_MONTH_BYTES = 4 * 1024  # a running replication's state and monthly record, per street and month
ROW_BYTES = 150  # a row of a tidy table being written (pandas, with its strings)


def needed_bytes(scenarios: Sequence[Scenario], reps_kept: int, processes: int, here: bool) -> int:
    """Memory for ``processes`` simulating at once (``here``: this process is one of them), while this process
    keeps the aggregates of ``reps_kept`` replications of every scenario and writes their tables."""
    replication = max(s.city.n_streets * s.spec.horizon.months for s in scenarios) * STREET_MONTH_BYTES
    kept = written = 0
    for scenario in scenarios:
        city, horizon = scenario.city, scenario.spec.horizon
        years = int(horizon.end[:4]) - int(horizon.start[:4]) + 1
        annual_rows = years * (1 + city.n_districts + city.n_streets) * len(INDICATORS)
        monthly_rows = horizon.months * (1 + city.n_districts) * len(INDICATORS)
        kept += 2 * reps_kept * 8 * (annual_rows + monthly_rows)  # each replication's arrays, and them stacked
        written = max(written, annual_rows * ROW_BYTES)
    return processes * (PROCESS_BYTES + replication) + (0 if here else PROCESS_BYTES) + kept + written


def check_memory(scenarios: Sequence[Scenario], reps_kept: int, workers: int | None, scheduler: str | None) -> None:
    """Refuse, before anything runs, a run whose estimated memory exceeds what the machine has available.
    ``workers`` as given to the command (None: its default); on a cluster the workers' memory is the cluster's."""
    if scheduler is not None:
        processes = 0
    else:
        from sim.experiments.evaluators import default_workers  # the process pool's module, only when needed

        workers = default_workers() if workers is None else workers
        processes = 1 if workers == 1 else workers + 1  # a pool's first tasks run here while its workers start
    needed = needed_bytes(scenarios, reps_kept, processes, here=scheduler is None)
    available = psutil.virtual_memory().available
    if needed > available:
        largest = max(scenarios, key=lambda s: s.city.n_streets * s.spec.horizon.months)
        raise ResourceError("memory", f"this needs about {size_text(needed)} ({largest.city.n_streets:,} streets × "
                                      f"{largest.spec.horizon.months} months, {reps_kept} replications kept, "
                                      f"{processes} processes simulating) and the machine has "
                                      f"{size_text(available)} available; run fewer --workers or replications, a "
                                      f"shorter horizon, or on a Dask cluster (--scheduler)")
