"""Final accounts, composed (no streamlit): warehouse facts + ledger → ``budget.year_close`` /
``budget.evaluation`` → stored close versions, approvals and assessments. The CLI ``close`` and the
pages both call these functions."""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

import budget
from budget import adjustment_rule, config as bconfig, evaluation, year_close
from budget.periods import annual_gdp
from monitor import approvals, close_moves, ledger_change
from warehouse import accounting, budget_books, closes, db, queries, rules as wrules, store, users
from warehouse import province as province_store

FUEL_SOURCES = tuple(year_close.lmdi.TCE_PER_UNIT) + (accounting.GRID_INDICATOR,)


class CloseError(ValueError):
    """A close or approval that cannot be done (English and Chinese message)."""

    def __init__(self, message_en: str, message_zh: str):
        super().__init__(message_en)
        self.message_en, self.message_zh = message_en, message_zh


@dataclass
class YearClose:
    year: int
    province: str | None
    provisional: bool
    months_estimated: list[str]
    rows: pd.DataFrame          # budget.year_close.CLOSE_COLUMNS (+ name_zh, name_en)
    fuels: pd.DataFrame         # region, indicator, co2 (万吨)
    data_version: str
    applied: dict = field(default_factory=dict)   # net adjustments already approved for this year
    rules: dict = field(default_factory=dict)     # the province's rules the close was computed with


def _province_and_cities(regions: pd.DataFrame) -> tuple[str | None, list[str]]:
    provinces = regions[regions["level"] == "province"]
    province = str(provinces["code"].iloc[0]) if len(provinces) == 1 else None
    mask = (regions["level"] == "city") & ((regions["parent"] == province) if province else True)
    return province, sorted(regions.loc[mask, "code"].astype(str))


def _inputs(con, first_year: int) -> dict:
    since = f"{first_year}-01"
    obs = con.execute(
        "SELECT region, period, indicator, value FROM observations_current WHERE kind = 'statistical' "
        "AND indicator IN (SELECT unnest(?::TEXT[])) AND period >= ?", [list(FUEL_SOURCES), since]).df()
    return {
        "regions": queries.regions(con),
        "co2": queries.co2_for_budget(con),
        "drivers": queries.indicator_values(con, list(year_close.DRIVER_INDICATORS), since),
        "gdp": queries.indicator_values(con, ["gdp"], str(first_year - 1)),
        "value_added": queries.indicator_values(con, list(year_close.lmdi.VA_INDICATORS), str(first_year - 1)),
        "ledger": budget_books.entries(con),
        "targets": budget_books.intensity_targets(con),
        "fuels": accounting.account_by_source(obs),
        "version": queries.data_version(con),
        "rules": wrules.rules_in_force(con),
    }


def _compute(inp: dict, year: int, applied: dict) -> YearClose:
    regions = inp["regions"]
    province, cities = _province_and_cities(regions)
    co2 = inp["co2"]
    with_data = set(co2["region"].astype(str).unique())
    cities = [c for c in cities if c in with_data]
    if not cities:
        raise CloseError("no city has emissions data to close", "没有城市有可决算的排放数据")
    if inp["ledger"].empty:
        raise CloseError("no budget plan yet: the ledger is empty", "尚无预算方案：预算账为空")
    bal = budget.apply(budget.entries_from_frame(inp["ledger"]))
    budgets = budget.region_budgets(bal, province)
    if not (budgets["year"] == year).any():
        raise CloseError(f"no budget for {year}", f"{year} 年没有预算")
    # undo what earlier approvals of this year already moved, so the rule sees next year as planned
    budgets = budgets.copy()
    nxt = budgets["year"] == year + 1
    if nxt.any():   # the last year of a plan has no next year (the cause of the old TypeError on its close)
        budgets.loc[nxt, "budget"] = budgets.loc[nxt, "budget"] - budgets.loc[nxt, "region"].map(applied).astype(float).fillna(0.0)
    totals = bal.totals.set_index("year")
    reserve_next = None
    if year + 1 in totals.index:
        reserve_next = float(totals.loc[year + 1, "reserve"]) + float(sum(applied.values()))
    # approved major projects: separately-listed quota in the year or the next (a plant approved for
    # next year already strains this one)
    projects = bal.projects[bal.projects["year"].isin([year, year + 1])]
    first = min(year - 1, year_close.five_year_period(year)[0])  # the five-year use to date needs the plan years
    co2y = co2[co2["period"].astype(str).str[:4].astype(int).between(first, year)]
    rows = year_close.close_year(
        year, co2y[["region", "period", "value", "kind"]], inp["drivers"], inp["gdp"], budgets, inp["fuels"],
        cities=cities, province=province, intensity_targets=inp["targets"] if len(inp["targets"]) else None,
        major_project_regions=set(projects["region"].astype(str)), reserve_next=reserve_next,
        rule=adjustment_rule.rule_from(inp.get("rules")), debt_in=inp.get("debts", {}).get(year - 1, {}),
        value_added=inp.get("value_added"))
    names = regions.set_index("code")[["name_zh", "name_en"]]
    rows = rows.join(names, on="region")
    months = sorted(set(rows.loc[rows["is_province"], "months_estimated"].iloc[0]) |
                    set(rows.loc[rows["is_province"], "months_missing"].iloc[0])) if province else \
        sorted({m for v in rows["months_estimated"] for m in v} | {m for v in rows["months_missing"] for m in v})
    fuels = year_close.fuel_totals(inp["fuels"], cities, province, [year])
    return YearClose(year, province, bool(months), months, rows, fuels, inp["version"], applied, inp.get("rules") or {})


