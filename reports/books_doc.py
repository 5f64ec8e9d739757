"""The part every budget document carries (plan, accounts, bulletin): the target it serves and its source, the
province's rules in force, and who signed (both signatures where the rules ask for two)."""
from __future__ import annotations

from typing import Mapping

import pandas as pd

from budget import rules as brules
from reports import typst_pdf as tp


def rules_frame(rules: Mapping, lang: str = "zh") -> pd.DataFrame:
    rows = brules.describe(rules, lang)
    return pd.DataFrame(rows, columns=["规则", "取值"] if lang == "zh" else ["Rule", "Value"])


def target_frame(target: Mapping | None) -> pd.DataFrame:
    if not target:
        return pd.DataFrame(columns=["项目", "内容"])
    cap = target.get("total_cap")
    rows = [("强度下降目标（期间）", f"{float(target['intensity_decline']):.1%}"),
            ("总量上限（万吨）", "—" if cap is None else tp.fmt_number(cap, 2)),
            ("来源文件", str(target.get("document") or "—"))]
    if target.get("placeholder"):
        rows.append(("说明", "未录入上级下达目标：以上为占位默认值，请以正式文件为准"))
    return pd.DataFrame(rows, columns=["项目", "内容"])


def signatures_frame(signatures: Mapping | None) -> pd.DataFrame:
    if not signatures:
        return pd.DataFrame(columns=["签署", "姓名", "时间"])
    rows = [("提出（省级管理员）", signatures.get("requested_by") or "—", str(signatures.get("requested_at") or "")[:16])]
    if signatures.get("confirmed_by"):
        rows.append(("审定（省政府）", signatures["confirmed_by"], str(signatures.get("confirmed_at") or "")[:16]))
    return pd.DataFrame(rows, columns=["签署", "姓名", "时间"])


def markup(books: Mapping | None, heading: str = "目标来源、规则与签署") -> str:
    """A typst section with the target, the rules in force and the signatures (empty when ``books`` is None)."""
    if not books:
        return ""
    body = tp.heading(heading)
    if books.get("target"):
        body += tp.table(target_frame(books["target"]))
    if books.get("signatures"):
        body += tp.table(signatures_frame(books["signatures"]))
    if books.get("rules"):
        body += tp.para("本文件适用的本省规则（在国家规定范围内由本省设定）：")
        body += tp.table(rules_frame(books["rules"]), size="7pt")
    return body


def sheets(books: Mapping | None) -> dict[str, pd.DataFrame]:
    if not books:
        return {}
    out = {}
    if books.get("target"):
        out["目标来源"] = target_frame(books["target"])
    if books.get("signatures"):
        out["签署"] = signatures_frame(books["signatures"])
    if books.get("rules"):
        out["本省规则"] = rules_frame(books["rules"])
    return out
