"""The allowance year of the key emitting units, composed: the list, pre-allocation and true-up by the national
method, surrender and compliance, unit advances (with the second signature the province's rules ask for), the
province's adjustment of a unit's amount within its total, and what the page shows. Market tools (prices,
reserve, buy-back) and regional budget trades are in ``monitor.allowance_market``.

Every write authorises the acting user and checks the rules in force inside the transaction that writes; a
refusal (``budget.allowances.AllowanceError``, ``users.PermissionDenied``) writes nothing. Amounts t CO2.
"""
from __future__ import annotations

import os
from datetime import date

import numpy as np
import pandas as pd

from budget import allowances as al
from budget import rules as brules
from intake import text_policy
from warehouse import allowances as store
from warehouse import db, key_emitters, users

#: Which permission of ``users.PERMISSIONS`` each allowance action needs (admin: the province's decisions;
#: analyst: recording a unit's surrender and uploading prices).
PERMISSION = {"manage": "allowance_manage", "advance": "allowance_advance", "buyback": "allowance_buyback",
              "surrender": "allowance_surrender", "prices": "allowance_prices"}
COVERED = ("national", "local")


def rules_in_force(con, on: date | None = None) -> dict:
    """The province's rules on ``on`` (defaults where none is set)."""
    try:
        from warehouse import rules as wrules
        return wrules.rules_in_force(con, on)
    except ImportError:  # before the rules store exists
        return brules.defaults()


def _list(con) -> tuple[pd.DataFrame, pd.DataFrame]:
    reg = key_emitters.registry(con)
    for col in key_emitters.REGISTRY_EXT:
        if col not in reg:
            reg[col] = None
    reg["sector_key"] = reg["sector"].map(al.canonical_sector)
    yrs = key_emitters.emitter_years(con)
    for col in key_emitters.YEAR_EXT:
        if col not in yrs:
            yrs[col] = np.nan
    return reg, yrs


def _figures(reg: pd.DataFrame, yrs: pd.DataFrame, year: int, verified_only: bool = False) -> pd.DataFrame:
    """Covered units with their figures of ``year`` (co2 in t) and the intensity of the year before (t per unit)."""
    cur = yrs[yrs["year"] == year]
    if verified_only:
        cur = cur[cur["verified"].astype(bool)]
    prev = yrs[yrs["year"] == year - 1].set_index("code")
    f = reg[reg["market"].isin(COVERED)].merge(cur.drop(columns=["year"]), on="code", how="inner")
    f["co2"] = f["co2"].astype(float) * al.T_PER_WAN_T
    prev_out = f["code"].map(prev["output"]).astype(float)
    f["base_intensity"] = np.where(prev_out > 0, f["code"].map(prev["co2"]).astype(float) * al.T_PER_WAN_T / prev_out, np.nan)
    return f


def _conflicts(reg: pd.DataFrame, yrs: pd.DataFrame, year: int, local: pd.DataFrame | None = None) -> pd.DataFrame:
    """Local-market units refused for ``year``: those the national market takes, and those outside the
    province's own coverage (``local``, the current coverage version)."""
    mean = yrs[yrs["year"] <= year].groupby("code")["co2"].mean()
    units = reg.assign(co2=reg["code"].map(mean), sector=reg["sector_key"])
    national = al.coverage_conflicts(units, year)
    outside = al.outside_local_coverage(units[~units["code"].isin(national["code"])], year, local)
    return pd.concat([national, outside], ignore_index=True) if len(outside) else national


def _refusals(conflicts: pd.DataFrame) -> list[dict]:
    return [{"code": c.code, "reason_zh": al.AllowanceError(c.reason, c.params).message("zh"),
             "reason_en": al.AllowanceError(c.reason, c.params).message("en")} for c in conflicts.itertuples()]


def _unit_rows(reg: pd.DataFrame, alloc: pd.DataFrame, hold: pd.DataFrame, trued: pd.Series | None) -> list[dict]:
    """The CLI/JSON rows: code, sector, market, benchmark, output, preallocated, trued_up (None before the true-up), issued."""
    meta = reg.drop_duplicates("code").set_index("code")
    h = hold.drop_duplicates("code").set_index("code") if len(hold) else pd.DataFrame(columns=["preallocated", "issued"])
    codes = alloc["code"]
    f = pd.DataFrame({"code": codes.to_numpy(), "sector": codes.map(meta["sector"]).to_numpy(),
                      "market": codes.map(meta["market"]).to_numpy(),
                      "benchmark": pd.to_numeric(alloc["benchmark"], errors="coerce").round(4).to_numpy(),
                      "output": pd.to_numeric(alloc["output"], errors="coerce").round(1).to_numpy(),
                      "preallocated": codes.map(h["preallocated"]).astype(float).fillna(0.0).round(1).to_numpy(),
                      "trued_up": (codes.map(trued).astype(float).round(1).to_numpy() if trued is not None else None),
                      "issued": codes.map(h["issued"]).astype(float).fillna(0.0).round(1).to_numpy()})
    return f.astype(object).where(f.notna(), None).to_dict("records")


