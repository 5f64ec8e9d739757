"""Recording changes to the budget books: attributed ledger entries, checked against the whole ledger
(books must balance, caps hold), the regions that exist, the years already closed, and the acting user's
role — all in the transaction that writes them. ``append_checked`` is the one door every writer uses
(the CLI's ``budget entry``, plan approval, year-close adjustments, application approvals)."""
from __future__ import annotations

import math
import os

import pandas as pd

import budget
from budget import config as bconfig
from warehouse import budget_books, users


def validate_entries(existing: pd.DataFrame, new: pd.DataFrame) -> None:
    """Refuse entries that would unbalance the books or break a cap (raises budget.LedgerError)."""
    budget.apply(budget.entries_from_frame(pd.concat([existing, new], ignore_index=True)))


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
    known = {r[0] for r in con.execute("SELECT code FROM regions").fetchall()} | {bconfig.RESERVE_ACCOUNT}
    for i, row in enumerate(new.itertuples(index=False)):
        for field in ("from_region", "to_region"):
            code = getattr(row, field)
            if code is not None and not (isinstance(code, float) and pd.isna(code)) and str(code).strip() \
                    and str(code) not in known:
                raise budget.LedgerError("unknown_region", {"region": code}, entry_id=row.entry_id, index=i)
    if not allow_closed:
        closed = closed_years(con)
        for i, row in enumerate(new.itertuples(index=False)):
            years = {int(row.year), int(row.year) + 1} if row.type == "advance" else {int(row.year)}
            hit = sorted(years & closed)
            if hit:
                raise budget.LedgerError("closed_year", {"year": hit[0]}, entry_id=row.entry_id, index=i)


def append_checked(db_path: str | os.PathLike, entries: list[budget.LedgerEntry] | pd.DataFrame, *, user: str | None,
                   action: str = "budget_change", region: str | None = None, allow_closed: bool = False) -> int:
    """Append ledger entries after the role, region, closed-year and balance checks, in one transaction.

    Raises ``users.PermissionDenied`` or ``budget.LedgerError``; then nothing is written.
    """
    frame = entries if isinstance(entries, pd.DataFrame) else budget.entries_to_frame(entries)

    def authorize(con) -> None:
        users.authorize(con, user, action, region=region)
        check_targets(con, frame, allow_closed=allow_closed)

    return budget_books.append_entries(db_path, frame, validate=validate_entries, authorize=authorize)


def record_entry(db_path: str | os.PathLike, *, type: str, year: int, amount: float, user: str, reason: str,
                 from_region: str | None = None, to_region: str | None = None, project: str | None = None,
                 date: str | None = None) -> budget.LedgerEntry:
    """Append one ledger entry; needs an admin when users exist. Raises LedgerError or PermissionDenied."""
    if not reason.strip():
        raise budget.LedgerError("missing_field", {"field": "reason"})
    try:
        amount = float(amount)
    except (TypeError, ValueError):
        raise budget.LedgerError("invalid_amount", {"amount": amount}) from None
    if not math.isfinite(amount):
        raise budget.LedgerError("invalid_amount", {"amount": amount})
    entry = budget.new_entry(type, year, amount, user=users.normalize_name(user), reason=reason,
                             from_region=from_region, to_region=to_region, project=project, date=date)
    append_checked(db_path, [entry], user=user)
    return entry
