"""What the meeting page's tests share: the page opened on the small city, and the check that an export equals what
the command line makes of its overlay."""

from __future__ import annotations

import filecmp
from pathlib import Path

from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from sim.app import server
from sim.app.engine import Engine
from sim.cli import app
from tests.conftest import SMALL

PAGE = Path(server.__file__).with_name("page.py")
BAD_SCENARIO = "meta:\n  name: a city\n  langauge: en\ngeography:\n  districts_csv: districts.csv\n" \
               "  streets_csv: streets.csv\n"


def open_page(out: Path, reps: int = 3, seed: int = 2, scenario: Path = SMALL) -> AppTest:
    """The page on the small city, replications in the test's own thread, everything written under ``out``."""
    server.configure(server.Settings(scenario=scenario, out=out, reps=reps, seed=seed, folders=[scenario.parent]),
                     Engine(workers=1))
    return AppTest.from_file(str(PAGE), default_timeout=120).run()


def problems(at: AppTest) -> list[str]:
    """The page's exceptions (a bug) as text."""
    return [f"{e.message}\n{''.join(e.stack_trace)}" for e in at.exception]


def cli(*args: object) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def assert_same_as_cli(run: Path, overlay: Path, reps: int, seed: int, language: str, out: Path) -> None:
    """``tuoyu run`` of ``overlay`` and ``tuoyu report`` on its folder give the files of ``run`` byte for byte (the
    brief is the same PDF: it has no creation date, and its footer shows the day the run was made, the same day);
    only the manifest differs (its command and times)."""
    cli("run", overlay, "--reps", reps, "--seed", seed, "--out", out)
    cli("report", out, "--lang", language, "--no-charts")
    exported = sorted(p.relative_to(run).as_posix() for p in run.rglob("*") if p.is_file())
    made = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert exported == made
    different = [name for name in exported if not filecmp.cmp(run / name, out / name, shallow=False)]
    assert different == ["manifest.json"], different
    assert f"brief_{language}.pdf" in exported
