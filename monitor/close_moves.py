"""What approving a year close writes into the books, worked out once: the ledger moves of the dynamic
adjustment rule (deduction, carry-over, reserve release) on ``year + 1``, kept inside the reserve cap. The
approval handler (``monitor.accounts``) writes them; ``preview`` shows them before the click and writes nothing."""
from __future__ import annotations

import math
import os
from dataclasses import dataclass

import pandas as pd

import budget
from budget import adjustment_rule
from warehouse import budget_books, closes, db, rules as wrules

KIND_ORDER = {"transfer": 0, "adjustment": 1, "reserve_release": 2}


@dataclass
class Planned:
    year: int
    close_id: int
    version: int
    net_new: dict            # region -> the close's net adjustment (万吨)
    applied_before: dict     # region -> what earlier approvals of this year already applied
    moves: list              # (kind, region, amount): the entries approval writes on year + 1
    has_next: bool           # False for a plan's last year: carried into the next period, no entry
    reasons: dict            # region -> reason_zh
    reasons_en: dict         # region -> reason_en


def within_reserve_cap(moves: list, bal, year: int, cap: float) -> list:
    """Deductions flow back into the reserve; where that would lift the reserve above its cap, the excess is
    taken off the province total instead (an ``adjustment``): the rule's cap holds at every moment."""
    t = bal.totals[bal.totals["year"] == year]
    if t.empty:
        return moves
    reserve, total = float(t["reserve"].iloc[0]), float(t["province_total"].iloc[0])
    net = sum(a for k, _, a in moves if k == "transfer") - sum(a for k, _, a in moves if k == "reserve_release")
    adj_total = sum(a for k, _, a in moves if k == "adjustment")
    excess = reserve + net - cap * (total + adj_total)
    if excess <= 1e-6:
        return moves
    need = math.ceil(excess / (1 - cap) * 100) / 100
    out = []
    for kind, region, amount in moves:
        if kind == "transfer" and need > 0:
            take = min(amount, need)
            need = round(need - take, 2)
            if amount - take > 0.005:
                out.append(("transfer", region, round(amount - take, 2)))
            out.append(("adjustment", region, -round(take, 2)))
        else:
            out.append((kind, region, amount))
    return sorted(out, key=lambda m: KIND_ORDER[m[0]])


def planned(con, cid: int) -> Planned:
    """The moves approving close ``cid`` makes, from the books and the province's rules as they are now."""
    meta = closes.close_meta(con, cid)
    year = int(meta["year"])
    rows = closes.close_rows(con, cid)
    applied_before = closes.applied_adjustments(con, year)
    rules = wrules.rules_in_force(con)
    rule = adjustment_rule.rule_from(rules)
    cities = rows[~rows["is_province"].astype(bool)]
    net_new = {str(r): round(float(a or 0.0), 2) for r, a in zip(cities["region"], cities["adjustment"])}
    ledger = budget_books.entries(con)
    bal = budget.apply(budget.entries_from_frame(ledger)) if len(ledger) else None
    has_next = bal is not None and bool((bal.totals["year"] == year + 1).any() and
                                        (bal.totals.loc[bal.totals["year"] == year + 1, "province_total"] > 0).any())
    moves = []
    if has_next:
        moves = adjustment_rule.ledger_moves(net_new, applied_before, rule["keep_five_year_total"])
        moves = within_reserve_cap(moves, bal, year + 1, float(rules["reserve.cap_share"]))
    return Planned(year, int(cid), int(meta["version"]), net_new, applied_before, moves, has_next,
                   dict(zip(cities["region"].astype(str), cities["reason_zh"])),
                   dict(zip(cities["region"].astype(str), cities["reason_en"])))


UNTOUCHED = ["年度决算数据与原因分析（只记录批准）/ the close's figures and causes (only the approval is recorded)",
             "本年及以前年度的预算 / this year's and earlier years' budgets",
             "已批准的单列项目指标与预支 / approved separately-listed quotas and advances",
             "其他城市（表中未列出的城市预算不变）/ other cities (a city not listed keeps its budget)"]


def preview(db_path: str | os.PathLike, year: int, close_id: int | None = None) -> dict:
    """Before approving the close of ``year`` (default: its latest version): the ledger entries the approval
    would write on ``year + 1`` (region, kind, amount: + raises the city's budget, − lowers it), the reserve's
    change, whether the year is a plan's last (carried into the next period, no entry) and what the approval
    leaves alone. Nothing is written."""
    with db.connect(db_path) as con:
        cid = close_id if close_id is not None else closes.latest_close_id(con, int(year))
        if cid is None:
            return {"year": int(year), "changes": [], "reserve_change": 0.0, "carried": False, "untouched": UNTOUCHED}
        p = planned(con, int(cid))
    changes, reserve = [], 0.0
    for kind, region, amount in p.moves:
        effect = -amount if kind == "transfer" else amount  # a deduction lowers the city's budget
        changes.append({"region": region, "year": p.year + 1, "kind": kind, "amount": round(effect, 2)})
        reserve += amount if kind == "transfer" else -amount if kind == "reserve_release" else 0.0
    carried = [] if p.has_next else [{"region": r, "amount": round(a - p.applied_before.get(r, 0.0), 2)}
                                      for r, a in p.net_new.items() if abs(a - p.applied_before.get(r, 0.0)) > 0.005]
    return {"year": p.year, "close_id": p.close_id, "version": p.version, "changes": changes,
            "reserve_change": round(reserve, 2), "carried": not p.has_next, "carried_amounts": carried,
            "untouched": UNTOUCHED}


def as_frame(p: dict) -> pd.DataFrame:
    return pd.DataFrame(p["changes"], columns=["region", "year", "kind", "amount"])