def _skipped(alloc: pd.DataFrame) -> list[dict]:
    bad = alloc[alloc["problem"].notna()]
    return [{"code": r.code, "problem": r.problem} for r in bad.itertuples()]


def preallocate(db_path: str | os.PathLike, year: int, user: str | None) -> dict:
    """Pre-allocate ``year`` to every covered unit not yet pre-allocated, from its output of the year before, and
    set aside the price-stabilisation reserve; the units the national rule keeps out of the local market are
    refused with the reason. Raises AllowanceError when nothing is left to pre-allocate."""
    year = _year(year)
    with db.transaction(db_path) as con:
        name = users.authorize(con, user, PERMISSION["manage"])
        rules = rules_in_force(con)
        reg, yrs = _list(con)
        conflicts = _conflicts(reg, yrs, year, store.coverage(con))
        done = store.holdings(con, year)
        done = set(done.loc[done["preallocated"].notna(), "code"])
        last = _figures(reg, yrs, year - 1)
        last = last[~last["code"].isin(done | set(conflicts["code"]))]
        table = al.load_benchmarks()
        alloc = al.preallocation(last, year, table, rules["allowance.preallocation_share"], rules["allowance.local_control_factor"])
        good = alloc[alloc["problem"].isna()]
        if good.empty:
            raise al.AllowanceError("nothing_to_preallocate", {"year": year})
        meta = reg.set_index("code")
        rows = good.assign(year=year, kind="preallocation", market=good["code"].map(meta["market"]),
                           product=good["code"].map(meta["product"]), reason=f"预分配 {year} / pre-allocation {year}")
        store.append_ledger(con, rows, name)
        share = rules["allowance.preallocation_share"]
        full = float((good["amount"] / np.where(good["method"] == "verified_emissions", 1.0, share)).sum())
        reserve = 0.0
        ops = store.reserve_ops(con)
        if not ((ops["year"] == year) & (ops["kind"] == "set_aside")).any() and rules["allowance.reserve_share"] > 0:
            reserve = round(rules["allowance.reserve_share"] * full, 1)
            store.add_reserve_op(con, year, "set_aside", reserve, f"价格平抑储备 {rules['allowance.reserve_share']:.0%} / "
                                 f"price-stabilisation reserve {rules['allowance.reserve_share']:.0%}", name, name)
        hold = store.holdings(con, year)
    return {"year": year, "units": _unit_rows(reg, good, hold, None), "skipped": _skipped(alloc),
            "refused": _refusals(conflicts), "reserve_set_aside": reserve}


def trueup(db_path: str | os.PathLike, year: int, user: str | None) -> dict:
    """True-up (核定) of ``year`` on the verified output: issue or take back the difference from what was issued.
    Units without verified figures yet are listed as pending; running it again issues only what changed."""
    year = _year(year)
    with db.transaction(db_path) as con:
        name = users.authorize(con, user, PERMISSION["manage"])
        rules = rules_in_force(con)
        reg, yrs = _list(con)
        conflicts = _conflicts(reg, yrs, year, store.coverage(con))
        fig = _figures(reg, yrs, year, verified_only=True)
        fig = fig[~fig["code"].isin(conflicts["code"])]
        hold = store.holdings(con, year)
        before = hold.set_index("code")[["preallocated", "trued_up"]].fillna(0).sum(axis=1) if len(hold) else pd.Series(dtype=float)
        a = al.trueup(fig, year, al.load_benchmarks(), before, rules["allowance.local_control_factor"])
        good = a[a["problem"].isna()]
        change = good[good["difference"].abs() >= 0.05]
        meta = reg.set_index("code")
        rows = change.assign(year=year, kind="trueup", amount=change["difference"], market=change["code"].map(meta["market"]),
                             product=change["code"].map(meta["product"]),
                             reason=f"核定 {year}（核查产量）/ true-up {year} (verified output)")
        store.append_ledger(con, rows, name)
        hold = store.holdings(con, year)
    covered = set(reg.loc[reg["market"].isin(COVERED), "code"]) - set(conflicts["code"])
    pending = sorted(covered - set(fig["code"]))
    return {"year": year, "units": _unit_rows(reg, good, hold, good.set_index("code")["amount"]), "issued_change": round(float(change["difference"].sum()), 1),
            "pending": pending, "skipped": _skipped(a), "refused": _refusals(conflicts)}


