"""The script Streamlit runs for each view of the meeting page (``tuoyu app`` starts it; see :mod:`sim.app.ui`).

Streamlit runs it as ``__main__``; a worker process started meanwhile loads it again as ``__mp_main__`` (the
``multiprocessing`` start methods re-import the main module), which must not draw the page."""

from sim.app.ui import main

if __name__ == "__main__":
    main()