def _inputs_for(db_path: str | os.PathLike | None, first_year: int) -> dict:
    with db.connect(db_path) as con:
        return _inputs(con, first_year)


def compute_close(db_path: str | os.PathLike | None, year: int) -> YearClose:
    """The close of ``year`` from what the warehouse knows now (nothing stored)."""
    year = int(year)
    with db.connect(db_path) as con:
        inp = _inputs(con, year - 1)
        inp["debts"] = {year - 1: closes.approved_debts(con, year - 1)}
        inp["rules"] = wrules.rules_in_force(con, _dt.date(year, 12, 31))
        applied = closes.applied_adjustments(con, year)
    return _compute(inp, year, applied)


def run_close(db_path: str | os.PathLike | None, year: int, user: str | None = None) -> tuple[YearClose, dict, pd.DataFrame]:
    """Compute and store a new close version; returns (close, {close_id, version}, diff vs the previous version)."""
    return _store(db_path, compute_close(db_path, year), user)


def _store(db_path, close: YearClose, user: str | None) -> tuple[YearClose, dict, pd.DataFrame]:
    """Store a close version (an admin's act, checked in the transaction). A close identical to the latest
    version stores nothing and returns that version (``unchanged``)."""
    with db.transaction(db_path) as con:
        name = users.authorize(con, user, "close_run")
        prev_id = closes.latest_close_id(con, close.year)
        previous = closes.close_rows(con, prev_id) if prev_id is not None else None
        diff = year_close.diff_closes(previous, close.rows) if previous is not None and len(previous) else \
            pd.DataFrame(columns=["region", "field", "old", "new"])
        if prev_id is not None and diff.empty:   # same figures (the data version counts every write, closes included)
            meta = closes.close_meta(con, prev_id)
            if meta is not None and bool(meta.get("provisional")) == bool(close.provisional):
                return close, {"close_id": int(prev_id), "version": int(meta["version"]), "unchanged": True}, diff
        info = closes.store_close(con, close.year, close.rows.drop(columns=["name_zh", "name_en"]), close.fuels,
                                  provisional=close.provisional, months_estimated=close.months_estimated,
                                  data_version=close.data_version, rule=adjustment_rule.rule_from(close.rules),
                                  created_by=name if name != "cli" else (user or store.SYSTEM_USER))
    return close, info, diff


def close_and_approve_years(db_path: str | os.PathLike | None, years, user: str | None = None,
                            as_of: _dt.date | None = None) -> list[int]:
    """Close and approve several years in order (each close sees the previous approvals); reads the
    facts once (the demo and bulk re-closes)."""
    years = [int(y) for y in years]
    with db.connect(db_path) as con:
        inp = _inputs(con, min(years) - 1)
    for y in years:
        with db.connect(db_path) as con:
            inp["ledger"], inp["version"] = budget_books.entries(con), queries.data_version(con)
            inp["debts"] = {y - 1: closes.approved_debts(con, y - 1)}
            inp["rules"] = wrules.rules_in_force(con, _dt.date(y, 12, 31))
            applied = closes.applied_adjustments(con, y)
        _store(db_path, _compute(inp, y, applied), user)
        approve(db_path, y, user, as_of=as_of)
    return years