def surrender(db_path: str | os.PathLike, code: str, year: int, amount, user: str | None) -> dict:
    """Record a unit's surrender (清缴) of ``amount`` t for ``year``, within what it holds."""
    return surrender_many(db_path, year, [(code, amount)], user)[0]


def surrender_many(db_path: str | os.PathLike, year: int, items: list[tuple[str, float]], user: str | None) -> list[dict]:
    """Several units' surrenders for ``year`` in one transaction (all or none), each within what the unit holds."""
    year = _year(year)
    items = [(str(code), al.check_amount(amount)) for code, amount in items]
    with db.transaction(db_path) as con:
        name = users.authorize(con, user, PERMISSION["surrender"])
        reg = key_emitters.registry(con).set_index("code")
        h = store.holdings(con, year).set_index("code")
        rows, out = [], []
        for code, amount in items:
            if code not in reg.index:
                raise al.AllowanceError("unknown_unit", {"code": code})
            market = reg.at[code, "market"] if "market" in reg else None
            if market not in COVERED:
                raise al.AllowanceError("not_covered", {"code": code, "market": market or "—"})
            if code not in h.index or not h.at[code, "held"] > 0:
                raise al.AllowanceError("no_allowance", {"code": code, "year": year})
            balance = float(h.at[code, "held"] - h.at[code, "surrendered"])
            if amount > balance + 1e-6:
                raise al.AllowanceError("over_holding", {"code": code, "year": year, "held": balance, "amount": amount})
            h.at[code, "surrendered"] += amount
            rows.append({"year": year, "code": code, "kind": "surrender", "amount": -amount, "reason": f"清缴 {year} / surrender {year}"})
            out.append({"code": code, "year": year, "surrendered": amount, "balance": round(balance - amount, 1)})
        store.append_ledger(con, pd.DataFrame(rows), name)
    return out


def compliance(db_path: str | os.PathLike, year: int, on: date | None = None) -> pd.DataFrame:
    """Per covered unit with allowances for ``year``: code, name_zh, name_en, region, sector, market, verified (t),
    held, surrendered, balance, shortfall, deadline, status (complied | short | overdue | not_due)."""
    year, on = _year(year), on or date.today()
    with db.connect(db_path) as con:
        rules = rules_in_force(con, on)
        reg, yrs = _list(con)
        hold = store.holdings(con, year)
    ver = (yrs[(yrs["year"] == year) & yrs["verified"].astype(bool)].set_index("code")["co2"] * al.T_PER_WAN_T).round(3)
    f = hold[["code", "held", "surrendered"]].assign(verified=hold["code"].map(ver))
    f = al.compliance(f, year, rules["allowance.surrender_deadline"], on)
    return reg[["code", "name_zh", "name_en", "region", "sector", "market"]].merge(f, on="code", how="inner")


def _year(year) -> int:
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise al.AllowanceError("bad_year", {"year": year}) from None
    if not 2000 <= y <= 2100:
        raise al.AllowanceError("bad_year", {"year": year})
    return y


def _covered_unit(con, code: str) -> pd.Series:
    reg = key_emitters.registry(con)
    row = reg[reg["code"] == code]
    if row.empty:
        raise al.AllowanceError("unknown_unit", {"code": code})
    market = row.iloc[0].get("market")
    if market not in COVERED:
        raise al.AllowanceError("not_covered", {"code": code, "market": market or "—"})
    return row.iloc[0]


def _reason(reason) -> str:
    """A reason as stored (the text policy at the door: NFC, no control characters, bounded); refused when blank."""
    if reason is None or not str(reason).strip():
        raise al.AllowanceError("reason_required")
    return text_policy.free_text(reason, ("理由", "reason"), multiline=False)


def _advance(con, payload: dict, requested_by: str, confirmed_by: str | None) -> dict:
    """Approval handler: a unit's advance into ``year`` from its allowance of ``year + 1``, within the cap."""
    code, year, amount, reason = payload["code"], _year(payload["year"]), al.check_amount(payload["amount"]), _reason(payload["reason"])
    _covered_unit(con, code)
    rules = rules_in_force(con)
    h = store.holdings(con, year).set_index("code")
    base = float(h.at[code, "issued"]) if code in h.index else 0.0
    already = float(h.at[code, "advanced_in"]) if code in h.index else 0.0
    cap = al.check_advance(code, year, amount, already, base, rules["allowance.unit_advance_cap_share"])
    approver = confirmed_by or requested_by
    aid = store.add_advance(con, code, year, amount, cap, reason, requested_by, approver)
    ref = f"advance:{aid}"
    store.append_ledger(con, pd.DataFrame([
        {"year": year, "code": code, "kind": "advance_in", "amount": amount, "reason": reason, "ref": ref},
        {"year": year + 1, "code": code, "kind": "advance_out", "amount": -amount, "reason": reason, "ref": ref}]), requested_by)
    return {"advance_id": aid, "code": code, "year": year, "amount": amount, "cap": round(cap, 1), "approved_by": approver}


