"""Vega-Lite specs → PNG / SVG bytes offline (vl-convert), with the CJK fonts registered once."""
from __future__ import annotations

import json
from functools import lru_cache

from reports.fonts import font_dirs


@lru_cache(maxsize=1)
def _register_fonts() -> tuple[str, ...]:
    import vl_convert as vlc

    for d in font_dirs():
        vlc.register_font_directory(d)
    return font_dirs()


def spec_png(spec: dict | str, scale: float = 2.0) -> bytes:
    import vl_convert as vlc

    _register_fonts()
    return vlc.vegalite_to_png(json.loads(spec) if isinstance(spec, str) else spec, scale=scale)


def spec_svg(spec: dict | str) -> str:
    import vl_convert as vlc

    _register_fonts()
    return vlc.vegalite_to_svg(json.loads(spec) if isinstance(spec, str) else spec)
