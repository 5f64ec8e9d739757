"""Where the CJK fonts are (Debian's fonts-noto-cjk); found once per process."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts")
CJK_SANS = "Noto Sans CJK SC"
CJK_SERIF = "Noto Serif CJK SC"


@lru_cache(maxsize=1)
def font_dirs() -> tuple[str, ...]:
    """The first existing font directories, most specific first (empty when none is installed)."""
    return tuple(d for d in FONT_DIRS if Path(d).is_dir())


@lru_cache(maxsize=1)
def has_cjk_font() -> bool:
    return any(any(p.name.startswith("NotoSansCJK") for p in Path(d).rglob("*")) for d in font_dirs())
