"""The meeting page served by ``tuoyu app`` and driven in headless Chromium (Debian's ``chromium`` package, through
Playwright with its executable path: nothing downloads a browser). Used by test_app_browser.py and by the script
that takes the docs' screenshots (``python -m tests.app_browser``)."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
# As the machine's notes require: no GPU, no network beyond the page (the network is closed), a fresh profile
# (Playwright makes one for each launch).
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STARTUP_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(scenario: Path, out: Path, cwd: Path, env: dict[str, str], *options: str) -> Iterator[str]:
    """``tuoyu app SCENARIO`` in its own process; yields the address it prints; stopped with Ctrl-C (SIGINT)."""
    port = free_port()
    command = [sys.executable, "-c", "from sim.cli import app; app()", "app", str(scenario), "--port", str(port),
               "--out", str(out), *options]
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    lines: queue.Queue[str] = queue.Queue()
    log: list[str] = []

    def read() -> None:
        for line in process.stdout:
            log.append(line)
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    try:
        while True:
            try:
                line = lines.get(timeout=STARTUP_SECONDS)
            except queue.Empty:
                raise RuntimeError(f"tuoyu app printed no address in {STARTUP_SECONDS} s:\n{''.join(log)}") from None
            if line.startswith("tuoyu app: http://"):
                yield line.split()[2]
                break
    finally:
        process.send_signal(signal.SIGINT)  # as Ctrl-C
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


@contextmanager
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield found
        finally:
            found.close()


DONE = ("() => { const done = document.querySelector('.st-key-page_done'); "
        "return done && !document.querySelector('[data-stale=true]'); }")


def wait_for_projection(page, timeout_ms: int = 180_000) -> str:
    """The projection's text once the page is drawn in full (its last line is there and nothing is stale)."""
    page.wait_for_selector(".st-key-projection [data-testid=stMetric]", timeout=timeout_ms)
    page.wait_for_function(DONE, timeout=timeout_ms)
    return page.locator(".st-key-projection").inner_text()


def wait_for_change(page, before: str, timeout_ms: int = 180_000) -> str:
    """The projection's text once the page is drawn in full again and the projection differs from ``before``."""
    page.wait_for_function(
        "(before) => { const p = document.querySelector('.st-key-projection'); "
        f"return p && p.innerText !== before && ({DONE})(); }}", arg=before, timeout=timeout_ms)
    return page.locator(".st-key-projection").inner_text()


def widget(page, key_end: str):
    """A control by the end of its key (``/rent_relief/yuan_per_place_per_month``): Streamlit puts the key in a
    class name, slashes as dashes."""
    return page.locator(f"[class*='{key_end.replace('/', '-')}']").first


def open_lever(page, label: str) -> None:
    page.locator("[data-testid=stExpander] summary", has_text=label).first.click()


def screenshots(folder: Path) -> list[Path]:
    """The page on the example city's three-year plan, 8,000 yuan per place instead of 15,000, in each language."""
    import tempfile

    written = []
    with tempfile.TemporaryDirectory() as temp:
        env = {**os.environ, "MPLCONFIGDIR": str(Path(temp) / "mpl")}
        scenario = ROOT / "scenarios" / "example_city" / "three_year_plan.yaml"
        with served(scenario, Path(temp) / "results", ROOT, env, "--reps", "20") as url, browser() as chromium:
            page = chromium.new_page(viewport={"width": 1600, "height": 2950})
            page.goto(url)
            wait_for_projection(page)
            open_lever(page, "普惠托位建设补贴")
            before = wait_for_projection(page)
            slider = widget(page, "/construction_subsidy/yuan_per_place").locator("input[type=range]")
            slider.focus()
            for _ in range(14):  # 15,000 → 8,000 in steps of 500
                page.keyboard.press("ArrowLeft")
            wait_for_change(page, before)
            for language, label in (("zh", "中文"), ("en", "English")):
                page.get_by_text(label, exact=True).click()
                page.wait_for_timeout(1500)
                wait_for_projection(page)
                page.wait_for_timeout(2500)  # the charts draw after the data arrive
                path = folder / f"app_{language}.png"
                page.screenshot(path=str(path))
                written.append(path)
    return written


if __name__ == "__main__":
    for path in screenshots(ROOT / "docs"):
        print(path)
