"""What the pages draw, computed once per warehouse data version and shared by every session.

A page view should cost the server only the drawing: whatever a page derives from the warehouse for
everyone alike (chart specifications, display tables, texts) is kept here under the key the caller
gives — which must name everything the value depends on besides the data: the region, the language, a
widget's value — and reused until the data version changes. Values are returned as they are (never
copied, unlike ``st.cache_data``): callers only read them.

Charts are kept as Vega-Lite specifications: building an Altair chart and converting it (with its JSON
schema validation) costs far more than drawing it, so ``chart`` converts once and draws the stored spec
with ``st.vega_lite_chart``.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable

import pandas as pd
import pyarrow as pa
import streamlit as st

from services.i18n import lang

MAX_ENTRIES = 4000          # per warehouse and version: 300 cities × 2 languages × a handful of items
_MEMO: dict[str, tuple[str, OrderedDict]] = {}
_FLIGHTS: dict[tuple, threading.Lock] = {}   # values being built: later askers wait for them
_LOCK = threading.Lock()


def memo(path: str, version: str, key: tuple, build: Callable[[], Any]) -> Any:
    """``build()`` once per (warehouse, data version, key); older versions are dropped as soon as a newer
    one is asked for. Sessions asking for the same missing value at once wait for the one that builds it
    (after an upload every viewer's next view needs the same new values: they are computed once)."""
    with _LOCK:
        entry = _MEMO.get(path)
        if entry is not None and entry[0] == version and key in entry[1]:
            entry[1].move_to_end(key)
            return entry[1][key]
        flight = _FLIGHTS.setdefault((path, version, key), threading.Lock())
    with flight:
        with _LOCK:
            entry = _MEMO.get(path)
            if entry is not None and entry[0] == version and key in entry[1]:
                return entry[1][key]
        try:
            value = build()
            with _LOCK:
                entry = _MEMO.get(path)
                if entry is None or entry[0] != version:
                    entry = _MEMO[path] = (version, OrderedDict())
                entry[1][key] = value
                while len(entry[1]) > MAX_ENTRIES:
                    entry[1].popitem(last=False)
        finally:
            with _LOCK:
                _FLIGHTS.pop((path, version, key), None)
    return value


def _spec(chart) -> dict:
    """The chart's Vega-Lite spec with its named datasets already in Arrow IPC form (Streamlit passes bytes
    through to the browser as they are; anything else it converts on every draw)."""
    spec = chart.to_dict()
    try:
        from streamlit.dataframe_util import convert_anything_to_arrow_bytes

        spec["datasets"] = {name: convert_anything_to_arrow_bytes(pd.DataFrame(rows))
                            for name, rows in spec.get("datasets", {}).items()}
    except Exception:  # noqa: BLE001 - a Streamlit without that helper converts the values itself
        pass
    return spec


def chart(path: str, version: str, key: tuple, build: Callable[[], Any], **kwargs) -> None:
    """Draw the Altair chart ``build()`` returns, converted to Vega-Lite once per (data version, key,
    language) and drawn from the stored spec on every later view."""
    st.vega_lite_chart(memo(path, version, ("chart", lang(), *key), lambda: _spec(build())), **kwargs)


def arrow(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """A display table as Arrow (drawn without a pandas conversion on every view), or the frame itself
    when a column does not convert (mixed types): Streamlit then converts it as usual."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        return frame


def dataframe(path: str, version: str, key: tuple, build: Callable[[], pd.DataFrame], **kwargs) -> None:
    """``st.dataframe`` of the table ``build()`` returns, built once per (data version, key, language)."""
    st.dataframe(memo(path, version, ("table", lang(), *key), lambda: arrow(build())), **kwargs)


_LASTING: OrderedDict = OrderedDict()
LASTING_ENTRIES = 64


def lasting(key: tuple, build: Callable[[], Any]) -> Any:
    """``build()`` kept across data versions, for values whose ``key`` names all they depend on (e.g. a digest
    of the region list): an upload changes the data version but not the upload templates."""
    with _LOCK:
        if key in _LASTING:
            _LASTING.move_to_end(key)
            return _LASTING[key]
    value = build()
    with _LOCK:
        _LASTING[key] = value
        while len(_LASTING) > LASTING_ENTRIES:
            _LASTING.popitem(last=False)
    return value


def clear() -> None:
    with _LOCK:
        _MEMO.clear()
        _LASTING.clear()
