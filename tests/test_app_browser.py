"""The meeting page in a real browser: ``tuoyu app`` serves the small city and headless Chromium (Debian's package,
driven by Playwright) loads it, moves a lever, sees the projection change, switches language, downloads the
overlay and the brief and checks them against ``tuoyu run`` and ``tuoyu report``, and uploads a broken scenario.

Without Chromium the tests skip, saying so, unless ``CI`` is set: there they fail (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.app_browser import CHROMIUM, browser, open_lever, served, wait_for_change, wait_for_projection, widget
from tests.app_pages import BAD_SCENARIO, assert_same_as_cli
from tests.conftest import SMALL

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail(f"no Chromium at {CHROMIUM}: .ci/run installs Debian's chromium package before the tests",
                    pytrace=False)
    pytest.skip("no Chromium (apt-get install chromium, as .ci/run does) for the meeting page's browser tests",
                allow_module_level=True)

REPS, SEED = 3, 5


@pytest.fixture(scope="module")
def page_server(tmp_path_factory):
    """The page on the small city, from a working folder and a home of its own, so that the test can see every
    file it writes (matplotlib's and the desktop's settings looked for in that home only)."""
    root = tmp_path_factory.mktemp("app")
    work, home = root / "work", root / "home"
    work.mkdir()
    home.mkdir()
    env = {name: value for name, value in os.environ.items()
           if name not in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME")}
    env["HOME"] = str(home)
    with served(SMALL, work / "results" / "app", work, env, "--reps", str(REPS), "--seed", str(SEED),
                "--workers", "1") as url:
        yield url, work, home


@pytest.fixture(scope="module")
def chromium():
    with browser() as found:
        yield found


def test_a_lever_moves_the_projection_and_the_exports_are_the_clis(page_server, chromium, tmp_path, monkeypatch):
    url, work, home = page_server
    page = chromium.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.goto(url)
    first = wait_for_projection(page)
    assert "每千人口托位数" in first
    open_lever(page, "房租减免")
    widget(page, "/rent_relief").locator("label").first.click()  # the lever's switch: on
    turned_on = wait_for_change(page, first)
    slider = widget(page, "/rent_relief/yuan_per_place_per_month").locator("input[type=range]")
    slider.focus()
    page.keyboard.press("End")  # the slider's top: 500 yuan per place and month
    moved = wait_for_change(page, turned_on)
    assert moved != turned_on
    page.get_by_text("English", exact=True).click()
    english = wait_for_change(page, moved)
    assert "Places per 1,000 residents" in english
    assert page.get_by_text("What if: the meeting page").is_visible()
    radios = page.locator("[data-testid=stRadio]")  # language, scenario source, map view: each shows its choice
    assert radios.count() == 3 and page.locator("[data-testid=stRadio] input:checked").count() == 3

    with page.expect_download() as downloaded:
        page.get_by_role("button", name="Download the overlay (.yaml)").click()
    overlay = tmp_path / "overlay.yaml"
    downloaded.value.save_as(overlay)
    assert "  rent_relief:\n    yuan_per_place_per_month: 500\n" in overlay.read_text(encoding="utf-8")
    page.get_by_role("button", name="Write the run folder and the brief (PDF)").click()
    with page.expect_download(timeout=180_000) as downloaded:
        page.get_by_role("button", name="Download the brief (PDF)").click(timeout=180_000)
    brief = tmp_path / "brief_en.pdf"
    downloaded.value.save_as(brief)

    exports = list((work / "results" / "app" / "exports").iterdir())
    assert len(exports) == 1 and (exports[0] / "overlay.yaml").read_bytes() == overlay.read_bytes()
    # the run of the export's own overlay (the file downloaded is the same bytes), from the page's working folder:
    # summary.xlsx names the scenario and its warnings' files as the command that ran it saw them
    monkeypatch.chdir(work)
    assert_same_as_cli(exports[0] / "run", exports[0] / "overlay.yaml", REPS, SEED, "en", tmp_path / "cli")
    assert brief.read_bytes() == (tmp_path / "cli" / "brief_en.pdf").read_bytes()
    # Nothing written outside the results folder: not in the working folder; in the home folder only the font list
    # matplotlib makes once for every program that draws with it (as `tuoyu report` does).
    written = [p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file()]
    assert written and all(name.startswith("results/app/") for name in written)
    in_home = [p.relative_to(home).as_posix() for p in home.rglob("*") if p.is_file()]
    assert all(name.startswith(".cache/matplotlib/fontlist-") for name in in_home), in_home


def test_an_invalid_upload_shows_its_located_error(page_server, chromium, tmp_path):
    url, _, _ = page_server
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    wait_for_projection(page)
    page.get_by_text("上传文件", exact=True).click()
    page.locator("input[type=file]").set_input_files(
        [{"name": "my_city.yaml", "mimeType": "application/x-yaml", "buffer": BAD_SCENARIO.encode()}])
    page.wait_for_selector("[data-testid=stAlert]", timeout=60_000)
    shown = page.locator("[data-testid=stCode]").first.inner_text()
    (tmp_path / "my_city.yaml").write_text(BAD_SCENARIO, encoding="utf-8")
    expected = subprocess.run([sys.executable, "-c", "from sim.cli import app; app()", "validate", "my_city.yaml"],
                              cwd=tmp_path, capture_output=True, text=True)
    assert expected.returncode == 2
    assert shown.strip() == expected.stderr.strip()
    assert "my_city.yaml:3:3: meta: unknown key 'langauge' (did you mean 'language'?)" in shown