def approve(db_path: str | os.PathLike | None, year: int, user: str | None, close_id: int | None = None,
            date: str | None = None, as_of: _dt.date | None = None) -> dict:
    """Approve a stored close (default: the latest version of ``year``): its proposed adjustments become ledger
    entries on ``year + 1`` in the transaction that records the approval — or wait for the second signature the
    province's rules ask for. Only after the year has ended and every month has statistics or an estimate;
    re-approving after a re-close writes only the difference; the last year of a plan (no next-year budget)
    records its adjustments as carried into the next period. Raises CloseError, LedgerError, PermissionDenied."""
    year = int(year)
    today = as_of or _dt.date.today()
    if today <= _dt.date(year, 12, 31):
        raise CloseError(f"{year} has not ended: its close can be approved from {year + 1}-01-01",
                         f"{year} 年尚未结束：{year + 1} 年 1 月 1 日起方可批准决算", )
    with db.connect(db_path) as con:
        cid = close_id if close_id is not None else closes.latest_close_id(con, year)
        if cid is None:
            raise CloseError(f"{year} has no stored close: run `close --year {year}` first",
                             f"{year} 年尚无决算：请先运行 `close --year {year}`")
        meta = closes.close_meta(con, cid)
        if meta is None or int(meta["year"]) != year:
            raise CloseError(f"close {cid} is not a close of {year}", f"决算 {cid} 不属于 {year} 年")
        if meta.get("approved_by") is not None and not pd.isna(meta.get("approved_by")):
            raise CloseError(f"close {year} version {meta['version']} is already approved",
                             f"{year} 年决算第 {meta['version']} 版已经批准")
        rows = closes.close_rows(con, cid)
    missing = sorted({m for v in rows.get("months_missing", pd.Series(dtype=object)) for m in (v or [])})
    if missing:
        raise CloseError(f"months without statistics or an estimate: {', '.join(missing[:12])}",
                         f"以下月份既无统计也无估算：{', '.join(missing[:12])}")
    summary = (f"批准 {year} 年度决算第 {meta['version']} 版" + ("（含估算月份）" if meta.get("months_estimated") else "")
               + f" / approve the {year} annual close version {meta['version']}")
    out = approvals.submit(db_path, "close_approve", {"year": year, "close_id": int(cid), "date": date}, summary, user,
                           permission="close_approve")
    if out["status"] == "pending":
        return {"year": year, "close_id": int(cid), "version": int(meta["version"]), "status": "pending",
                "approval": out["id"], "signoff": out["signoff"], "entries": 0, "moved": 0.0, "approved_by": None}
    return {**out["result"], "status": "confirmed"}


def _close_handler(con, payload: dict, requested_by: str, confirmed_by: str | None) -> dict:
    year, cid = int(payload["year"]), int(payload["close_id"])
    meta = closes.close_meta(con, cid)
    if meta.get("approved_by") is not None and not pd.isna(meta.get("approved_by")):
        raise CloseError(f"close {year} version {meta['version']} is already approved", f"{year} 年决算第 {meta['version']} 版已经批准")
    p = close_moves.planned(con, cid)   # the same moves the page's preview showed
    if not p.has_next:   # the last year of a plan: carried into the next period, recorded, no ledger entry
        closes.record_carried(con, cid, year, {r: a - p.applied_before.get(r, 0.0) for r, a in p.net_new.items()})
        closes.record_approval(con, cid, requested_by, p.net_new, [], confirmed_by)
        return {"year": year, "close_id": cid, "version": int(meta["version"]), "approved_by": requested_by,
                "confirmed_by": confirmed_by, "entries": 0, "moved": 0.0, "carried_into_next_period": True,
                "months_estimated": meta.get("months_estimated") or []}
    entries = []
    for n, (kind, region, amount) in enumerate(p.moves, start=1):
        kw = {"transfer": {"from_region": region, "to_region": bconfig.RESERVE_ACCOUNT},
              "reserve_release": {"to_region": region}, "adjustment": {"to_region": region}}[kind]
        entries.append(budget.new_entry(kind, year + 1, amount, user=requested_by, date=payload.get("date"),
                                        reason=(f"{year}年度决算第{meta['version']}版调节：{p.reasons.get(region, '')} / "
                                                f"{year} annual close version {meta['version']} adjustment: {p.reasons_en.get(region, '')}"),
                                        entry_id=f"close-{year}-v{meta['version']}-{n:03d}", **kw))
    frame = budget.entries_to_frame(entries)
    if len(frame):
        ledger_change.write_checked(con, frame)
    closes.record_approval(con, cid, requested_by, p.net_new, list(frame["entry_id"]) if len(frame) else [], confirmed_by)
    return {"year": year, "close_id": cid, "version": int(meta["version"]), "approved_by": requested_by,
            "confirmed_by": confirmed_by, "entries": len(entries), "moved": float(sum(abs(m[2]) for m in p.moves)),
            "months_estimated": meta.get("months_estimated") or []}


