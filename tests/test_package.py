"""The package people install: a wheel and an sdist that build and pass twine's metadata check, with the licence,
dependency ceilings and no test tools; the wheel installs into a fresh virtual environment, where `tuoyu init` and
`tuoyu run` work."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

import sim
from tests.conftest import ROOT, SMALL

MINUTES = 60


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], check=True, capture_output=True,
                   timeout=10 * MINUTES)
    return out


def wheel_of(dist: Path) -> Path:
    [wheel] = dist.glob("tuoyu_sim-*.whl")
    return wheel


def test_the_wheel_and_sdist_pass_the_metadata_check(dist):
    assert len(list(dist.glob("tuoyu_sim-*.tar.gz"))) == 1
    checked = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())],
                             capture_output=True, text=True, timeout=5 * MINUTES)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_metadata_names_the_licence_the_version_and_bounded_dependencies(dist):
    with zipfile.ZipFile(wheel_of(dist)) as wheel:
        names = wheel.namelist()
        [meta] = [n for n in names if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(wheel.read(meta).decode("utf-8"))
    assert metadata["License-Expression"] == "MIT"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert metadata["Version"] == sim.__version__
    assert re.search(rf"^## {re.escape(sim.__version__)}$", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)
    requires = metadata.get_all("Requires-Dist")
    for_users = [r for r in requires if "extra ==" not in r]
    assert all("<" in r for r in for_users), [r for r in for_users if "<" not in r]
    assert not [r for r in for_users if r.split(">")[0].split("[")[0].lower() in ("pytest", "hypothesis", "ruff")]
    assert not [n for n in names if n.startswith(("tests/", "scenarios/"))]
    assert "sim/citygen.py" in names and "sim/py.typed" not in names


def test_the_lowest_versions_are_the_floors(dist):
    """constraints-lowest.txt pins every dependency at the floor pyproject.toml gives it."""
    with zipfile.ZipFile(wheel_of(dist)) as wheel:
        meta = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        requires = Parser().parsestr(wheel.read(meta).decode("utf-8")).get_all("Requires-Dist")
    floors = {}
    for requirement in requires:
        if "extra ==" in requirement:
            continue
        name, floor = re.match(r"([A-Za-z0-9_.-]+)(?:\[[^]]*\])?\s*.*?>=\s*([0-9.]+)", requirement).groups()
        floors[name.lower().replace("_", "-")] = floor
    pins = dict(line.split("==") for line in (ROOT / "constraints-lowest.txt").read_text(encoding="utf-8").splitlines()
                if line and not line.startswith("#"))
    pins = {name.lower(): version for name, version in pins.items()}
    for name, floor in floors.items():
        assert name in pins, name
        assert [int(p) for p in pins[name].split(".")][:len(floor.split("."))] == [int(p) for p in floor.split(".")], \
            name


def test_the_wheel_installs_into_a_fresh_environment_and_runs(dist, tmp_path):
    """The wheel alone in a fresh environment: everything the package needs of its own files is in it. Its
    dependencies are this environment's (a .pth line, looked at after the fresh environment's own packages), the
    versions its metadata allows (checked above), so that the test takes seconds rather than minutes of copying
    them again; `make test-lowest` installs them from the index."""
    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel_of(dist))], check=True,
                   capture_output=True, timeout=15 * MINUTES)
    fresh = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                           capture_output=True, text=True, check=True).stdout.strip()
    (Path(fresh) / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    located = subprocess.run([str(python), "-c", "import sim; print(sim.__file__)"], capture_output=True, text=True,
                             check=True, cwd=tmp_path).stdout.strip()
    assert Path(located).is_relative_to(fresh)  # the package from the wheel, not this checkout
    tuoyu = env / "bin" / "tuoyu"

    def run(*args: object) -> subprocess.CompletedProcess:
        return subprocess.run([str(tuoyu), *map(str, args)], capture_output=True, text=True, cwd=tmp_path,
                              timeout=10 * MINUTES)

    assert run("--version").stdout.strip() == f"tuoyu-sim {sim.__version__}"
    city = tmp_path / "small"
    shutil.copytree(SMALL.parent, city)
    first = run("run", city / "scenario.yaml", "--reps", 1, "--set", "horizon.end=2025-03", "--out", tmp_path / "a")
    assert first.returncode == 0, first.stdout + first.stderr
    assert (tmp_path / "a" / "summary.xlsx").exists()
    assert "compiles the model's numeric loops once" in first.stderr  # the fresh install's first run
    made = run("init", tmp_path / "mine")
    assert made.returncode == 0, made.stdout + made.stderr
    again = run("run", tmp_path / "mine" / "baseline.yaml", "--reps", 1, "--set", "horizon.end=2025-03",
                "--out", tmp_path / "b")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "compiles" not in again.stderr  # compiled once, cached
