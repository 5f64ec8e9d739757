"""The province's regulating tools, composed: price observations, the proposals the price band gives, buy-backs
within the cap, reserve operations, and regional trades of budget quota between cities (区域碳预算指标交易) as
balanced ledger entries with their price. Amounts t CO2 (allowances) or 万吨 (budget quota), prices 元/吨."""
from __future__ import annotations

import os

import pandas as pd

import budget
from budget import allowance_market as am
from budget import allowances as al
from intake.prices import PriceUpload, read_prices
from monitor.allowances import PERMISSION, _reason, _year, rules_in_force, submit
from warehouse import allowances as store
from warehouse import db
from warehouse import store as wstore
from warehouse import users


def load_prices(db_path: str | os.PathLike, data: bytes, filename: str, user: str | None) -> tuple[PriceUpload, int | None]:
    """Validate and store a price file as one batch; (the checked upload, batch id or None when refused)."""
    up = read_prices(data, filename)
    if not up.ok:
        return up, None
    with db.transaction(db_path) as con:
        name = users.authorize(con, user, PERMISSION["prices"])
        batch, _ = wstore.new_batch(con, origin="prices", created_by=name, source_name=os.path.basename(filename),
                                    sha256=up.sha256, rows_in=len(up.prices), rows_loaded=len(up.prices))
        store.store_prices(con, up.prices, batch)
    return up, batch


def annual_total(con, year: int) -> float:
    """Allowances issued for ``year`` (pre-allocation, true-up, adjustments) plus the reserve set aside (t)."""
    h = store.holdings(con, year)
    ops = store.reserve_ops(con)
    aside = ops[(ops["year"] == year) & (ops["kind"] == "set_aside")]["amount"].sum()
    return float(h["issued"].sum() + aside) if len(h) else float(aside)


def _bought(ops: pd.DataFrame, year: int) -> float:
    return float(ops[(ops["year"] == year) & (ops["kind"] == "buyback")]["amount"].sum())


def _state(con, year: int | None) -> dict:
    rules = rules_in_force(con)
    lo, hi = rules["allowance.price_band_lo"], rules["allowance.price_band_hi"]
    if lo >= hi:
        raise al.AllowanceError("bad_band", {"lo": lo, "hi": hi})
    prices = store.prices(con)
    signal = am.price_signal(prices, rules["allowance.price_market"], int(rules["allowance.price_window"]))
    years = store.years(con)
    if year is None:
        last = int(signal["last"][:4]) if signal else None
        year = last if last in years else (years[-1] if years else None)
    ops = store.reserve_ops(con)
    total = annual_total(con, year) if year is not None else 0.0
    return {"year": year, "rules": rules, "signal": signal, "annual_total": total, "prices": prices, "ops": ops,
            "reserve": am.reserve_balance(ops, year) if year is not None else 0.0,
            "bought": _bought(ops, year) if year is not None else 0.0}


def regulate(db_path: str | os.PathLike, year: int | None = None) -> dict:
    """The proposals the rules give for the latest prices: {year, band, signal, annual_total, reserve, bought,
    buyback_cap, proposals: [{kind, amount, reason}]}."""
    with db.connect(db_path) as con:
        s = _state(con, None if year is None else _year(year))
    r = s["rules"]
    props = am.proposals(s["signal"], r, s["annual_total"], s["reserve"], s["bought"])
    return {"year": s["year"], "band": [r["allowance.price_band_lo"], r["allowance.price_band_hi"]], "market": r["allowance.price_market"],
            "window": int(r["allowance.price_window"]),
            "signal": s["signal"], "annual_total": round(s["annual_total"], 1), "reserve": round(s["reserve"], 1),
            "bought": round(s["bought"], 1), "buyback_cap": round(r["allowance.buyback_cap_share"] * s["annual_total"], 1),
            "proposals": props}


def buyback_handler(con, payload: dict, requested_by: str, confirmed_by: str | None) -> dict:
    """Approval handler: a buy-back into the reserve, within the cap of the year."""
    year = _year(payload["year"])
    rules = rules_in_force(con)
    ops = store.reserve_ops(con)
    amount, price = am.check_buyback(year, payload["amount"], payload["price"], _bought(ops, year), annual_total(con, year),
                                     rules["allowance.buyback_cap_share"])
    approver = confirmed_by or requested_by
    seq = store.add_reserve_op(con, year, "buyback", amount, _reason(payload.get("reason") or "回购 / buy-back"),
                               requested_by, approver, price=price)
    return {"seq": seq, "year": year, "amount": amount, "price": price, "cost_yuan": round(amount * price, 2), "approved_by": approver}


def buyback(db_path: str | os.PathLike, year: int, amount, price, user: str | None, reason: str | None = None) -> dict:
    """A buy-back (回购) of ``amount`` t at ``price`` 元/吨 into the price-stabilisation reserve."""
    payload = {"year": _year(year), "amount": al.check_amount(amount), "price": price, "reason": reason or "回购 / buy-back"}
    payload["price"] = am.check_price(price)
    summary = f"回购 {payload['amount']:,.0f} 吨 @ {float(price):.2f} 元/吨（{year}）/ buy-back of {payload['amount']:,.0f} t at {float(price):.2f} yuan/t"
    return submit("allowance_buyback", buyback_handler, db_path, payload, summary, user, PERMISSION["buyback"])


def reserve_operation(db_path: str | os.PathLike, year: int, kind: str, amount, reason: str, user: str | None) -> dict:
    """Record a release from or a replenishment of the reserve (e.g. acting on a proposal)."""
    year, reason = _year(year), _reason(reason)
    with db.transaction(db_path) as con:
        name = users.authorize(con, user, PERMISSION["manage"])
        amount = am.check_reserve_op(year, kind, amount, am.reserve_balance(store.reserve_ops(con), year))
        seq = store.add_reserve_op(con, year, kind, amount, reason, name, name)
    return {"seq": seq, "year": year, "kind": kind, "amount": amount}


def record_trade(db_path: str | os.PathLike, *, year: int, from_region: str, to_region: str, amount, price,
                 reason: str, user: str | None) -> budget.LedgerEntry:
    """A regional trade of budget quota (区域碳预算指标交易): a balanced ``trade`` ledger entry from the seller to the
    buyer, with its price (元/吨) and value (万元) beside it, in one transaction with the role, region, closed-year
    and balance checks of every ledger writer. Raises LedgerError, AllowanceError (price) or PermissionDenied."""
    from monitor import ledger_change

    p = am.check_price(price)
    if not str(reason or "").strip():
        raise budget.LedgerError("missing_field", {"field": "reason"})
    try:
        amount = float(amount)
    except (TypeError, ValueError):
        raise budget.LedgerError("invalid_amount", {"amount": amount}) from None
    entry = budget.new_entry("trade", year, amount, user=users.normalize_name(user), reason=_reason(reason),
                             from_region=from_region, to_region=to_region)
    with db.transaction(db_path) as con:
        name = users.authorize(con, user, "budget_trade")
        ledger_change.write_checked(con, budget.entries_to_frame([entry]))
        store.add_trade(con, entry.entry_id, entry.year, from_region, to_region, entry.amount, p, name)
    return entry