def advance(db_path: str | os.PathLike, code: str, year: int, amount, reason: str, user: str | None) -> dict:
    """Apply for a unit's advance; it takes effect at once or waits for the second signature the rules ask for."""
    payload = {"code": str(code), "year": _year(year), "amount": al.check_amount(amount), "reason": _reason(reason)}
    summary = f"单位 {code} 预支 {payload['amount']:,.0f} 吨（{year} 年）/ unit {code} advance of {payload['amount']:,.0f} t into {year}"
    return submit("allowance_advance", _advance, db_path, payload, summary, user, PERMISSION["advance"])


def submit(action: str, handler, db_path, payload: dict, summary: str, user: str | None, permission: str) -> dict:
    """Through the approvals module (second signature where the rules ask for it); without it, at once."""
    try:
        from monitor import approvals
    except ImportError:
        with db.transaction(db_path) as con:
            name = users.authorize(con, user, permission)
            return {"status": "confirmed", "id": None, "result": handler(con, payload, name, None)}
    return approvals.submit(db_path, action, payload, summary, user, permission=permission)


def adjust(db_path: str | os.PathLike, year: int, from_code: str, to_code: str, amount, reason: str, user: str | None) -> dict:
    """The province moves ``amount`` t of ``year`` from one unit to another (its total unchanged), with a reason."""
    year, amount, reason = _year(year), al.check_amount(amount), _reason(reason)
    if from_code == to_code:
        raise al.AllowanceError("same_unit", {"code": from_code})
    with db.transaction(db_path) as con:
        name = users.authorize(con, user, PERMISSION["manage"])
        _covered_unit(con, from_code), _covered_unit(con, to_code)
        h = store.holdings(con, year).set_index("code")
        free = float(h.at[from_code, "held"] - h.at[from_code, "surrendered"]) if from_code in h.index else 0.0
        if amount > free + 1e-6:
            raise al.AllowanceError("over_adjust", {"code": from_code, "year": year, "held": free, "amount": amount})
        ref = f"adjust:{from_code}->{to_code}"
        store.append_ledger(con, pd.DataFrame([
            {"year": year, "code": from_code, "kind": "adjustment", "amount": -amount, "reason": reason, "ref": ref},
            {"year": year, "code": to_code, "kind": "adjustment", "amount": amount, "reason": reason, "ref": ref}]), name)
    return {"year": year, "from": from_code, "to": to_code, "amount": amount}


def set_local_coverage(db_path: str | os.PathLike, sector: str, gases: str, criterion: str, from_year: int,
                       user: str | None, threshold: float | None = None) -> int:
    """A new version of the province's own coverage (地方覆盖范围): the current rows with ``sector`` replaced by this
    one. A sector and gas the national market covers from that year cannot be covered locally for the units that
    meet the national criterion (checked unit by unit at load and pre-allocation). Returns the version."""
    sector = text_policy.line(sector, ("行业", "sector"))
    criterion = text_policy.free_text(criterion, ("纳入标准", "criterion"), multiline=False)
    bad = sorted(al.gas_set(gases) - {g.upper() for g in al.GASES})
    if bad or not al.gas_set(gases):
        raise al.AllowanceError("bad_gases", {"gases": gases})
    year = _year(from_year)
    if threshold is not None and not (0 <= float(threshold) <= 1e4):
        raise al.AllowanceError("bad_amount", {"amount": threshold})
    with db.transaction(db_path) as con:
        name = users.authorize(con, user, PERMISSION["manage"])
        cur = store.coverage(con)
        rows = cur[cur["sector"] != sector][["sector", "gases", "threshold", "criterion", "from_year"]]
        new = pd.DataFrame([{"sector": sector, "gases": ",".join(sorted(al.gas_set(gases))), "threshold": threshold,
                             "criterion": criterion, "from_year": year}])
        return store.set_coverage(con, pd.concat([rows, new], ignore_index=True), name)


def register_handlers(register) -> None:
    """Hook for ``monitor.approvals``: the allowance actions that may need a second signature."""
    from monitor import allowance_market

    register("allowance_advance", _advance)
    register("allowance_buyback", allowance_market.buyback_handler)
