"""PNG export of Altair charts with CJK fonts (vl-convert renders without a browser)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import altair as alt

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
    import vl_convert as vlc

    _register_fonts()
    return vlc.vegalite_to_png(chart.to_dict(), scale=scale)
