"""Targets handed down from above (上级下达目标), pure: checking a loaded table and turning a period's
intensity decline into yearly intensity targets.

A row: region, period ``YYYY-YYYY``, intensity_decline (a fraction over the period, 0.18 = 18%), optional
total_cap (万吨 over the period, for total-led periods) and the source document. The budget follows the
binding target handed down; where none is entered the product says its default is a placeholder.
"""
from __future__ import annotations

import math
import re

import pandas as pd

from budget import config

#: Used only where no target has been entered, and always labelled as a placeholder.
PLACEHOLDER_DECLINE = config.PLAN_INTENSITY_TARGET_DECLINE
MAX_DECLINE = 0.6          # a decline beyond 60% in one period is not a plausible binding target
MAX_TOTAL_CAP = 2.5e7      # 万吨 over a period: 5 years of LEDGER_MAX_AMOUNT
MAX_DOCUMENT = 300
COLUMNS = ["region", "period", "intensity_decline", "total_cap", "document"]


def parse_period(text) -> tuple[int, int] | None:
    m = re.fullmatch(r"\s*(\d{4})\s*[-–—~至]\s*(\d{4})\s*", str(text or ""))
    if not m:
        return None
    a, b = int(m.group(1)), int(m.group(2))
    return (a, b) if 2000 <= a <= b <= 2100 and b - a <= 9 else None


def check_rows(frame: pd.DataFrame, regions: set[str]) -> tuple[pd.DataFrame, list[dict]]:
    """(clean rows: region, period_start, period_end, intensity_decline, total_cap, document; errors: [{row, column,
    value, message_en, message_zh}]). Row numbers count the header as row 1. Any error: use nothing."""
    errors: list[dict] = []
    cols = {str(c).strip().lower(): c for c in frame.columns}
    missing = [c for c in ("region", "period", "intensity_decline", "document") if c not in cols]
    if missing:
        return pd.DataFrame(), [{"row": 1, "column": ", ".join(missing), "value": "",
                                 "message_en": f"missing column(s): {', '.join(missing)}; the template is {','.join(COLUMNS)}",
                                 "message_zh": f"缺少列：{', '.join(missing)}；模板列为 {','.join(COLUMNS)}"}]
    out, seen = [], set()
    for i, rec in enumerate(frame.to_dict("records"), start=2):
        def bad(col, value, en, zh):
            errors.append({"row": i, "column": col, "value": "" if value is None else str(value)[:80],
                           "message_en": en, "message_zh": zh})
        region = " ".join(str(rec.get(cols["region"]) or "").split())
        if region not in regions:
            bad("region", region, "not a region of the warehouse", "不是仓库中的地区代码")
        period = parse_period(rec.get(cols["period"]))
        if period is None:
            bad("period", rec.get(cols["period"]), "write the period as YYYY-YYYY (at most ten years)", "期间请写作 YYYY-YYYY（不超过十年）")
        try:
            d = float(str(rec.get(cols["intensity_decline"])).strip().rstrip("%")) / (100 if str(rec.get(cols["intensity_decline"])).strip().endswith("%") else 1)
        except ValueError:
            d = math.nan
        if not (math.isfinite(d) and 0 < d <= MAX_DECLINE):
            bad("intensity_decline", rec.get(cols["intensity_decline"]),
                f"a decline over the period as a fraction in (0, {MAX_DECLINE}] (0.18 or 18%)",
                f"期间强度下降率须为 (0, {MAX_DECLINE}] 之间的小数（0.18 或 18%）")
        cap_raw = rec.get(cols["total_cap"]) if "total_cap" in cols else None
        cap = None
        if cap_raw is not None and not (isinstance(cap_raw, float) and math.isnan(cap_raw)) and str(cap_raw).strip():
            try:
                cap = float(cap_raw)
            except ValueError:
                cap = math.nan
            if not (math.isfinite(cap) and 0 < cap <= MAX_TOTAL_CAP):
                bad("total_cap", cap_raw, f"a total cap in 10^4 t over the period, in (0, {MAX_TOTAL_CAP:,.0f}]",
                    f"总量上限（万吨，期间合计）须在 (0, {MAX_TOTAL_CAP:,.0f}] 之间")
        doc = " ".join(str(rec.get(cols["document"]) or "").split())
        if not doc or len(doc) > MAX_DOCUMENT or any(ord(c) < 32 or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in doc):
            bad("document", doc, f"name the source document and its date (1-{MAX_DOCUMENT} printable characters)",
                f"须写明来源文件及日期（1–{MAX_DOCUMENT} 个可打印字符）")
        if period is not None and (region, period) in seen:
            bad("period", rec.get(cols["period"]), "the same region and period twice in one file", "同一文件中地区和期间重复")
        if period is not None:
            seen.add((region, period))
            out.append({"region": region, "period_start": period[0], "period_end": period[1], "intensity_decline": d,
                        "total_cap": cap, "document": doc})
    return (pd.DataFrame(out) if not errors else pd.DataFrame()), errors


def yearly_intensity(base_intensity: dict[str, float], targets: pd.DataFrame) -> pd.DataFrame:
    """region, year, intensity_target: the base-year intensity (the year before the period) declining at a
    constant rate to ``1 - intensity_decline`` of it in the period's last year."""
    rows = []
    for t in targets.itertuples(index=False):
        base = base_intensity.get(t.region)
        if base is None or not math.isfinite(base) or base <= 0:
            continue
        n = int(t.period_end) - int(t.period_start) + 1
        for k, y in enumerate(range(int(t.period_start), int(t.period_end) + 1), start=1):
            rows.append((t.region, y, base * (1 - float(t.intensity_decline)) ** (k / n)))
    return pd.DataFrame(rows, columns=["region", "year", "intensity_target"])


def for_plan(targets: pd.DataFrame, parent: str, first: int, last: int) -> dict:
    """The target a plan for ``parent`` over first..last serves: {intensity_decline, total_cap, document,
    placeholder}. Without an entered target: the placeholder decline, labelled as such."""
    if len(targets):
        t = targets[(targets["region"] == parent) & (targets["period_start"].astype(int) == first)
                    & (targets["period_end"].astype(int) == last)]
        if len(t):
            r = t.iloc[-1]
            cap = None if pd.isna(r["total_cap"]) else float(r["total_cap"])
            return {"intensity_decline": float(r["intensity_decline"]), "total_cap": cap, "document": str(r["document"]),
                    "placeholder": False, "version": int(r["version"]) if "version" in t.columns else 1}
    return {"intensity_decline": PLACEHOLDER_DECLINE, "total_cap": None,
            "document": "占位默认值：未录入上级下达目标 / placeholder: no target handed down has been entered",
            "placeholder": True, "version": None}
