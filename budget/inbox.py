"""The inbox (待办与通知), derived from the books: pure functions from the stored records to the items a
user should see. Nothing is written by the writers; an item is a fact about the records, so the
inbox is always what the books say (a derived inbox — see ``monitor.inbox``).

An item: ``{key, kind, date, region, text_zh, text_en}``; ``key`` is stable, so e-mail sends only
what was not mailed before. Kinds (``KINDS``) and who sees them:

- a city's users (scoped to a region): ``budget_adjusted`` (a ledger entry moved the city's budget),
  ``application_decided``, ``objection_answered``, ``comment_answered``, ``measure_late``,
  ``report_due`` (the last ended quarter's progress report is due within the grace period);
- province-wide users with the right role: ``objection_open`` (awaiting an answer),
  ``filing_due`` / ``filing_overdue``, ``approval_pending`` (a second signature awaited).
"""
from __future__ import annotations

import re

import calendar
from datetime import date, timedelta

import pandas as pd

from budget import config, measures as bm
from budget import province as bp

KINDS = {
    "budget_adjusted": ("预算调整", "Budget adjusted"), "application_decided": ("申请已审核", "Application decided"),
    "objection_answered": ("异议已答复", "Objection answered"), "comment_answered": ("意见已答复", "Comment answered"),
    "measure_late": ("措施滞后", "Measure late"), "report_due": ("季度进展报告待报", "Quarterly report due"),
    "objection_open": ("异议待答复", "Objection awaiting an answer"), "filing_due": ("待备案", "Filing due"),
    "filing_overdue": ("备案逾期", "Filing overdue"), "approval_pending": ("待审定", "Awaiting sign-off"),
}


def _item(key: str, kind: str, when, region, zh: str, en: str, at=None) -> dict:
    """``when``: the day shown; ``at``: the moment it happened (orders items within a day), default ``when``."""
    day = pd.Timestamp(when).date().isoformat() if when is not None and not pd.isna(when) else ""
    at = when if at is None or pd.isna(at) else at
    stamp = pd.Timestamp(at).isoformat() if at is not None and not pd.isna(at) else day
    return {"key": key, "kind": kind, "date": day, "at": stamp, "region": region, "text_zh": zh, "text_en": en}


def _entry_label(kind: str, lang: str) -> str:
    return config.label(config.ENTRY_TYPE_LABELS, kind, lang) if kind in config.ENTRY_TYPE_LABELS else kind


def split_bilingual(text) -> tuple[str, str]:
    """A stored "中文 / English" (or "English / 中文") text as (zh, en): split at the first " / " with Chinese on
    one side and, on the other, text without Chinese; a text without such a split is used for both languages."""
    s = "" if text is None or (isinstance(text, float) and text != text) else str(text)
    cjk = lambda part: any("\u4e00" <= ch <= "\u9fff" for ch in part)
    for m in re.finditer(r"(?:\s|(?<=[\uff00-\uffef\u3000-\u303f]))/\s+", s):   # " / ", or "）/ " after Chinese punctuation
        left, right = s[:m.start()].rstrip(), s[m.end():]
        if cjk(left) and right[:1].isascii() and not cjk(re.split(r"\s/\s", right)[0]):
            return left, right
        if not cjk(left) and left[:1].isascii() and cjk(right):
            return right, left
    return s, s


def ledger_items(ledger: pd.DataFrame, region: str) -> list[dict]:
    out = []
    for e in ledger.to_dict("records"):
        if region not in (e.get("to_region"), e.get("from_region")):
            continue
        sign = -1 if e.get("from_region") == region and e.get("to_region") != region else 1
        if e["type"] == "advance":
            sign = 1
        amt = sign * float(e["amount"])
        zh, en = split_bilingual(e["reason"])
        out.append(_item(f"ledger:{e['entry_id']}", "budget_adjusted", e["date"], region,
                         f"{int(e['year'])} 年预算{_entry_label(e['type'], 'zh')} {amt:+,.2f} 万吨：{zh}",
                         f"{int(e['year'])} budget {_entry_label(e['type'], 'en')} {amt:+,.2f} (10k t): {en}",
                         at=e.get("recorded_at")))
    return out


def application_items(apps: pd.DataFrame, region: str) -> list[dict]:
    words = {"approve": ("批准", "approved"), "partly": ("部分批准", "partly approved"), "refuse": ("不予批准", "refused")}
    out = []
    for a in apps[(apps["region"] == region) & (apps["status"] != "pending")].to_dict("records"):
        zh, en = words.get(a["status"], (a["status"], a["status"]))
        out.append(_item(f"application:{a['application_id']}", "application_decided", a["reviewed_at"], region,
                         f"申请 {a['application_id']}（{int(a['year'])} 年 {float(a['amount']):,.2f} 万吨）{zh}，"
                         f"批准 {float(a['amount_granted'] or 0):,.2f} 万吨：{a['review_reason']}",
                         f"Application {a['application_id']} ({int(a['year'])}, {float(a['amount']):,.2f} (10k t)) {en}, "
                         f"{float(a['amount_granted'] or 0):,.2f} granted: {a['review_reason']}"))
    return out


