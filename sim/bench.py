"""``make bench``: speed of the example city, the Hebei province, the meeting page, sweeps and the example
optimisation, printed as figures (no pass/fail; tests never time code).

    python -m sim.bench [--reps N] [--scenario FILE] [--province-reps N] [--sweep-runs N] [--memory-runs N …]
                        [--no-sweeps] [--no-app] [--no-optimize]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import psutil

import sim
from sim.model import population
from sim.model.population import demographics, initial_population
from sim.model.record import MonthlyRecord
from sim.model.streams import Streams
from sim.runner import run_replication

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "scenarios" / "example_city" / "baseline.yaml"
PROVINCE = ROOT / "scenarios" / "hebei" / "baseline.yaml"
SMALL = ROOT / "tests" / "data" / "small" / "scenario.yaml"
PARAMS = ["demand.give_up_per_month_share=0.04:0.12", "providers.entry.max_entries_per_district_per_year=2:8"]


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def _population_only(scenario: sim.Scenario, replication: int) -> None:
    """The population mechanism's steps alone, month after month, with what they read."""
    spec, city = scenario.spec, scenario.city
    ctx = SimpleNamespace(spec=spec, city=city, streams=Streams(0, replication), demography=demographics(spec, city),
                          record=MonthlyRecord(list(population.RECORDS), spec.horizon.months, city.n_streets))
    state = SimpleNamespace(population=initial_population(spec, city))
    for ctx.month in range(spec.horizon.months):
        population.step(ctx, state)


def _ms(seconds: list[float]) -> str:
    return f"{statistics.median(seconds) * 1000:7.1f} ms (min {min(seconds) * 1000:.1f}, max {max(seconds) * 1000:.1f})"


def _describe(scenario: sim.Scenario) -> str:
    city = scenario.city
    return (f"scenario: {scenario.name} ({city.n_districts} districts, {city.n_streets} streets, "
            f"{city.population.sum():,.0f} residents, {len(city.providers)} providers, "
            f"{scenario.spec.horizon.months} months)")


def province_figures(reps: int) -> None:
    """Seconds per replication of the Hebei province, aggregation to districts and years included."""
    load_s = _timed(sim.load_scenario, PROVINCE)
    scenario = sim.load_scenario(PROVINCE)
    run_replication(scenario, 0, 0)  # warm-up
    whole = [_timed(run_replication, scenario, 0, rep) for rep in range(1, reps + 1)]
    print(_describe(scenario))
    print(f"load scenario and CSVs:             {load_s:7.2f} s")
    print(f"whole model, one replication:       {statistics.median(whole):7.2f} s (min {min(whole):.2f}, "
          f"max {max(whole):.2f})   target ≤ 3 s")
    print("peak memory of `tuoyu run` of the province (in its own process, results folder written):")
    for reps in (2, 10):
        with tempfile.TemporaryDirectory() as folder:
            total, _, seconds = peak_memory([sys.executable, "-c", "from sim.cli import app; app()", "run",
                                             str(PROVINCE), "--reps", str(reps), "--out", str(Path(folder) / "run")])
        print(f"  {reps:3d} replications: {total:6.0f} MB ({seconds:.0f} s)")


