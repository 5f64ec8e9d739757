"""The allowance year as a document: the list, the year's pre-allocation and true-up results, compliance,
advances and the reconciliation with the city budgets, as one xlsx (text defused by ``reports.xlsx``).

``COLUMN_LABELS`` is the one home of the column names of these tables (the page uses them too)."""
from __future__ import annotations

import pandas as pd

from reports.xlsx import workbook

COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "code": ("单位代码", "Unit"), "name": ("单位名称", "Name"), "region": ("地区", "Region"), "sector": ("行业", "Sector"),
    "market": ("所属市场", "Market"), "local_addition": ("地方增列", "Local addition"), "local_criterion": ("地方纳入标准", "Local criterion"),
    "gases": ("覆盖气体", "Gases"), "product": ("产品类别", "Product"), "co2": ("排放量（万吨）", "Emissions (10k t)"),
    "output": ("产量", "Output"), "intensity": ("碳排放强度（吨/单位产量）", "Intensity (t per unit of output)"),
    "k": ("碳效值 K（强度/行业均值）", "K (intensity / sector mean)"), "grade": ("碳效等级", "Carbon-efficiency grade"),
    "benchmark": ("基准值", "Benchmark"), "preallocated": ("预分配（吨）", "Pre-allocated (t)"), "trued_up": ("核定调整（吨）", "True-up (t)"),
    "adjusted": ("省级调整（吨）", "Province adjustment (t)"), "issued": ("已发放（吨）", "Issued (t)"),
    "advanced_in": ("预支入（吨）", "Advanced in (t)"), "advanced_out": ("被预支（吨）", "Advanced out (t)"),
    "held": ("持有（吨）", "Held (t)"), "surrendered": ("已清缴（吨）", "Surrendered (t)"), "verified": ("核查排放（吨）", "Verified emissions (t)"),
    "balance": ("余额（吨）", "Balance (t)"), "shortfall": ("缺口（吨）", "Shortfall (t)"), "status": ("履约状态", "Status"),
    "deadline": ("清缴截止日", "Deadline"), "amount": ("数量（吨）", "Amount (t)"), "cap": ("上限（吨）", "Cap (t)"),
    "reason": ("理由", "Reason"), "year": ("年度", "Year"), "approved_by": ("批准", "Approved by"),
    "allowances": ("单位配额合计（万吨）", "Units' allowances (10k t)"), "budget": ("城市年度预算（万吨）", "City budget (10k t)"),
    "share": ("重点排放单位份额", "Key-emitter share"), "key_emitter_budget": ("重点排放单位预算（万吨）", "Key-emitter budget (10k t)"),
    "gap": ("差额（万吨）", "Gap (10k t)"),
}
STATUS_LABELS = {"complied": ("已履约", "complied"), "short": ("未足额", "short"), "overdue": ("逾期未履约", "overdue"),
                 "not_due": ("未到期（未核查）", "not due (not verified)")}
MARKET_LABELS = {"national": ("全国市场", "national"), "local": ("地方市场", "local"), "none": ("未纳入", "none")}


def label(key: str, lang: str = "zh") -> str:
    zh, en = COLUMN_LABELS.get(key, (key, key))
    return zh if lang == "zh" else en


def table(frame: pd.DataFrame, columns: list[str], lang: str = "zh") -> pd.DataFrame:
    """``columns`` of ``frame`` (those present), statuses and markets in words, headers in ``lang``."""
    f = frame[[c for c in columns if c in frame]].copy()
    i = 0 if lang == "zh" else 1
    if "status" in f:
        f["status"] = f["status"].map(lambda s: STATUS_LABELS.get(s, (s, s))[i])
    if "market" in f:
        f["market"] = f["market"].map(lambda s: MARKET_LABELS.get(s, ("—", "—"))[i] if isinstance(s, str) else "—")
    if "local_addition" in f:
        f["local_addition"] = f["local_addition"].map(lambda v: "—" if pd.isna(v) else
                                                      ("是" if v else "否") if lang == "zh" else ("yes" if v else "no"))
    return f.rename(columns={c: label(c, lang) for c in f.columns})


def xlsx(overview: dict, lang: str = "zh") -> bytes:
    name = "name_zh" if lang == "zh" else "name_en"
    sheets = {}
    lst = overview["list"].rename(columns={name: "name"})
    sheets["名录" if lang == "zh" else "List"] = table(lst, ["code", "name", "region", "sector", "market", "local_addition",
                                                          "local_criterion", "gases", "product", "co2", "intensity", "k", "grade"], lang)
    res = overview["results"].rename(columns={name: "name"})
    sheets["预分配与核定" if lang == "zh" else "Allocation"] = table(res, ["code", "name", "market", "benchmark", "output", "preallocated",
                                                                      "trued_up", "adjusted", "issued", "advanced_in", "held"], lang)
    comp = overview["compliance"]
    if len(comp):
        sheets["清缴履约" if lang == "zh" else "Compliance"] = table(comp.rename(columns={name: "name"}), [
            "code", "name", "verified", "held", "surrendered", "shortfall", "status", "deadline"], lang)
    sheets["预支" if lang == "zh" else "Advances"] = table(overview["advances"], ["code", "year", "amount", "cap", "reason", "approved_by"], lang)
    sheets["预算衔接" if lang == "zh" else "Reconciliation"] = table(overview["reconcile"], [
        "region", "allowances", "budget", "share", "key_emitter_budget", "gap"], lang)
    return workbook(sheets)
