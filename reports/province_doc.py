"""The province's pieces of the documents: objections and answers (异议与答复) for the plan and accounts
documents, assessment consequences (奖惩) and capacity funds for the five-year document, and the
key-emitter list document (重点排放单位名录) for filing. Pure: frames in, typst markup / frames / bytes out.
"""
from __future__ import annotations

import math
from typing import Mapping

import pandas as pd

from budget import province as bp
from reports import typst_pdf as tp
from reports.xlsx import workbook

OBJECTIONS_HEADING = "异议与答复"
ACTIONS_HEADING = "考核结果运用（奖优罚劣）与能力建设资金"
REGISTRY_TITLE = "重点排放单位名录"


def _num(v) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def _when(v) -> str:
    return "" if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)) else str(v)[:16]


def objections_table(objections: pd.DataFrame | None, names: Mapping[str, str], comments: pd.DataFrame | None = None) -> pd.DataFrame:
    """Objections (and, for a plan, the comments on its drafts) with their answers, Chinese headers."""
    rows = []
    for r in ([] if objections is None else objections.to_dict("records")):
        rows.append({"编号": f"异议 {r['objection_id']}", "地区": names.get(r["region"], r["region"]),
                     "事项": f"{bp.label(r['about_kind'])} {r['about_id']}", "内容": r["text"],
                     "申请量（万吨）": _num(r.get("requested_amount")), "提出人": r["reporter"], "提出时间": _when(r["created_at"]),
                     "答复": bp.label(r.get("decision") or "open"), "答复理由": r.get("answer") or "",
                     "答复人": r.get("answered_by") or "", "答复时间": _when(r.get("answered_at"))})
    for r in ([] if comments is None else comments.to_dict("records")):
        rows.append({"编号": f"意见 {r['comment_id']}", "地区": names.get(r["region"], r["region"]),
                     "事项": f"第 {r['version']} 版草案", "内容": r["text"], "申请量（万吨）": _num(r.get("requested_amount")),
                     "提出人": r["user"], "提出时间": _when(r["created_at"]),
                     "答复": bp.label(r.get("decision") if isinstance(r.get("decision"), str) else "open"),
                     "答复理由": r.get("answer") if isinstance(r.get("answer"), str) else "",
                     "答复人": r.get("answered_by") if isinstance(r.get("answered_by"), str) else "",
                     "答复时间": _when(r.get("answered_at"))})
    cols = ["编号", "地区", "事项", "内容", "申请量（万吨）", "提出人", "提出时间", "答复", "答复理由", "答复人", "答复时间"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["申请量（万吨）"] = pd.to_numeric(frame["申请量（万吨）"], errors="coerce")
    return frame


def objections_markup(table: pd.DataFrame, heading: str = OBJECTIONS_HEADING) -> str:
    """The objections section of a PDF (a line saying there were none when empty)."""
    body = tp.heading(heading)
    if table.empty:
        return body + tp.para("无异议。")
    open_n = int((table["答复"] == bp.label("open")).sum())
    body += tp.para(f"共 {len(table)} 项，其中待答复 {open_n} 项。" + ("待答复事项不影响本文件效力，答复后另行记录。" if open_n else ""))
    return body + tp.table(table[["编号", "地区", "事项", "内容", "申请量（万吨）", "答复", "答复理由", "答复人"]], digits=2, size="7pt")


def actions_table(actions: pd.DataFrame | None, names: Mapping[str, str]) -> pd.DataFrame:
    cols = ["地区", "考核等级", "类别", "措施", "说明", "金额（万元）", "决定人", "决定时间"]
    if actions is None or actions.empty:
        return pd.DataFrame(columns=cols)
    a = actions
    return pd.DataFrame({"地区": a["region"].map(lambda r: names.get(r, r)), "考核等级": a["grade"].map(bp.label_grade),
                         "类别": a["kind"].map(bp.label), "措施": a["measure"].map(bp.label), "说明": a["text"],
                         "金额（万元）": pd.to_numeric(a["amount"], errors="coerce"), "决定人": a["decided_by"],
                         "决定时间": a["decided_at"].map(_when)})[cols]


def funds_table(funds: pd.DataFrame | None, names: Mapping[str, str]) -> pd.DataFrame:
    cols = ["地区", "年份", "用途", "金额（万元）"]
    if funds is None or funds.empty:
        return pd.DataFrame(columns=cols)
    g = funds.groupby(["region", "year", "purpose"], as_index=False)["amount"].sum()
    return pd.DataFrame({"地区": g["region"].map(lambda r: names.get(r, r)), "年份": g["year"].astype(int).astype(str),
                         "用途": g["purpose"].map(bp.label), "金额（万元）": g["amount"].astype(float)})[cols]


def actions_markup(actions: pd.DataFrame, funds: pd.DataFrame, heading: str = ACTIONS_HEADING) -> str:
    body = tp.heading(heading)
    body += tp.para("依据考核等级：优秀、良好给予专项资金支持或政策倾斜；不合格予以通报批评、约谈或区域限批；合格可视情况奖励或问责。")
    body += tp.table(actions, digits=1, size="7pt") if len(actions) else tp.para("本期尚无奖惩记录。")
    body += tp.para("省级对各市监测、核查、报告能力建设的资金支持（“资金与能力保障”指标据此计算）：")
    return body + (tp.table(funds, digits=1, size="7pt") if len(funds) else tp.para("本期无能力建设资金记录。"))


def registry_table(content: list[dict], names: Mapping[str, str]) -> pd.DataFrame:
    f = pd.DataFrame(content, columns=["code", "name_zh", "name_en", "region", "sector"])
    return pd.DataFrame({"单位代码": f["code"], "单位名称": f["name_zh"], "Name": f["name_en"],
                         "所在地区": f["region"].map(lambda r: names.get(r, r)), "行业": f["sector"]})


def registry_pdf(content: list[dict], names: Mapping[str, str], approval: Mapping) -> bytes:
    t = registry_table(content, names)
    body = tp.kv_table([("单位数", str(len(t))), ("审定编号", str(approval["approval_id"])),
                        ("提请人", str(approval["requested_by"])), ("审定人", str(approval["approved_by"])),
                        ("审定时间", _when(approval["approved_at"])), ("内容校验（SHA-256）", str(approval["content_sha256"]))])
    body += tp.heading("名录") + tp.table(t, size="7pt")
    return tp.render_pdf(body, REGISTRY_TITLE, "经省人民政府审定 · 报生态环境部备案")


def registry_xlsx(content: list[dict], names: Mapping[str, str], approval: Mapping) -> bytes:
    meta = pd.DataFrame({"项目": ["审定编号", "提请人", "审定人", "审定时间", "内容校验（SHA-256）"],
                         "内容": [str(approval["approval_id"]), str(approval["requested_by"]), str(approval["approved_by"]),
                                _when(approval["approved_at"]), str(approval["content_sha256"])]})
    return workbook({"名录": registry_table(content, names), "审定": meta})
