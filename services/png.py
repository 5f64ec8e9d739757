"""PNG export of Altair charts with CJK fonts (vl-convert renders without a browser; fonts from reports.fonts)."""
from __future__ import annotations

import altair as alt
import streamlit as st

from reports import chart_images


def _register_fonts() -> tuple[str, ...]:
    """The font directories handed to the renderer (empty when no CJK font is installed)."""
    return chart_images._register_fonts()


def chart_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """Render ``chart`` to PNG bytes (Chinese labels need fonts-noto-cjk installed)."""
    return spec_png(chart.to_json(), scale)


@st.cache_data(show_spinner=False, max_entries=32)
def spec_png(spec_json: str, scale: float = 2.0) -> bytes:
    """PNG of a Vega-Lite spec (JSON text), cached: the rankings page renders it only on download."""
    return chart_images.spec_png(spec_json, scale)
