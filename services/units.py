"""One number format per unit, one rule for large totals (issue 22).

- CO2 amounts are stored in 万吨 (10k t). On screen an amount carries its unit: below ``YI_THRESHOLD`` 万吨 it
  reads "12,345 万吨" / "12,345 (10k t)"; from the threshold up (a province's or a country's total) it reads
  "1.23 亿吨" / "123 Mt" — the unit officials use for such totals. Every page and the presentation screen use
  ``mass``; tables whose header names the unit use ``wan`` (the number only, one format).
- Shares are percentages (``pct``), ranks integers (``rank``), intensities three decimals (``intensity``).
"""
from __future__ import annotations

import math

from services.i18n import lang

YI_THRESHOLD = 10_000.0   # 万吨: 1 亿吨 and above is shown in 亿吨 (Mt in English)
DASH = "—"


def _missing(x) -> bool:
    try:
        return x is None or not math.isfinite(float(x))
    except (TypeError, ValueError):
        return True


def wan(x, digits: int = 0) -> str:
    """An amount in 万吨, number only (the header names the unit): 12,345."""
    return DASH if _missing(x) else f"{float(x):,.{digits}f}"


def mass(x, lang_: str | None = None) -> str:
    """An amount in 万吨 with its unit, in 亿吨 / Mt from ``YI_THRESHOLD`` up."""
    if _missing(x):
        return DASH
    zh = (lang_ or lang()) == "zh"
    v = float(x)
    if abs(v) >= YI_THRESHOLD:
        return f"{v / 10_000:,.2f} 亿吨" if zh else f"{v / 100:,.0f} Mt"
    return f"{v:,.0f} 万吨" if zh else f"{v:,.0f} (10k t)"


def mass_unit(values, lang_: str | None = None) -> tuple[float, str]:
    """(divisor, unit label) for a column or chart of amounts in 万吨: 亿吨 / Mt when the largest reaches the threshold."""
    zh = (lang_ or lang()) == "zh"
    vals = [abs(float(v)) for v in values if not _missing(v)]
    if vals and max(vals) >= YI_THRESHOLD:
        return (10_000.0, "亿吨") if zh else (100.0, "Mt")
    return (1.0, "万吨") if zh else (1.0, "10k t")


def pct(x, signed: bool = False, digits: int = 1) -> str:
    if _missing(x):
        return DASH
    return f"{float(x):+.{digits}%}" if signed else f"{float(x):.{digits}%}"


def rank(x) -> str:
    return DASH if _missing(x) else str(int(round(float(x))))


def intensity(x) -> str:
    return DASH if _missing(x) else f"{float(x):,.3f}"
