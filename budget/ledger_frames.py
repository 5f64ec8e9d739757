"""Ledger entries and balances as frames: for storage, display and the budgets the monitor compares with."""
from __future__ import annotations

from dataclasses import asdict, fields
from typing import Iterable

import pandas as pd

from budget.ledger import ENTRY_COLUMNS, Balances, LedgerEntry, _blank

def region_budgets(balances: Balances, province: str | None = None, include_separately_listed: bool = True) -> pd.DataFrame:
    """Annual budgets to monitor against: columns region, year, budget (万吨).

    A city's budget includes the separately-listed quota of projects located in it (their
    emissions are in the city's totals) unless ``include_separately_listed`` is False. With
    ``province`` given, a row for the province carries ``province_total`` (reserve included).
    """
    df = balances.regions.copy()
    df["budget"] = df["budget"] + (df["separately_listed"] if include_separately_listed else 0.0)
    out = df[["region", "year", "budget"]]
    if province is not None:
        prov = balances.totals[["year", "province_total"]].rename(columns={"province_total": "budget"})
        prov.insert(0, "region", province)
        out = pd.concat([out, prov], ignore_index=True)
    return out.reset_index(drop=True)


def entries_to_frame(entries: Iterable[LedgerEntry]) -> pd.DataFrame:
    """Entries as a frame with ``ENTRY_COLUMNS`` (for storage and display)."""
    return pd.DataFrame([asdict(e) for e in entries], columns=ENTRY_COLUMNS)


def entries_from_frame(df: pd.DataFrame) -> list[LedgerEntry]:
    """Inverse of :func:`entries_to_frame` (extra columns are ignored); missing optional
    regions/project become None, dates become 'YYYY-MM-DD' strings."""
    names = [f.name for f in fields(LedgerEntry)]
    out = []
    for rec in df.to_dict("records"):
        kw = {k: (None if _blank(rec.get(k)) else rec.get(k)) for k in names}
        kw["year"] = int(kw["year"])
        kw["amount"] = float("nan") if _blank(kw["amount"]) else float(kw["amount"])  # NaN is refused by apply
        kw["reason"] = "" if kw["reason"] is None else str(kw["reason"])
        if kw["date"] is not None and not isinstance(kw["date"], str):  # date / Timestamp from storage
            kw["date"] = kw["date"].isoformat()[:10] if hasattr(kw["date"], "isoformat") else str(kw["date"])
        for k in ("entry_id", "user", "type", "from_region", "to_region", "project"):
            if kw[k] is not None:
                kw[k] = str(kw[k])
        out.append(LedgerEntry(**kw))
    return out
