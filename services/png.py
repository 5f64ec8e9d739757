"""PNG export of Altair charts with CJK fonts (vl-convert renders without a browser)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import altair as alt
import streamlit as st

FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts")


@lru_cache(maxsize=1)
def _register_fonts() -> tuple[str, ...]:
    import vl_convert as vlc

    used = []
    for d in FONT_DIRS:
        if Path(d).is_dir():
            vlc.register_font_directory(d)
            used.append(d)
    return tuple(used)


def chart_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """Render ``chart`` to PNG bytes (Chinese labels need fonts-noto-cjk installed)."""
    return spec_png(chart.to_json(), scale)


@st.cache_data(show_spinner=False, max_entries=32)
def spec_png(spec_json: str, scale: float = 2.0) -> bytes:
    """PNG of a Vega-Lite spec (JSON text), cached: the rankings page renders it only on download."""
    import vl_convert as vlc

    _register_fonts()
    return vlc.vegalite_to_png(json.loads(spec_json), scale=scale)
