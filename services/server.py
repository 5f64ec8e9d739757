"""Serving the app: Streamlit's own CLI, in a process that warms up first.

While Streamlit starts, a background thread imports the heavy modules and computes the budget status
report into the process cache, so the first official who opens the weather vane after a (re)start
does not wait for it. Used by `carbon-budget serve` (and so by `make run`).
"""
from __future__ import annotations

import sys
import threading
from pathlib import Path

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _warm_up() -> None:
    try:
        from services import budget_view, data

        path = data.warehouse_path()
        budget_view.report(path, data.data_version(path))
    except Exception:  # noqa: BLE001 - warming is best effort; the page reports real problems
        pass


def main(argv: list[str] | None = None) -> int:
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
    from streamlit.web import cli as stcli

    sys.argv = ["streamlit", "run", APP, *(argv if argv is not None else sys.argv[1:])]
    return stcli.main()


if __name__ == "__main__":
    sys.exit(main())