def peak_memory(command: list[str]) -> tuple[float, float, float]:
    """Run ``command`` and sample, every 100 ms, the proportional set size (PSS: shared pages divided among the
    processes that share them, so the sum is the memory really used) of it and of all its descendants (the fork
    server and the workers). Returns the peak total and the parent's peak, in MB, and the seconds taken."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = psutil.Process(process.pid)
    peak_total = peak_parent = 0
    while process.poll() is None:
        total = 0
        for member in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):  # a process that just ended
                pss = member.memory_full_info().pss
                total += pss
                if member.pid == root.pid:
                    peak_parent = max(peak_parent, pss)
        peak_total = max(peak_total, total)
        time.sleep(0.1)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed with exit code {process.returncode}")
    return peak_total / 2**20, peak_parent / 2**20, time.perf_counter() - start


def _sweep(scenario: Path, runs: int, workers: int) -> float:
    """Seconds for an LHS sweep of ``runs`` points, one replication each, into a temporary folder."""
    # Imported here, as the CLI does: each worker process imports this module again, and should not pay for SALib.
    from sim.experiments.spec import load_sweep
    from sim.experiments.sweep import run_sweep

    spec = load_sweep(scenario, PARAMS, "lhs", runs, ["places_per_1000@2025-12"], 1, 1, [])
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        run_sweep(spec, Path(folder) / "sweep", ["bench"], workers=workers)
        return time.perf_counter() - start


def timed_sweep(runs: int, workers: int) -> float:
    """``_sweep`` of the example city in a fresh process, as ``tuoyu sweep`` runs: the pool's fork server starts
    from nothing. That process first runs one replication itself, untimed, so that neither figure includes
    loading the compiled loops into it."""
    child = subprocess.run([sys.executable, "-m", "sim.bench", "--sweep-runs", str(runs), "--time-sweep", str(workers)],
                           capture_output=True, text=True, check=True)
    return float(child.stdout.split()[-1])


def _spin(_: int) -> int:
    total = 0
    for i in range(2_000_000):
        total += i
    return total


def machine_efficiency() -> float:
    """Parallel efficiency of a plain CPU loop on 2 processes: what the machine itself allows right now
    (below 100% when other programs use the cores)."""
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, range(2)))  # start the processes before timing
        one = min(_timed(lambda: [_spin(task) for task in range(8)]) for _ in range(3))
        two = min(_timed(lambda: list(pool.map(_spin, range(8)))) for _ in range(3))
    return one / two / 2


def sweep_figures(runs: int, memory_runs: list[int]) -> None:
    print(f"load average before the sweeps: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; a plain CPU loop "
          f"on 2 processes reaches {machine_efficiency():.0%} parallel efficiency on this machine now")
    print(f"{runs}-run LHS sweep of the example city (2 parameters, 1 replication a run, whole horizon), each in a "
          f"new process, 1 and 2 workers in turn, three times (the machine's speed drifts):")
    rounds = [(timed_sweep(runs, 1), timed_sweep(runs, 2)) for _ in range(3)]
    for i, (one, two) in enumerate(rounds, 1):
        print(f"  round {i}: 1 worker {one:.1f} s, 2 workers {two:.1f} s (pool start-up included): "
              f"efficiency {one / two / 2:.0%}")
    one, two = min(r[0] for r in rounds), min(r[1] for r in rounds)
    print(f"  best of each: 1 worker (in the process) {runs / one:6.2f} runs/s, 2 worker processes {runs / two:6.2f} "
          f"runs/s; parallel efficiency {one / two / 2:.0%}   target ≥ 80%")
    print("peak memory of `tuoyu sweep` of the small test city (LHS, 1 replication a run, --workers 2): PSS of the "
          "command and its fork server and workers, sampled every 100 ms:")
    for count in memory_runs:
        with tempfile.TemporaryDirectory() as folder:
            command = [sys.executable, "-c", "from sim.cli import app; app()", "sweep", str(SMALL), "--method", "lhs",
                       "-n", str(count), "--reps", "1", "--metric", "places_per_1000@2026-12", "--workers", "2",
                       "--out", str(Path(folder) / "sweep"), *(word for p in PARAMS for word in ("--param", p))]
            total, parent, seconds = peak_memory(command)
        print(f"  {count:6d} runs: {total:7.0f} MB in all, the parent {parent:5.0f} MB ({seconds:.0f} s)"
              f"   target ≤ 1024 MB and flat")


def app_figures(scenario: Path, reps: int, moves: int = 3) -> None:
    """Seconds from moving a lever on the meeting page to its updated projection: the page itself (Streamlit's
    AppTest runs its script as the server does for a browser) on 2 worker processes, the baseline already shown,
    the construction subsidy moved to a value not seen before each time (nothing from the cache)."""
    from streamlit.logger import set_log_level
    from streamlit.testing.v1 import AppTest

    from sim.app import server
    from sim.app.engine import Engine

    set_log_level("error")  # AppTest's run outside a server warns about it
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        engine = Engine(workers=2)
        server.configure(server.Settings(scenario=scenario, out=Path(folder), reps=reps, folders=[scenario.parent]),
                         engine)
        try:
            page = AppTest.from_file(str(server.PAGE), default_timeout=900)
            start = time.perf_counter()
            page.run()
            opened = time.perf_counter() - start
            key = next(s.key for s in page.slider if s.key.endswith("/construction_subsidy/yuan_per_place"))
            seconds, shown = [], []
            for move in range(moves):
                value = page.slider(key=key).value - 500 * (move + 1)
                start = time.perf_counter()
                page.slider(key=key).set_value(value).run()
                seconds.append(time.perf_counter() - start)
                if page.exception:
                    raise RuntimeError(page.exception[0].message)
                # the page's own caption says when the projection was drawn, before what binds is measured
                shown.append(next(float(found.group(1)) for caption in page.caption
                                   if (found := re.search(r"([0-9.]+) (?:s|秒)$", caption.value))))
        finally:
            engine.close()
    # What the replications alone take at the machine's speed now, for comparison: the rest is the page's.
    loaded = sim.load_scenario(scenario)
    run_replication(loaded, 0, 0)
    one = statistics.median(_timed(run_replication, loaded, 0, rep) for rep in range(1, 3))
    print(f"  {_describe(loaded)}")
    print(f"  load average before: {load:.1f} on {os.cpu_count()} cores (other work on the cores slows every figure)")
    print(f"  page opened (workers started, baseline run): {opened:5.1f} s")
    print(f"  lever moved → projection updated, {reps} replications on 2 workers: "
          f"median {statistics.median(shown):5.1f} s ({', '.join(f'{s:.1f}' for s in shown)})")
    print(f"  … and what binds filled in (the probes tuoyu run makes): "
          f"median {statistics.median(seconds):5.1f} s ({', '.join(f'{s:.1f}' for s in seconds)})")
    print(f"  of which the replications, at least: {reps} × {one:.2f} s (one, timed just after) / 2 workers = "
          f"{reps * one / 2:.1f} s")


OPTIMIZE = ROOT / "scenarios" / "example_city" / "optimize.yaml"


def optimize_figures(spec: Path = OPTIMIZE, workers: int = 2) -> None:
    """Wall time of the example optimisation (``tuoyu optimize``, from a fresh process, pool start-up included), its
    evaluations and what it recommends."""
    import json

    import pandas as pd

    # Other programs on the cores stretch the wall time in proportion; the load average says how much to discount.
    print(f"load average before the optimisation: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "optimize"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from sim.cli import app; app()", "optimize", str(spec), "--workers",
                        str(workers), "--out", str(out)], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        candidates = pd.read_csv(out / "candidates.csv")
        recommended = candidates[candidates["status"] == "recommended"]
    print(f"example optimisation ({spec.name}, --workers {workers}): {seconds / 60:.1f} min wall time; "
          f"{len(candidates)} packages screened, {manifest['replications']} replications "
          f"({manifest['replications'] / seconds:.1f} a second)   target: a recommendation in < 15 min")
    if len(recommended):
        print(f"  recommended: public cost {recommended['cost_yuan'].iloc[0] / 1e4:,.0f} 万元; lowest target "
              f"probability {recommended['lowest_target_probability'].iloc[0]:.0%}")
    else:
        print("  no package met every constraint")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=20, help="replications to time")
    parser.add_argument("--scenario", type=Path, default=EXAMPLE)
    parser.add_argument("--province-reps", type=int, default=5, help="replications of the province to time (0: none)")
    parser.add_argument("--sweep-runs", type=int, default=200, help="runs of the sweep timed with 1 and 2 workers")
    parser.add_argument("--memory-runs", type=int, nargs="+", default=[200, 2000],
                        help="sizes of the sweeps whose peak memory is measured")
    parser.add_argument("--no-sweeps", action="store_true", help="time replications only")
    parser.add_argument("--no-app", action="store_true", help="leave out the meeting page's figures")
    parser.add_argument("--no-optimize", action="store_true",
                        help="skip the example optimisation (the longest figure: about 1,500 replications)")
    parser.add_argument("--time-sweep", type=int, metavar="WORKERS", help=argparse.SUPPRESS)  # see timed_sweep
    args = parser.parse_args()
    if args.time_sweep:
        run_replication(sim.load_scenario(EXAMPLE), 0, 0)
        print(_sweep(EXAMPLE, args.sweep_runs, args.time_sweep))
        return

    load_s = _timed(sim.load_scenario, args.scenario)
    scenario = sim.load_scenario(args.scenario)
    run_replication(scenario, 0, 0)  # warm-up: imports, caches
    population = [_timed(_population_only, scenario, rep) for rep in range(args.reps)]
    whole = [_timed(run_replication, scenario, 0, rep) for rep in range(args.reps)]
    tables_s = _timed(lambda: sim.run(scenario, 1, 0).monthly)

    print(_describe(scenario))
    print(f"load scenario and CSVs:             {load_s * 1000:7.1f} ms")
    print(f"population engine, one replication: {_ms(population)}   target ≤ 20 ms")
    print(f"whole model, one replication:       {_ms(whole)}   target ≤ 100 ms")
    print(f"whole model, replications per second: {1 / statistics.median(whole):.1f}")
    print(f"one replication incl. tidy tables:  {tables_s * 1000:7.1f} ms")
    if args.province_reps:
        province_figures(args.province_reps)
    if not args.no_app:
        print("the meeting page (tuoyu app): time from moving a lever to the updated projection")
        app_figures(ROOT / "scenarios" / "example_city" / "three_year_plan.yaml", 20)
        print("  target ≤ 5 s")
        if args.province_reps:
            app_figures(PROVINCE, 20, moves=1)
            print("  target ≤ 60 s (the page shows the replications' progress meanwhile)")
    if not args.no_sweeps:
        sweep_figures(args.sweep_runs, args.memory_runs)
    if not args.no_optimize:
        optimize_figures()


if __name__ == "__main__":
    main()
