"""Recording a change to the budget books: one attributed ledger entry, checked against the whole
ledger (books must balance, caps hold) and the acting user's role, in the transaction that writes it."""
from __future__ import annotations

import os

import pandas as pd

import budget
from warehouse import budget_books, users


def validate_entries(existing: pd.DataFrame, new: pd.DataFrame) -> None:
    """Refuse entries that would unbalance the books or break a cap (raises budget.LedgerError)."""
    budget.apply(budget.entries_from_frame(pd.concat([existing, new], ignore_index=True)))


def record_entry(db_path: str | os.PathLike, *, type: str, year: int, amount: float, user: str, reason: str,
                 from_region: str | None = None, to_region: str | None = None, project: str | None = None,
                 date: str | None = None) -> budget.LedgerEntry:
    """Append one ledger entry; needs an admin when users exist. Raises LedgerError or PermissionDenied."""
    if not reason.strip():
        raise budget.LedgerError("missing_field", {"field": "reason"})
    entry = budget.new_entry(type, year, amount, user=user, reason=reason, from_region=from_region,
                             to_region=to_region, project=project, date=date)

    def authorize(con) -> None:
        if users.any_users_con(con):
            users.check_role(con, user, "budget_change")

    budget_books.append_entries(db_path, budget.entries_to_frame([entry]), validate=validate_entries, authorize=authorize)
    return entry