def objection_items(objections: pd.DataFrame, region: str | None) -> list[dict]:
    """Answered objections of ``region``; with ``region`` None the open ones (for the province)."""
    out = []
    if region is None:
        for o in objections[objections["status"] == "open"].to_dict("records"):
            out.append(_item(f"objection_open:{o['objection_id']}", "objection_open", o["created_at"], o["region"],
                             f"{o['region']} 对{bp.label(o['about_kind'])} {o['about_id']} 提出异议 {o['objection_id']}，待答复",
                             f"{o['region']} objects to {bp.label(o['about_kind'], 'en')} {o['about_id']} "
                             f"(objection {o['objection_id']}): awaiting an answer"))
        return out
    for o in objections[(objections["region"] == region) & (objections["status"] != "open")].to_dict("records"):
        zh, en = split_bilingual(o["answer"])
        out.append(_item(f"objection:{o['objection_id']}", "objection_answered", o["answered_at"], region,
                         f"异议 {o['objection_id']} 已答复：{bp.label(o['decision'])}。{zh}",
                         f"Objection {o['objection_id']} answered: {bp.label(o['decision'], 'en')}. {en}"))
    return out


def comment_items(comments: pd.DataFrame, region: str) -> list[dict]:
    out = []
    for c in comments[(comments["region"] == region) & comments["decision"].notna()].to_dict("records"):
        out.append(_item(f"comment:{c['comment_id']}", "comment_answered", c["answered_at"], region,
                         f"对方案 {c['plan_id']} 的意见 {c['comment_id']} 已答复：{bp.label(c['decision'])}。{c['answer']}",
                         f"Comment {c['comment_id']} on plan {c['plan_id']} answered: {bp.label(c['decision'], 'en')}. {c['answer']}"))
    return out


def measure_items(measures: pd.DataFrame, reports: pd.DataFrame, region: str, today: date) -> list[dict]:
    """Late measures and the progress reports due now (``measures`` carry ``effective_status``)."""
    out = []
    mine = measures[measures["region"] == region]
    done = {(int(m), str(p)) for m, p in zip(reports["measure_id"], reports["period"])} if len(reports) else set()
    q = (today.month - 1) // 3  # the last ended quarter: q of this year (0 = Q4 of last year)
    y, q = (today.year - 1, 4) if q == 0 else (today.year, q)
    q_end = date(y, 3 * q, calendar.monthrange(y, 3 * q)[1])
    due_by = q_end + timedelta(days=bm.REPORT_GRACE_DAYS)
    for m in mine.to_dict("records"):
        if m["effective_status"] == "late":
            out.append(_item(f"late:{m['measure_id']}:{m['status_reason_en']}", "measure_late", today, region,
                             f"措施“{m['title']}”滞后：{m['status_reason_zh']}", f"Measure \"{m['title']}\" is late: {m['status_reason_en']}"))
            continue
        started = isinstance(m.get("actual_start"), str) and m["actual_start"] <= f"{y}-{3 * q:02d}"
        ended = isinstance(m.get("actual_end"), str) and m["actual_end"] < f"{y}-{3 * q - 2:02d}"
        if m["effective_status"] in ("in_progress", "late") and started and not ended and today <= due_by \
                and (int(m["measure_id"]), f"{y}-Q{q}") not in done:
            out.append(_item(f"due:{m['measure_id']}:{y}-Q{q}", "report_due", today, region,
                             f"措施“{m['title']}”的 {y}-Q{q} 季度进展报告请于 {due_by} 前报送",
                             f"The {y}-Q{q} progress report of \"{m['title']}\" is due by {due_by}"))
    return out


def filing_items(obligations: pd.DataFrame) -> list[dict]:
    out = []
    for o in obligations[obligations["status"].isin(["due", "overdue"])].to_dict("records"):
        kind = "filing_overdue" if o["status"] == "overdue" else "filing_due"
        what_zh, what_en = bp.label(o["kind"]), bp.label(o["kind"], "en")
        out.append(_item(f"{kind}:{o['kind']}:{o['object_id']}:{o['due']}", kind, o["due"], None,
                         f"{what_zh} {o['object_id']} 应于 {o['due']} 前报备案" + ("，已逾期" if o["status"] == "overdue" else ""),
                         f"{what_en} {o['object_id']} must be filed by {o['due']}" + (": overdue" if o["status"] == "overdue" else "")))
    return out


def approval_items(listing: pd.DataFrame) -> list[dict]:
    out = []
    for a in listing[listing["status"] == "pending"].to_dict("records"):
        out.append(_item(f"approval:{a['id']}", "approval_pending", a["requested_at"], None,
                         f"待审定 {a['id']}（{a['action']}）：{a['summary']}", f"Awaiting sign-off {a['id']} ({a['action']}): {a['summary']}"))
    return out


def newest_first(items: list[dict]) -> list[dict]:
    """Newest first: by day, then by the moment within the day, then by key (stable for equal moments)."""
    return sorted(items, key=lambda i: (i["date"], i["at"], i["key"]), reverse=True)