def register_handlers(register) -> None:
    register("close_approve", _close_handler)
    register("five_year_approve", _five_year_handler)


def _lmdi_json(r: dict, decimals: int = 4) -> dict:
    """The LMDI effects rounded so that they add up exactly to the change as printed (largest remainder);
    structure is None where the sectors' value added is missing (aggregate identity)."""
    f = year_close.lmdi.FACTORS
    vals = [r.get(f"lmdi_{x}") for x in f]
    vals = [float(v) if v is not None else float("nan") for v in vals]
    change = r.get("change_vs_last_year")
    change = float(change) if change is not None else float("nan")
    out = year_close.lmdi.round_effects(vals, change, decimals)
    return {x: (None if not np.isfinite(v) else float(v)) for x, v in zip(f, out)}


def close_record(close: YearClose) -> dict:
    """The CLI's JSON: {year, provisional, months_estimated, regions: [...]} (万吨; NaN → None)."""
    def num(v, nd=4):
        return None if v is None or (isinstance(v, float) and not np.isfinite(v)) else round(float(v), nd)
    regions = []
    for r in close.rows.to_dict(orient="records"):
        regions.append({
            "region": r["region"], "budget": num(r["budget"]), "accounted": num(r["accounted"]),
            "execution_rate": num(r["execution_rate"], 6), "conclusion": r["conclusion"],
            "lmdi": _lmdi_json(r),
            "lmdi_method": r.get("lmdi_method"),
            "change_vs_last_year": num(r["change_vs_last_year"]),
            "proposed_next_budget": num(r["proposed_next_budget"]), "adjustment_reason": r["reason_en"],
            "adjustment_reason_zh": r["reason_zh"], "adjustment": num(r["adjustment"]),
            "months_estimated": list(r["months_estimated"]) + list(r["months_missing"]),
        })
    return {"year": close.year, "provisional": close.provisional, "months_estimated": close.months_estimated,
            "regions": regions}


# ------------------------------------------------------------------------------------------ five-year close
@dataclass
class FiveYearClose:
    start: int
    end: int
    province: str | None
    rows: pd.DataFrame          # evaluation.indicator_values + scores, grade, rank (+ names)
    closes: pd.DataFrame        # the year closes of the period, stacked
    fuels: pd.DataFrame         # region, indicator, co2 over the period
    sectors: pd.DataFrame       # region, sector, co2 over the period (key emitters; may be empty)
    entered: pd.DataFrame
    rules: dict = field(default_factory=dict)


