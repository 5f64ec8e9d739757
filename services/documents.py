"""Documents and images made for a page: a renderer that fails (``reports.render_worker.RenderError``) is a
refused request shown as an error in the viewer's language, never a traceback with server paths."""
from __future__ import annotations

import streamlit as st

from reports.render_worker import RenderError
from services.i18n import lang


def make(fn, *args, **kwargs) -> bytes | None:
    """``fn(*args, **kwargs)`` (document bytes), or None after showing why it could not be made."""
    try:
        return fn(*args, **kwargs)
    except RenderError as exc:
        st.error(exc.message(lang()))
        return None
