"""Cached budget status for the pages (one computation per data version, year and as-of)."""
from __future__ import annotations

import streamlit as st

from budget import config as bconfig
from monitor.status import StatusReport, status_report
from services.i18n import lang, t

WEATHER_ICONS = {"red": "⛈️", "orange": "🌧️", "surplus": "☀️", "balance": "⛅"}
LEVEL_ORDER = {"green": 0, "orange": 1, "red": 2}


def report(path: str, version: str, year: int | None = None, as_of: str | None = None) -> StatusReport:
    """The status report, computed once per data version (concurrent first views wait for the one
    computation) and shared by every session without copying (st.cache_data would pickle it on every
    hit). Pages only read its frames, never modify them."""
    from services import view_cache

    return view_cache.memo(path, version, ("status_report", year, as_of),
                           lambda: status_report(path, year=year, as_of=as_of))


def require_report(path: str, version: str, year: int | None = None, as_of: str | None = None) -> StatusReport:
    """The status report, or a clear message (no traceback) and stop."""
    try:
        return report(path, version, year, as_of)
    except ValueError as exc:
        from services.empty_states import explain

        st.warning(explain(exc))  # why the page is empty, and what to do
        st.stop()
        raise


def weather_icon(status: str | None, level: str | None) -> str:
    if level in ("red", "orange"):
        return WEATHER_ICONS[level]
    return WEATHER_ICONS.get(status or "balance", "⛅")


def status_label(status: str | None) -> str:
    return bconfig.label(bconfig.STATUS_LABELS, status, lang()) if isinstance(status, str) else "—"


def level_label(level: str | None) -> str:
    return bconfig.label(bconfig.LEVEL_LABELS, level, lang()) if isinstance(level, str) else "—"


def level_change(level: str | None, previous: str | None) -> tuple[str, str]:
    """(arrow, text) of the warning level's move since the previous quarter's end."""
    if not isinstance(previous, str) or not isinstance(level, str):
        return "·", t("bv_new")
    d = LEVEL_ORDER[level] - LEVEL_ORDER[previous]
    if d > 0:
        return "▲", t("bv_worse", prev=level_label(previous))
    if d < 0:
        return "▼", t("bv_better", prev=level_label(previous))
    return same_sign(), t("bv_same")


def same_sign() -> str:
    """The "no change" mark: full-width in Chinese text, ASCII in English."""
    return "＝" if lang() == "zh" else "="


def pct(x, signed: bool = False) -> str:
    if x is None or x != x:
        return "—"
    return f"{x:+.1%}" if signed else f"{x:.1%}"


def num(x, digits: int = 1) -> str:
    if x is None or x != x:
        return "—"
    return f"{x:,.{digits}f}"