def compute_five_year(db_path: str | os.PathLike | None, start: int, end: int) -> FiveYearClose:
    start, end = int(start), int(end)
    if end < start or end - start > 9:
        raise CloseError(f"bad period {start}-{end}", f"期间无效：{start}-{end}")
    with db.connect(db_path) as con:
        ids = {y: closes.latest_close_id(con, y) for y in range(start, end + 1)}
        stored = {y: closes.close_rows(con, i) for y, i in ids.items() if i is not None}
        all_stored = len(stored) == end - start + 1
        if all_stored:  # every year has its close: its fuels are stored too, no accounting needed
            inp = {"regions": queries.regions(con), "co2": queries.co2_for_budget(con),
                   "gdp": queries.indicator_values(con, ["gdp"], str(start - 1)),
                   "targets": budget_books.intensity_targets(con),
                   "fuels": pd.concat([closes.close_fuels(con, i) for i in ids.values()], ignore_index=True)}
        else:
            inp = _inputs(con, start - 1)
        applied = {y: closes.applied_adjustments(con, y) for y in range(start, end + 1)}
        measures = closes.measure_starts(con)
        errors = closes.estimate_errors(con, start, end)
        uploads = closes.upload_arrivals(con, start, end)
        entered = closes.entered_scores(con, start, end)
        funds = province_store.funds(con, start, end)  # capacity funding: the "funding and capacity" indicator
        sectors = _sector_totals(con, start, end)
        rules = wrules.rules_in_force(con, _dt.date(end, 12, 31))
    # the stored close of each year (its latest version) where there is one, else computed now
    stacked = pd.concat([stored[y] if y in stored else _compute(inp, y, applied[y]).rows.drop(columns=["name_zh", "name_en"])
                         for y in range(start, end + 1)], ignore_index=True)
    province, cities = _province_and_cities(inp["regions"])
    present = set(stacked["region"].astype(str).unique())
    cities = [c for c in cities if c in present]
    base = _compute_base_intensity(inp, start - 1, cities, province)
    t = inp["targets"]
    t_end = t[t["year"] == end].drop_duplicates("region", keep="last").set_index("region")["intensity_target"] if len(t) else pd.Series(dtype=float)
    red = stacked.loc[stacked["deviation"] > float(rules["warning.red_deviation"]), ["region", "year"]]
    vals = evaluation.indicator_values(stacked, start=start, end=end, base_intensity=base, target_end=t_end,
                                       red_years=red, measures=measures, estimate_errors=errors, uploads=uploads,
                                       funds=funds)
    rows = evaluation.score(vals, entered, weights=rules["evaluation.weights"])
    rows = rows.join(inp["regions"].set_index("code")[["name_zh", "name_en"]], on="region")
    if all_stored:
        fuels = inp["fuels"].groupby(["region", "indicator"], as_index=False)["co2"].sum()
    else:
        fuels = year_close.fuel_totals(inp["fuels"], cities, province, list(range(start, end + 1)))
    return FiveYearClose(start, end, province, rows, stacked, fuels, sectors, entered, rules)


def _compute_base_intensity(inp: dict, year: int, cities: list[str], province: str | None) -> pd.Series:
    co2 = inp["co2"]
    c = co2[co2["period"].astype(str).str.startswith(str(year)) & co2["region"].isin(cities)]
    by = c.groupby("region")["value"].sum()
    g = annual_gdp(inp["gdp"])
    g = g[g["year"] == year].set_index("region")["value"]
    if province:
        by[province] = by.sum()
        g[province] = g.reindex(cities).sum()
    return by / g.reindex(by.index)


def _sector_totals(con, start: int, end: int) -> pd.DataFrame:
    try:
        from warehouse import key_emitters

        reg, yrs = key_emitters.registry(con), key_emitters.emitter_years(con)
    except Exception:  # noqa: BLE001 - no registry tables yet: no sector figures
        return pd.DataFrame(columns=["region", "sector", "co2"])
    if reg.empty or yrs.empty:
        return pd.DataFrame(columns=["region", "sector", "co2"])
    y = yrs[(yrs["year"] >= start) & (yrs["year"] <= end)].merge(reg[["code", "region", "sector"]], on="code")
    return y.groupby(["region", "sector"], as_index=False)["co2"].sum()


def run_five_year(db_path: str | os.PathLike | None, start: int, end: int, user: str | None = None) -> tuple[FiveYearClose, dict]:
    """Compute and store the period's assessment (a new version); returns (result, {assessment_id, version})."""
    result = compute_five_year(db_path, start, end)
    with db.transaction(db_path) as con:
        name = users.authorize(con, user, "close_run")
        latest = closes.assessment_versions(con, start, end)
        if len(latest):
            prev = closes.assessment_rows(con, int(latest["assessment_id"].iloc[0]))
            now = result.rows.drop(columns=["name_zh", "name_en"])
            if _same_rows(prev, now):
                return result, {"assessment_id": int(latest["assessment_id"].iloc[0]),
                                "version": int(latest["version"].iloc[0]), "unchanged": True}
        info = closes.store_assessment(con, start, end, result.rows.drop(columns=["name_zh", "name_en"]),
                                       dict(result.rules.get("evaluation.weights") or {}),
                                       created_by=name if name != "cli" else (user or store.SYSTEM_USER))
    return result, info


