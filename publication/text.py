"""The public site's own words (zh, en)."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "site_title": ("{province}碳排放预算信息公开", "{province}: carbon budget public disclosure"),
    "site_intro": ("依法向社会公开的碳排放预算事项：预算方案及分配、重点排放单位名录、单列指标与预支、年度决算调节结果、季度执行情况通报、五年考核结果及其运用。",
                   "What the province publishes about its carbon budget: the plan and its allocation, the key-emitter list, "
                   "separately-listed quota and advances, each year's adjustment results, the quarterly execution bulletin, "
                   "the five-year assessment and what followed it."),
    "skip": ("跳到正文", "Skip to the content"),
    "nav": ("站点导航", "Site navigation"),
    "home": ("公示目录", "All notices"),
    "other_lang": ("English", "中文"),
    "notices": ("公示目录（最新在前）", "Notices (newest first)"),
    "none": ("尚无公示。", "Nothing published yet."),
    "number": ("{province}碳预算公示〔{year}〕{n}号", "{province} carbon budget notice {year} No. {n}"),
    "published": ("发布日期：{date}", "Published: {date}"),
    "decided": ("决定日期：{date}", "Decided: {date}"),
    "issuer": ("发布机关：{body}", "Issued by: {body}"),
    "approved_by": ("审定机关：{body}", "Approved by: {body}"),
    "corrects": ("本公示更正 {number}（{date}）。", "This notice corrects {number} ({date})."),
    "corrected_by": ("本公示已被 {number} 更正，请以更正后的内容为准。", "This notice has been corrected by {number}; the correction prevails."),
    "correction_prefix": ("更正：", "Correction: "),
    "key_figures": ("主要数据", "Key figures"),
    "download": ("下载 CSV：{caption}", "Download CSV: {caption}"),
    "chart_note": ("图示数据见下表“{caption}”。", "The figures of this chart are in the table \"{caption}\" below."),
    "footer": ("本站由碳排放预算管理系统离线生成，仅包含经批准公开的事项。生成时间：{generated}。",
               "Generated offline by the carbon budget system; it holds only what has been approved for publication. "
               "Generated {generated}."),
    "estimate_note": ("近月排放为电-碳模型估算值（非统计数），正式统计数据到位后以年度决算为准。",
                      "Recent months are electricity-to-carbon model estimates (not statistics); the annual close on "
                      "official statistics prevails."),
}


def t(key: str, lang: str, **fmt) -> str:
    zh, en = TEXT[key]
    text = zh if lang == "zh" else en
    return text.format(**fmt) if fmt else text
