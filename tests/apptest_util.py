"""Driving the real app.py with streamlit.testing.v1.AppTest over a real warehouse file."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_page(page: str, lang: str = "zh", timeout: float = 60) -> AppTest:
    """Run app.py, switch to ``pages/<page>.py`` in the given language, and return the AppTest."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    return at


def texts(at: AppTest) -> str:
    """All visible text of common elements, joined, for 'is this on screen' checks."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)