def _same_rows(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    import json

    def norm(f):
        recs = json.loads(f.sort_values("region").to_json(orient="records", double_precision=6))
        return [{k: v for k, v in r.items() if k in set(a.columns) & set(b.columns)} for r in recs]
    return len(a) == len(b) and norm(a) == norm(b)


def approve_five_year(db_path, start: int, end: int, user: str | None, as_of: _dt.date | None = None) -> dict:
    """Approve the latest assessment of a period (after the period has ended), with the second signature the
    rules ask for."""
    today = as_of or _dt.date.today()
    if today <= _dt.date(int(end), 12, 31):
        raise CloseError(f"the period {start}-{end} has not ended", f"{start}–{end} 期间尚未结束")
    with db.connect(db_path) as con:
        v = closes.assessment_versions(con, int(start), int(end))
    if v.empty:
        raise CloseError(f"no assessment of {start}-{end}: run `close --five-year {start}-{end}` first",
                         f"{start}–{end} 尚无五年决算：请先运行 `close --five-year {start}-{end}`")
    aid = int(v["assessment_id"].iloc[0])
    out = approvals.submit(db_path, "five_year_approve", {"start": int(start), "end": int(end), "assessment_id": aid},
                           f"批准 {start}–{end} 五年决算与考核（第 {int(v['version'].iloc[0])} 版） / approve the {start}-{end} "
                           f"five-year close and assessment", user, permission="close_approve")
    return {"period": f"{start}-{end}", "assessment_id": aid, **({"status": "pending", "approval": out["id"]}
                                                                  if out["status"] == "pending" else {"status": "confirmed"})}


def _five_year_handler(con, payload: dict, requested_by: str, confirmed_by: str | None) -> dict:
    v = closes.assessment_versions(con, int(payload["start"]), int(payload["end"]))
    if v.empty or int(v["assessment_id"].iloc[0]) != int(payload["assessment_id"]):
        raise CloseError("a newer assessment of the period was stored meanwhile: approve that one",
                         "期间已有更新的考核版本：请批准新版本")
    return {"assessment_id": int(payload["assessment_id"]), "approved_by": requested_by, "confirmed_by": confirmed_by}


def five_year_record(result: FiveYearClose) -> dict:
    def num(v, nd=4):
        return None if v is None or pd.isna(v) else round(float(v), nd)
    out = []
    for r in result.rows.to_dict(orient="records"):
        out.append({
            "region": r["region"], "five_year_accounted": num(r["five_year_accounted"]),
            "five_year_budget": num(r["five_year_budget"]), "total_completion": num(r["total_completion"], 6),
            "intensity_base": num(r["intensity_base"], 6), "intensity_end": num(r["intensity_end"], 6),
            "intensity_decline": num(r["intensity_decline"], 6),
            "intensity_target_decline": num(r["intensity_target_decline"], 6),
            "intensity_completion": num(r["intensity_completion"], 6),
            "indicators": {k: {"value": num(r.get(_RAW[k]), 6) if _RAW.get(k) else None,
                               "score": num(r[f"score_{k}"], 2), "weight": evaluation.INDICATORS[k][0],
                               "source": evaluation.INDICATORS[k][1]} for k in evaluation.INDICATORS},
            "score": num(r["score"], 2), "coverage": num(r["coverage"], 4), "grade": r["grade"],
            "grade_zh": evaluation.GRADE_LABELS.get(r["grade"], {}).get("zh"),
            "rank": None if pd.isna(r["rank"]) else int(r["rank"]),
            "fuels": {f: num(v) for f, v in result.fuels[result.fuels["region"] == r["region"]][["indicator", "co2"]].itertuples(index=False)},
        })
    return {"period": f"{result.start}-{result.end}", "regions": out}


_RAW = {"total_target": "total_completion", "intensity_target": "intensity_completion", "budget_accuracy": "budget_accuracy",
        "alert_response": "alert_response_days", "nowcast_accuracy": "nowcast_mape",
        "upload_timeliness": "upload_on_time_share", "funding_capacity": "capacity_coverage"}
