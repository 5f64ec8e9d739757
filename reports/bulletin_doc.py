"""季度晴雨表通报 / quarterly weather-vane bulletin: the disclosure instrument (信息类工具).

Pure: the bulletin's tables (``monitor.measures_outlook.bulletin_frames``) → PDF bytes (typst, every
text a string literal) or xlsx bytes (defused). Estimates are labelled as estimates.
"""
from __future__ import annotations

import pandas as pd

from reports import typst_pdf as tp
from reports.xlsx import workbook

TEXT = {
    "title": ("碳预算执行季度晴雨表通报", "Quarterly carbon-budget weather-vane bulletin"),
    "cities": ("一、各城市预算执行状态与预警等级变化", "1. Every city's status and change of warning level"),
    "measures": ("二、政策调节措施及进展", "2. Policy measures and their progress"),
    "applications": ("三、已批准的申请（单列指标、预支）", "3. Approved applications (separately-listed quota, advances)"),
    "none": ("无。", "None."),
    "note": ("说明：近月排放为电-碳模型估算值（非统计数）；“计入措施后”为按各措施预期减排量测算的超支概率（估算）。",
             "Note: recent months are electricity-to-carbon model estimates (not statistics); \"with measures\" is the "
             "probability of overspending with every measure's expected reduction (an estimate)."),
    "as_of": ("数据截至 {as_of}", "data as of {as_of}"),
}
SHEETS = {"cities": ("城市状态", "Cities"), "measures": ("措施进展", "Measures"), "applications": ("已批准申请", "Approved applications")}


def _t(key: str, lang: str, **fmt) -> str:
    zh, en = TEXT[key]
    return (zh if lang == "zh" else en).format(**fmt)


def bulletin_pdf(frames: dict[str, pd.DataFrame], quarter: str, as_of: str, lang: str = "zh", books: dict | None = None,
                 record: str | None = None) -> bytes:
    """PDF bytes of the bulletin; ``books``: the rules in force (``reports.books_doc``); ``record``: the line
    quoting the estimates' live track record (``monitor.track_record.sentence``)."""
    from reports import books_doc

    body = tp.para(_t("note", lang)) + (tp.para(record) if record else "")
    for key in ("cities", "measures", "applications"):
        body += tp.heading(_t(key, lang), 2)
        frame = frames.get(key)
        body += tp.table(frame, size="7pt") if frame is not None and len(frame) else tp.para(_t("none", lang))
    body += books_doc.markup(books, "本省规则 / Rules in force" if lang == "zh" else "Rules in force / 本省规则")
    return tp.render_pdf(body, f"{_t('title', lang)} · {quarter}", _t("as_of", lang, as_of=as_of))


def bulletin_xlsx(frames: dict[str, pd.DataFrame], lang: str = "zh", books: dict | None = None) -> bytes:
    """xlsx bytes: one sheet per table (text defused by ``reports.xlsx``)."""
    from reports import books_doc

    return workbook({**{SHEETS[k][0 if lang == "zh" else 1]: frames[k] for k in ("cities", "measures", "applications")},
                     **books_doc.sheets(books)})
