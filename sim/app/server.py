"""``tuoyu app``: start the meeting page's server (Streamlit) in this process and print its address.

The server listens on 127.0.0.1 unless ``host`` says otherwise; it asks nothing of the internet (no usage
statistics, no update checks) and writes nothing but what the page writes into its results folder. The page's
settings and its engine (the worker processes and the cache) live in this module, one per server, shared by the
sessions.
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from sim.app.engine import Engine

PAGE = Path(__file__).with_name("page.py")
DEFAULT_PORT = 8501
MAX_UPLOAD_MB = 64  # the largest CSV the scenario loader reads (sim.scenario.files.CSV_MAX_BYTES)


@dataclass
class Settings:
    """What ``tuoyu app`` was started with."""

    scenario: Path | None = None  # chosen first on the page
    out: Path = Path("results") / "app"  # everything the page writes: exports, the sessions' folders
    reps: int = 20
    seed: int = 1
    workers: int | None = None
    folders: list[Path] = field(default_factory=lambda: [Path("scenarios")])  # where the page lists scenarios


_settings = Settings()
_engine: Engine | None = None
_lock = threading.Lock()


def configure(settings: Settings, engine: Engine | None = None) -> None:
    """Set the page's settings (and engine) for this process: ``tuoyu app`` does it before the server starts, the
    tests before they open the page."""
    global _settings, _engine
    with _lock:
        _settings = settings
        if _engine is not None and engine is not _engine:
            _engine.close()
        _engine = engine


def settings() -> Settings:
    return _settings


def engine() -> Engine:
    """The server's engine, started on first use."""
    global _engine
    with _lock:
        if _engine is None:
            _engine = Engine(_settings.workers)
        return _engine


def free_port(host: str, first: int = DEFAULT_PORT, tries: int = 50) -> int:
    """The first port from ``first`` on which nothing listens at ``host``."""
    for port in range(first, first + tries):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    raise OSError(f"no free port between {first} and {first + tries - 1} on {host}")


def address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def _announce(url: str, printed: threading.Event, say) -> None:
    """Print the address once the server answers (not before: a script waiting for it may connect at once)."""
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as answer:
                if answer.status == 200:
                    say(url)
                    printed.set()
                    return
        except OSError:
            time.sleep(0.1)


def flag_options(host: str, port: int) -> dict[str, object]:
    """Streamlit's settings for the page: local, quiet and offline."""
    return {
        "server.address": host, "server.port": port, "server.headless": True,
        "server.fileWatcherType": "none", "server.runOnSave": False,  # the page's code does not change under it
        "server.maxUploadSize": MAX_UPLOAD_MB, "server.enableXsrfProtection": True,
        "browser.gatherUsageStats": False,  # no telemetry: and nothing written to ~/.streamlit
        "browser.serverAddress": host, "browser.serverPort": port,
        "global.developmentMode": False, "logger.hideWelcomeMessage": True, "logger.level": "warning",
        "client.toolbarMode": "minimal",
        "client.showErrorDetails": "none", "theme.base": "light",
    }


def serve(settings: Settings, host: str, port: int | None, say) -> None:
    """Run the page's server until Ctrl-C; ``say(url)`` is called once it answers."""
    from streamlit.web import bootstrap

    from sim.app.sessions import clean_stale

    port = port or free_port(host)
    configure(settings)
    clean_stale(settings.out)
    engine().start()  # while the browser opens
    printed = threading.Event()
    threading.Thread(target=_announce, args=(address(host, port), printed, say), daemon=True,
                     name="announce the address").start()
    try:
        bootstrap.load_config_options(flag_options(host, port))
        bootstrap.run(str(PAGE), False, [], flag_options(host, port))
    finally:
        engine().close()
