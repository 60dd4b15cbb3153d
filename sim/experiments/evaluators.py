"""Evaluators: where a model's tasks run — in this process, in a local process pool, or on a Dask cluster.

An evaluator is bound to one *model*: a picklable callable ``model(task) -> result`` (a scenario's
replications, a sweep's parameter points, a calibration's candidate points). The model is sent to each
worker once and kept there (a process-pool initializer, a Dask ``scatter(broadcast=True)``), so the
numba kernels load and the city's arrays unpickle once per worker, not per task; tasks travel in chunks
so the per-task overhead stays small. ``map(tasks)`` yields ``(position, result)`` pairs chunk by chunk
as they finish, in any order: the caller stores them by position, so the outcome does not depend on the
executor or the number of workers (every seed derives from the root seed and the task, never the worker).

    with open_evaluator(model, workers=2) as evaluator:
        for finished in evaluator.map(tasks):
            for position, result in finished: ...
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

from sim.errors import InputError, Problem, ResourceError

Model = Callable[[Any], Any]
Finished = list[tuple[int, Any]]

MAX_CHUNK = 4  # tasks per chunk: enough to hide the round trip, few enough that no worker idles long at the end
CHUNKS_PER_WORKER = 8
# Modules the process pool's fork server imports once, so each worker starts with the model code loaded. A worker
# also imports the parent's main module again before it starts (for ``tuoyu``, sim.cli), and the parent waits
# for that before it starts the next worker: so sim.cli is preloaded too, and keeps its own imports light.
PRELOAD = ["sim.cli", "sim.runner", "sim.experiments.points", "sim.experiments.warm"]


def chunks(positions: Sequence[int], workers: int) -> list[list[int]]:
    """Positions split into chunks: several per worker (load balance), at most ``MAX_CHUNK`` tasks each."""
    size = max(1, min(MAX_CHUNK, math.ceil(len(positions) / (CHUNKS_PER_WORKER * workers))))
    return [list(positions[i:i + size]) for i in range(0, len(positions), size)]


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Sequential:
    """Every task in this process, one after the other (``--workers 1``: plain tracebacks, a debugger works)."""

    workers = 1
    description = "in this process"

    def __init__(self, model: Model):
        self.model = model

    def map(self, tasks: Sequence[Any]) -> Iterator[Finished]:
        for position, task in enumerate(tasks):
            yield [(position, self.model(task))]

    def close(self, interrupted: bool = False) -> None:
        pass


_worker_model: Model | None = None


def _install(model: Model) -> None:
    """Process-pool initializer: keep the model; Ctrl-C is the parent's to handle (it stops the pool); end with
    the parent."""
    global _worker_model
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_model = model
    threading.Thread(target=_exit_with_parent, name="exit with parent", daemon=True).start()


def _exit_with_parent() -> None:
    # A worker waits for tasks on a queue it also holds the writing end of, so it would never see the parent
    # go if the parent is killed (kill -9, out of memory) and would keep the fork server alive with it.
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()
        os._exit(1)


def _run_chunk(model: Model, chunk: list[tuple[int, Any]]) -> Finished:
    return [(position, model(task)) for position, task in chunk]


def _run_installed(chunk: list[tuple[int, Any]]) -> Finished:
    return _run_chunk(_worker_model, chunk)


def _started() -> None:
    """A no-op task: when one has come back from every worker, the pool is running."""


class ProcessPool:
    """A local pool of ``workers`` processes, started from a fork server that has the model code imported (a fork
    server is safe with the threads a parent may have, unlike a plain fork, and starts workers faster than spawn).

    The workers start in the background: the fork server first imports the model, about a second on a cold start,
    and meanwhile this process, which would otherwise only wait, runs tasks itself, taking them from the end."""

    run_here_while_starting = True  # tests turn it off to send every task to a worker

    def __init__(self, model: Model, workers: int):
        if "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
        else:  # Windows: each worker imports the model code itself
            context = multiprocessing.get_context("spawn")
        self.workers = workers
        self.description = f"{workers} local workers"
        self._model = model
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_install,
                                         initargs=(model,))
        self._running = threading.Event()
        self._starting = threading.Thread(target=self._start, name="start workers", daemon=True)
        self._starting.start()

    def _start(self) -> None:
        # Each submit starts one more worker until there are ``workers`` (and waits for the fork server).
        try:
            wait([self._pool.submit(_started) for _ in range(self.workers)])
        except Exception:  # a pool that cannot start fails again, visibly, when map() submits
            pass
        finally:
            self._running.set()

    def map(self, tasks: Sequence[Any]) -> Iterator[Finished]:
        left = list(range(len(tasks)))
        while left and self.run_here_while_starting and not self._running.is_set():
            position = left.pop()
            yield [(position, self._model(tasks[position]))]
        pending = {self._pool.submit(_run_installed, [(p, tasks[p]) for p in chunk])
                   for chunk in chunks(left, self.workers)}
        yield from _as_finished(pending)

    def close(self, interrupted: bool = False) -> None:
        self._starting.join()
        if interrupted:  # the chunks in progress would be thrown away: stop them rather than wait (the executor
            # has no public way to before Python 3.14's terminate_workers)
            for process in list(self._pool._processes.values()):
                process.terminate()
        self._pool.shutdown(wait=not interrupted, cancel_futures=True)


def _as_finished(pending: set[Future]) -> Iterator[Finished]:
    try:
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
    finally:
        for future in pending:
            future.cancel()


# A cluster without a single worker for this long has lost them (batch-system workers that restart come back
# sooner): the work stops with an error rather than waiting forever.
WORKERLESS_SECONDS = 120.0
POLL_SECONDS = 0.2


class DaskCluster:
    """An existing Dask distributed cluster (``dask scheduler`` + ``dask worker``, or dask-jobqueue on SLURM/PBS).

    A worker that dies running a task (three times over, Dask's default) or a cluster left without workers or
    without its scheduler ends the work with a :class:`ResourceError`; what finished is kept by the caller."""

    def __init__(self, model: Model, scheduler: str):
        from distributed import Client  # imported here: local runs need not pay for it

        self._where = f"--scheduler {scheduler}"
        try:
            self._client = Client(scheduler, timeout="10s")
        except (ValueError, TypeError) as err:
            raise InputError([Problem(self._where, f"expected an address such as tcp://10.0.0.5:8786 ({err})")]) \
                from None
        except (OSError, TimeoutError) as err:
            raise ResourceError(self._where, f"cannot reach the Dask scheduler: {err}") from None
        self.workers = max(1, sum(self._client.nthreads().values()))
        self.description = f"Dask, {self.workers} workers"
        self._model = self._client.scatter(model, broadcast=True, hash=False)

    def map(self, tasks: Sequence[Any]) -> Iterator[Finished]:
        from distributed import KilledWorker, as_completed

        futures = [self._client.submit(_run_chunk, self._model, [(p, tasks[p]) for p in chunk], pure=False)
                   for chunk in chunks(range(len(tasks)), self.workers)]
        finished = as_completed(futures)
        workerless_since = None
        try:
            while not finished.is_empty():
                batch = finished.next_batch(block=False)
                for future in batch:
                    yield future.result()
                if batch or self._client.nthreads():
                    workerless_since = None
                    time.sleep(0 if batch else POLL_SECONDS)
                    continue
                workerless_since = workerless_since or time.monotonic()
                if time.monotonic() - workerless_since > WORKERLESS_SECONDS:
                    raise ResourceError(self._where, f"the Dask cluster has had no workers for "
                                                     f"{WORKERLESS_SECONDS:.0f} s (they were lost or stopped)")
                time.sleep(POLL_SECONDS)
        except KilledWorker as err:
            raise ResourceError(self._where, f"Dask workers died running this work ({err}); out of memory?") from None
        except CancelledError as err:  # the worker holding the model left, and the model with it
            raise ResourceError(self._where, f"the Dask cluster lost this work's data as workers left ({err})") \
                from None
        except (OSError, TimeoutError) as err:  # the scheduler went away
            raise ResourceError(self._where, f"lost the connection to the Dask cluster: {err}") from None
        finally:
            self._client.cancel(futures)

    def close(self, interrupted: bool = False) -> None:
        self._client.close()


Evaluator = Sequential | ProcessPool | DaskCluster


@contextmanager
def open_evaluator(model: Model, workers: int | None = None, scheduler: str | None = None):
    """The evaluator for ``--workers N`` (default: all cores; 1 runs in this process) or ``--scheduler URL``."""
    if scheduler is not None and workers is not None:
        raise InputError([Problem("--scheduler", "give either --workers (local) or --scheduler (a Dask cluster), "
                                                 "not both")])
    if scheduler is not None:
        evaluator = DaskCluster(model, scheduler)
    else:
        workers = default_workers() if workers is None else workers
        evaluator = Sequential(model) if workers == 1 else ProcessPool(model, workers)
    try:
        yield evaluator
    except BaseException:
        evaluator.close(interrupted=True)
        raise
    evaluator.close()


def evaluate(evaluator: Evaluator, tasks: Sequence[Any], keep: Callable[[int, Any], None], *, already: int = 0,
             started: Callable[[int, int, str], None] | None = None,
             progress: Callable[[int], None] | None = None) -> None:
    """Run every task, calling ``keep(position, result)`` as each finishes. ``started(total, already, executor)``
    is called first and ``progress(done)`` after each chunk; both count ``already`` (work done before, e.g. by
    an interrupted run) in."""
    if started is not None:
        started(already + len(tasks), already, evaluator.description)
    done = already
    for finished in evaluator.map(tasks):
        for position, result in finished:
            keep(position, result)
        done += len(finished)
        if progress is not None:
            progress(done)
