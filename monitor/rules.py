"""The province's rules, composed: read the rules in force, set a rule (an admin, a reason, a date; checked
against the national bounds and the books in the writing transaction)."""
from __future__ import annotations

import os
from datetime import date

import budget
from budget import rules as brules
from warehouse import budget_books, db, rules as wrules, users

MAX_REASON = 500


def current(db_path: str | os.PathLike | None, on: date | None = None) -> dict:
    """The rules in force on ``on`` (default today); the defaults where the warehouse has none."""
    if db_path is not None and not db.db_path(db_path).exists():
        return brules.defaults()
    with db.connect(db_path) as con:
        return wrules.rules_in_force(con, on)


def set_rule(db_path: str | os.PathLike, key: str, value, effective_from: date, reason: str, user: str | None) -> int:
    """Record a new setting. Refused (RuleError / PermissionDenied) outside the national bounds, without a reason,
    or — for the reserve cap — below a reserve share the books already hold in a year still open."""
    parsed = brules.parse(key, value)
    from intake.text_policy import TextRefused, free_text

    try:
        reason = free_text(reason, ("理由", "reason"), max_len=MAX_REASON, multiline=False)
    except TextRefused:
        raise brules.RuleError(f"a rule needs a reason (1-{MAX_REASON} printable characters)", f"设定规则须写明理由（1–{MAX_REASON} 个可打印字符）")
    if not (date(2000, 1, 1) <= effective_from <= date(2100, 12, 31)):
        raise brules.RuleError(f"--from {effective_from} is not a plausible date", f"生效日期 {effective_from} 不合理")
    with db.transaction(db_path) as con:
        name = users.authorize(con, user, "rules_set")
        if key == "reserve.cap_share":
            _check_reserve(con, float(parsed), effective_from)
        return wrules.record(con, key, parsed, effective_from, name, reason)


def _check_reserve(con, cap: float, effective_from: date) -> None:
    from monitor.ledger_change import closed_years

    ledger = budget_books.entries(con)
    if ledger.empty:
        return
    bal = budget.apply(budget.entries_from_frame(ledger))
    closed = closed_years(con)
    for y, r, t in zip(bal.totals["year"], bal.totals["reserve"], bal.totals["province_total"]):
        if int(y) >= effective_from.year and int(y) not in closed and t > 0 and r / t > cap + 1e-9:
            raise brules.RuleError(f"{int(y)}'s reserve is {r / t:.1%} of its total, above {cap:.1%}: release it first",
                                   f"{int(y)} 年储备已占总量 {r / t:.1%}，高于 {cap:.1%}：请先下达储备")


def document_books(db_path: str | os.PathLike, *, on: date | None = None, target: tuple[str, int, int] | None = None,
                   signatures: dict | None = None) -> dict:
    """What a document prints about the books: the rules in force on ``on``, the target a (parent, first, last)
    period serves (with its source, or the placeholder said plainly), and the signatures given."""
    from monitor import targets as mtargets

    out = {"rules": current(db_path, on)}
    if target is not None:
        out["target"] = mtargets.for_plan(db_path, *target)
    if signatures:
        out["signatures"] = signatures
    return out


def close_signatures(db_path: str | os.PathLike, year: int) -> dict | None:
    """Who approved (and who confirmed) the latest approved close of ``year``."""
    from warehouse import closes

    with db.connect(db_path) as con:
        v = closes.close_versions(con, int(year))
    v = v[v["approved_by"].notna()]
    if v.empty:
        return None
    r = v.iloc[0]
    conf = r.get("confirmed_by")
    return {"requested_by": r["approved_by"], "requested_at": r["approved_at"],
            "confirmed_by": None if conf is None or (isinstance(conf, float) and conf != conf) else conf,
            "confirmed_at": r["approved_at"]}


def books_at_month(db_path: str | os.PathLike, year: int, month: int) -> dict:
    """``document_books`` for a document about a month (the quarterly bulletin)."""
    return document_books(db_path, on=date(int(year), int(month), 1))
