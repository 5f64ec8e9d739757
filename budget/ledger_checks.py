"""Checks on the ledger beyond its balance: which entries change a year's province total (they wait for a
second signature) and whether a write raised the reserve above its cap."""
from __future__ import annotations

import math
from typing import Iterable

from budget import config
from budget.ledger import RESERVE, Balances, LedgerEntry, crosses_border

#: Entry types that change a year's province total (``separately_listed`` unless drawn from the reserve).
#: ``advance`` moves budget between two years of the same five-year total and has its own cap: not listed.
TOTAL_CHANGING = ("allocation", "reserve_set_aside", "adjustment", "separately_listed")


def changes_total(entry: LedgerEntry) -> bool:
    """Whether ``entry`` changes its year's province total (a transfer across the border does)."""
    if crosses_border(entry):
        return True
    if entry.type == "separately_listed":
        return entry.from_region != RESERVE
    return entry.type in TOTAL_CHANGING


def reserve_over_cap(before: Balances | None, after: Balances, cap_share: float, years: Iterable[int]) -> tuple[int, float] | None:
    """The first of ``years`` whose reserve ends above ``cap_share`` × its province total after a write that
    raised its share (a write that lowers or keeps an already high share is not refused for it): (year, share)."""
    def shares(b: Balances | None) -> dict[int, float]:
        if b is None:
            return {}
        t = b.totals
        return {int(y): (r / tot if tot > config.LEDGER_TOLERANCE else (math.inf if r > config.LEDGER_TOLERANCE else 0.0))
                for y, r, tot in zip(t["year"], t["reserve"], t["province_total"])}
    old, new = shares(before), shares(after)
    for y in sorted(set(years)):
        s_new, s_old = new.get(int(y), 0.0), old.get(int(y), 0.0)
        if s_new > cap_share + 1e-9 and s_new > s_old + 1e-12:
            return int(y), s_new
    return None
