"""UI text of issue 8's "numbers that lie" fixes (combined January–February, fuel completeness): key -> (zh, en)."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "num_jan_feb": ("{year}年1–2月合计", "Jan–Feb {year} combined"),
    "num_jan_feb_total": ("1–2月合计", "Jan–Feb total"),
    "num_per_month": ("月均", "per month"),
    "num_jan_feb_note": ("1–2月为合计数（统计部门合并发布），图中画作跨两个月的一段（高度为月均值），不拆分到单月。",
                         "January–February is one combined figure (published together); it is drawn as one segment "
                         "spanning both months (at its monthly mean), never split into months."),
}
