"""Recording changes to the budget books: attributed ledger entries, checked against the whole ledger
(books must balance, caps hold), the regions that exist, the years already closed, and the acting user's
role — all in the transaction that writes them. ``append_checked`` is the one door every writer uses
(the CLI's ``budget entry``, plan approval, year-close adjustments, application approvals)."""
from __future__ import annotations

import math
import os

import pandas as pd

import budget
import budget.ledger_checks
from budget import config as bconfig
from budget import rules as brules
from warehouse import budget_books, db, rules as wrules, users


def validate_entries(existing: pd.DataFrame, new: pd.DataFrame, rules: dict | None = None) -> None:
    """Refuse entries that would unbalance the books or break a cap (raises budget.LedgerError): the advance
    cap and the reserve cap of ``rules`` (the province's rules in force; None: the shipped defaults)."""
    rules = rules or brules.defaults()
    cap = float(rules["advance.cap_share"])
    before_entries = budget.entries_from_frame(existing)
    after = budget.apply(budget.entries_from_frame(pd.concat([existing, new], ignore_index=True)), advance_cap_share=cap)
    if not len(new):
        return
    years = {int(y) for y in new["year"]} | {int(y) + 1 for y, t in zip(new["year"], new["type"]) if t == "advance"}
    before = budget.apply(before_entries, advance_cap_share=cap) if before_entries else None
    hit = budget.ledger_checks.reserve_over_cap(before, after, float(rules["reserve.cap_share"]), years)
    if hit is not None:
        raise budget.LedgerError("reserve_over_cap", {"year": hit[0], "share": hit[1], "cap": float(rules["reserve.cap_share"])},
                                 entry_id=str(new["entry_id"].iloc[-1]), index=len(new) - 1)


def validator(con) -> "callable":
    """``validate_entries`` bound to the rules in force, read on ``con`` (the writing transaction)."""
    rules = wrules.rules_in_force(con)
    return lambda existing, new: validate_entries(existing, new, rules)


def closed_years(con) -> set[int]:
    """Years whose annual final accounts are approved (none before the year-close tables exist)."""
    try:
        from warehouse import closes
    except ImportError:
        return set()
    fn = getattr(closes, "closed_years", None)
    return set(fn(con)) if fn else set()


def check_targets(con, new: pd.DataFrame, allow_closed: bool = False) -> None:
    """Every region named in ``new`` exists; no entry touches a closed year (unless ``allow_closed``)."""
    rows = con.execute("SELECT code, parent FROM regions").fetchall()
    known = {r[0] for r in rows} | {bconfig.RESERVE_ACCOUNT}
    roots = {r[0] for r in rows if r[1] is None or not str(r[1]).strip()}
    for i, row in enumerate(new.itertuples(index=False)):
        for field in ("from_region", "to_region"):
            code = getattr(row, field)
            if code is not None and not (isinstance(code, float) and pd.isna(code)) and str(code).strip():
                if str(code).startswith(bconfig.EXTERNAL_PREFIX) and row.type == "transfer":
                    continue  # another province's account (跨区域调剂), named by its document
                if str(code) not in known:
                    raise budget.LedgerError("unknown_region", {"region": code}, entry_id=row.entry_id, index=i)
                # the province (root) is not a budget account: its total is the sum of the others
                if str(code) in roots and (field == "to_region" or row.type == "transfer"):
                    raise budget.LedgerError("parent_account", {"region": code}, entry_id=row.entry_id, index=i)
    if not allow_closed:
        closed = closed_years(con)
        for i, row in enumerate(new.itertuples(index=False)):
            years = {int(row.year), int(row.year) + 1} if row.type == "advance" else {int(row.year)}
            hit = sorted(years & closed)
            if hit:
                raise budget.LedgerError("closed_year", {"year": hit[0]}, entry_id=row.entry_id, index=i)


def write_checked(con, frame: pd.DataFrame, *, allow_closed: bool = False) -> int:
    """Check ``frame`` against the regions, the closed years, the balance and the caps in force, and append it,
    on the open write transaction ``con`` (the caller has authorised the actor there). Raises LedgerError."""
    check_targets(con, frame, allow_closed=allow_closed)
    existing = budget_books.entries(con)[budget_books.ENTRY_COLUMNS]
    validator(con)(existing, frame[budget_books.ENTRY_COLUMNS])
    return budget_books.insert_entries(con, frame) if len(frame) else 0


