"""Every action shows its result: the one thing a page calls after a write (issue 22).

How the new state reaches the screen, whatever the page:
- the write itself makes every cache stale: ``warehouse.db.transaction`` records each commit in ``writes``,
  and the warehouse's state version (``queries.data_version``, the key of every cached read in services/)
  moves with it — closes, approvals, plans, comments, scores, users, uploads alike; no per-page key;
- ``after_write`` then resets the form that made the write (its widget keys), keeps a confirmation for the
  next run, and reruns: the page is drawn again on the new version, so it shows the new state;
- ``show_flash`` (called once by app.py for every page) shows that confirmation at the top of the page.

A refusal is shown where it happened and changes nothing (the form keeps what was typed, to fix it).
"""
from __future__ import annotations

from typing import Iterable

import streamlit as st

FLASH = "_after_write_flash"


def after_write(message: str, reset: Iterable[str] = (), details: Iterable[str] = (), select: dict | None = None) -> None:
    """After a successful write: clear the form's widgets (``reset`` keys), keep ``message`` (and detail
    lines) for the next run, pick what the write made (``select``: widget key -> value, set before the
    widgets of the next run exist), rerun. Never returns."""
    for key in reset:
        st.session_state.pop(key, None)
    st.session_state[FLASH] = (str(message), [str(d) for d in details], dict(select or {}))
    st.rerun()


def refused(message: str) -> None:
    """A refusal: shown in place; nothing was written, the form keeps its values."""
    st.error(message)


def show_flash() -> None:
    """The confirmation of the last write of this session, once."""
    item = st.session_state.pop(FLASH, None)
    if item:
        message, details, select = item
        for key, value in select.items():
            st.session_state[key] = value
        st.success(message + ("\n\n" + "\n".join(f"- {d}" for d in details) if details else ""), icon="✅")


def pending_flash() -> str | None:
    """The confirmation waiting to be shown (for tests)."""
    item = st.session_state.get(FLASH)
    return item[0] if item else None
