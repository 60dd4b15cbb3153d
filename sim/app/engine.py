"""Replications for the meeting page: one pool of worker processes for the whole server, every replication kept
(per scenario, seed and replication index) so that a setting seen before answers at once, and every request
cancellable, so that moving a slider again stops the replications of the settings it leaves.

Replication r of a scenario is :func:`sim.runner.run_replication` (scenario, seed, r), exactly what ``tuoyu run``
computes: the page's tables are the command line's for the same scenario file and seed. Two scenarios' replication
r share their random streams (common random numbers), so their difference is the policy's effect.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path

from sim.binding import DEFAULT_REPS
from sim.experiments.evaluators import PRELOAD, _install, _run_installed, _started, default_workers
from sim.folders import sha256_of
from sim.results import ReplicationTables, Result
from sim.runner import TWIN, ProbeOutcome, assemble, run_probe, run_replication, run_tasks
from sim.scenario.load import Scenario

HEARTBEAT_SECONDS = 0.2  # how often a waiting request reports progress (and so can be stopped by the page)
CACHE_BYTES = 2 * 2**30  # replications kept; the example city's take 1.2 MB each, the province's 13 MB


class Cancelled(Exception):
    """A newer request of the same session replaced this one."""


# A run of a scenario: a replication r, or a probe (r, resource, year) of what binds (sim.binding)
Run = int | tuple[int, str, int]


def replicate(task: tuple[Scenario, int, Run]) -> ReplicationTables | ProbeOutcome:
    """A worker's task: replication ``r`` of ``scenario`` with root ``seed``, or a probe of it."""
    scenario, seed, run = task
    if isinstance(run, tuple):
        return run_probe(scenario, seed, *run)
    return run_replication(scenario, seed, run)


def _nbytes(found: ReplicationTables | ProbeOutcome) -> int:
    if isinstance(found, ProbeOutcome):
        return found.enrolled.nbytes + found.added.nbytes
    return found.monthly.nbytes + found.annual.nbytes


def fingerprint(scenario: Scenario) -> str:
    """What the scenario's replications depend on: its resolved settings and the contents of its city's files, not
    where they lie (a CSV changed on disk is a new scenario; the same files copied elsewhere are the same one), nor
    its name and language (``meta``: the model never reads them, so the package as the scenario has it shares the
    scenario's replications)."""
    settings = scenario.spec.model_dump(mode="json")
    settings.pop("meta")
    files = settings.pop("geography")
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode("utf-8"))
    for key, path in sorted(files.items()):
        digest.update(f"{key}={sha256_of(Path(path)) if path else ''};".encode())
    return digest.hexdigest()


class Request:
    """One session's request for replications; ``cancel()`` (from any thread) stops it: replications not started
    are dropped, those running finish and are kept for later."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()
        self._futures: list[Future] = []
        self._lock = threading.Lock()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()
        with self._lock:
            for future in self._futures:
                future.cancel()

    def track(self, future: Future) -> None:
        with self._lock:
            self._futures.append(future)
            if self._cancelled.is_set():
                future.cancel()


Progress = Callable[[int, int], None]


class Engine:
    """Replications on ``workers`` local processes (1: in the calling thread), cached up to ``cache_bytes``."""

    def __init__(self, workers: int | None = None, cache_bytes: int = CACHE_BYTES):
        self.workers = workers or default_workers()
        self.cache_bytes = cache_bytes
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, int, Run], ReplicationTables | ProbeOutcome] = OrderedDict()
        self._cached_bytes = 0

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("forkserver") \
                    if "forkserver" in multiprocessing.get_all_start_methods() else multiprocessing.get_context("spawn")
                if context.get_start_method() == "forkserver":
                    context.set_forkserver_preload(PRELOAD)
                self._pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_install,
                                                 initargs=(replicate,))
            return self._pool

    def start(self) -> None:
        """Start the worker processes now (they import the model, about a second each), not at the first request."""
        if self.workers > 1:
            pool = self._executor()
            for _ in range(self.workers):
                pool.submit(_started)

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None

    # --- the cache ---
    def cached(self, key: str, seed: int, replication: Run) -> ReplicationTables | ProbeOutcome | None:
        with self._lock:
            found = self._cache.get((key, seed, replication))
            if found is not None:
                self._cache.move_to_end((key, seed, replication))
            return found

    def keep(self, key: str, seed: int, replication: Run, tables: ReplicationTables | ProbeOutcome) -> None:
        size = _nbytes(tables)
        with self._lock:
            if (key, seed, replication) in self._cache:
                return
            self._cache[(key, seed, replication)] = tables
            self._cached_bytes += size
            while self._cached_bytes > self.cache_bytes and len(self._cache) > 1:
                _, dropped = self._cache.popitem(last=False)
                self._cached_bytes -= _nbytes(dropped)

    # --- running ---
    def tables(self, scenario: Scenario, seed: int, replications: Sequence[Run], request: Request | None = None,
               progress: Progress | None = None, key: str | None = None) -> list[ReplicationTables | ProbeOutcome]:
        """The tables of ``replications`` of ``scenario``, from the cache or computed; ``progress(done, total)`` is
        called as they come in and every fraction of a second while waiting (an exception it raises stops the
        request, as :meth:`Request.cancel` does). Raises :class:`Cancelled` when the request was cancelled."""
        key = key or fingerprint(scenario)
        request = request or Request()
        found: dict[Run, ReplicationTables | ProbeOutcome] = {}
        for r in replications:
            if (tables := self.cached(key, seed, r)) is not None:
                found[r] = tables
        missing = [r for r in replications if r not in found]
        total = len(replications)

        def report() -> None:
            if progress is not None:
                progress(len(found), total)
            if request.cancelled:
                raise Cancelled

        report()
        if self.workers == 1:
            for r in missing:
                found[r] = replicate((scenario, seed, r))
                self.keep(key, seed, r, found[r])
                report()
            return [found[r] for r in replications]
        pending: dict[Future, int] = {}
        try:
            for r in missing:
                future = self._executor().submit(_run_installed, [(r, (scenario, seed, r))])
                # Kept when it finishes, even if this request has moved on: the next one may want it.
                future.add_done_callback(self._keeper(key, seed))
                request.track(future)
                pending[future] = r
            while pending:
                done, _ = wait(pending, timeout=HEARTBEAT_SECONDS, return_when=FIRST_COMPLETED)
                for future in done:
                    r = pending.pop(future)
                    if not future.cancelled():
                        found[r] = future.result()[0][1]
                report()
        finally:
            for future in pending:
                future.cancel()
        return [found[r] for r in replications]

    def _keeper(self, key: str, seed: int) -> Callable[[Future], None]:
        def keep(future: Future) -> None:
            if not future.cancelled() and future.exception() is None:
                for r, tables in future.result():
                    self.keep(key, seed, r, tables)

        return keep

    def result(self, scenario: Scenario, seed: int, reps: int, twins: bool = False, probes: bool = True,
               request: Request | None = None, progress: Progress | None = None, key: str | None = None) -> Result:
        """What ``tuoyu run`` computes for ``scenario``: ``reps`` replications (with their twins if ``twins``) and,
        if ``probes``, the probes of what binds on as many of them as ``tuoyu run`` probes by default."""
        tasks = [task for task in run_tasks(scenario, 0, reps, min(DEFAULT_REPS, reps) if probes else 0)
                 if twins or len(task) == 4 or task[1] < TWIN]
        found = self.tables(scenario, seed, [task[1] if len(task) == 2 else task[1:] for task in tasks], request,
                            progress, key)
        return assemble(scenario, seed, tasks, found)