def append_checked(db_path: str | os.PathLike, entries: list[budget.LedgerEntry] | pd.DataFrame, *, user: str | None,
                   action: str = "budget_change", region: str | None = None, allow_closed: bool = False) -> int:
    """Append ledger entries after the role, region, closed-year, balance and cap checks, in one transaction.

    Raises ``users.PermissionDenied`` or ``budget.LedgerError``; then nothing is written.
    """
    frame = entries if isinstance(entries, pd.DataFrame) else budget.entries_to_frame(entries)
    with db.transaction(db_path) as con:
        users.authorize(con, user, action, region=region)
        return write_checked(con, frame, allow_closed=allow_closed)


def _total_change_handler(con, payload: dict, requested_by: str, confirmed_by: str | None) -> dict:
    frame = budget.entries_to_frame([budget.LedgerEntry(**e) for e in payload["entries"]])
    if confirmed_by:
        frame["reason"] = frame["reason"] + f" (confirmed by {confirmed_by} / {confirmed_by} 确认)"
    n = write_checked(con, frame)
    return {"entries": n, "entry_ids": list(frame["entry_id"])}


def submit_entries(db_path: str | os.PathLike, entries: list[budget.LedgerEntry], *, user: str | None) -> dict:
    """A manual change of the books (``budget entry``): entries that change a year's province total go through
    the second signature the province's rules ask for (``signoff.budget_total_change``), the rest are written at
    once. Returns {"status": "confirmed"|"pending", "id", "result"}. Raises LedgerError / PermissionDenied."""
    from dataclasses import asdict

    from monitor import approvals

    if any(budget.ledger_checks.changes_total(e) for e in entries):
        summary = "; ".join(f"{e.type} {e.year} {e.to_region or ''} {e.amount:+,.2f} 万吨 — {e.reason}" for e in entries)
        return approvals.submit(db_path, "budget_total_change", {"entries": [asdict(e) for e in entries]},
                                f"改变省级总量的账目 / entries changing the province total: {summary}", user,
                                permission="budget_change")
    n = append_checked(db_path, entries, user=user)
    return {"status": "confirmed", "id": None, "result": {"entries": n}}


def register_handlers(register) -> None:
    register("budget_total_change", _total_change_handler)


def record_entry(db_path: str | os.PathLike, *, type: str, year: int, amount: float, user: str, reason: str,
                 from_region: str | None = None, to_region: str | None = None, project: str | None = None,
                 date: str | None = None, document: str | None = None) -> tuple[budget.LedgerEntry, dict]:
    """Append one ledger entry (or, when it changes the province total and the rules ask for it, request a
    second signature); needs an admin when users exist. Returns (entry, submit status). Raises LedgerError
    or PermissionDenied. ``document``: the decision or agreement the entry rests on; a transfer with another
    province (``EXTERNAL:<name>``) must name one (kept in the entry's ``project``), any other entry carries it in
    its reason."""
    document = " ".join(str(document).split()) if document else None
    if document and len(document) > 200:
        raise budget.LedgerError("missing_field", {"field": "document (≤ 200)"})
    if document:
        if type == "transfer" and (budget.ledger.is_external(from_region) or budget.ledger.is_external(to_region)):
            project = project or document
        else:
            reason = f"{reason} [文件 / document: {document}]"
    from intake.text_policy import TextRefused, free_text

    try:
        reason = free_text(reason, ("理由", "reason"), max_len=2000)
    except TextRefused:
        raise budget.LedgerError("missing_field", {"field": "reason (1-2000 printable characters)"}) from None
    try:
        amount = float(amount)
    except (TypeError, ValueError):
        raise budget.LedgerError("invalid_amount", {"amount": amount}) from None
    if not math.isfinite(amount):
        raise budget.LedgerError("invalid_amount", {"amount": amount})
    entry = budget.new_entry(type, year, amount, user=users.normalize_name(user), reason=reason,
                             from_region=from_region, to_region=to_region, project=project, date=date)
    status = submit_entries(db_path, [entry], user=user)
    return entry, status
