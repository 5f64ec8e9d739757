"""Key emitters' allowances (碳排放配额) through their year, by the national method. Pure (pandas, numpy).

Amounts are t CO2 (one allowance = one tonne); the registry keeps emissions in 万吨 (×10⁴ here).

Allocation A of one unit and year (``data/allowance_benchmarks.csv``, one row per product and vintage; the
latest vintage not after the year applies):

- method ``benchmark`` (power, the national plans): ``A = B_supply × E × F_cool × F_heat × F_load + B_heat × Q``
  with E the power supplied (MWh), Q the heat supplied (GJ), ``F_cool`` = the row's air-cooling factor for an
  air-cooled unit (else 1), ``F_heat = 1 − heat_ratio_coeff × heat ratio``, ``F_load`` from the load rate by
  :func:`load_factor` (rows with ``load_rule`` ``condensing``: pure-condensing units only; ``all``: every unit).
- method ``verified_emissions`` (steel, cement, aluminium in 2024): A = the verified emissions; nothing is
  pre-allocated.
- method ``intensity`` (the local market's historical intensity): A = output × the unit's own intensity of the
  year before × the province's local control factor (rule ``allowance.local_control_factor``).

Pre-allocation (预分配) = ``allowance.preallocation_share`` × A on last year's output; true-up (核定) = A on the
verified output of the year, issued as the difference from what was issued before (pre-allocation and earlier
true-ups), so a later true-up on revised figures issues or takes back only the change.

The province's own rules (shares, caps, band, deadline; keys ``allowance.*``) live with their national bounds in
``budget.rules.RULES``; functions here take their values as arguments. Market tools (price band, reserve,
buy-back) are in ``budget.allowance_market``.
"""
from __future__ import annotations

import math
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from budget import config

BENCHMARKS_CSV = Path(__file__).resolve().parent.parent / "data" / "allowance_benchmarks.csv"
T_PER_WAN_T = 1e4                     # 1 万吨 = 10⁴ t
MARKETS = ("national", "local", "none")
METHODS = ("benchmark", "verified_emissions", "intensity")
STATUSES = ("complied", "short", "overdue", "not_due")
LEDGER_KINDS = ("preallocation", "trueup", "adjustment", "advance_in", "advance_out", "surrender")
GASES = ("CO2", "CH4", "N2O", "HFCs", "PFCs", "SF6", "NF3", "CF4", "C2F6")

#: National coverage (全国碳市场覆盖范围): sector, gases, first year, inclusion threshold (万吨 CO2e a year).
NATIONAL_COVERAGE = pd.DataFrame([
    # 2019–2020 plan: power units (incl. captive plants) emitting ≥ 2.6 万吨 CO2e (≈ 1 万吨 standard coal) in any year.
    ("power", "CO2", 2019, config.KEY_EMITTER_THRESHOLD),
    # 2024–2025 plan (2025-11): steel, cement, aluminium smelting. Gases of aluminium (CF4, C2F6) not checked here.
    ("steel", "CO2", 2024, config.KEY_EMITTER_THRESHOLD),
    ("cement", "CO2", 2024, config.KEY_EMITTER_THRESHOLD),
    ("aluminium", "CO2,CF4,C2F6", 2024, config.KEY_EMITTER_THRESHOLD),
], columns=["sector", "gases", "from_year", "threshold"])

SECTOR_ALIASES = {
    "power": {"power", "电力", "发电", "发电行业", "火电", "电力热力", "电力生产"},
    "steel": {"steel", "钢铁", "钢铁行业", "粗钢"},
    "cement": {"cement", "水泥", "水泥熟料"},
    "aluminium": {"aluminium", "aluminum", "铝", "铝冶炼", "电解铝"},
    "petrochemical": {"petrochemical", "petrochemicals", "石化", "石油化工", "炼油"},
    "chemical": {"chemical", "chemicals", "化工", "化学原料", "化学工业"},
    "building_materials": {"building materials", "building_materials", "建材", "建筑材料"},
    "paper": {"paper", "造纸", "纸浆造纸"},
    "aviation": {"aviation", "民航", "航空"},
    "nonferrous": {"nonferrous", "non-ferrous", "non-ferrous metals", "有色", "有色金属"},
    "glass": {"glass", "玻璃", "平板玻璃"},
}
_ALIAS = {a.lower(): k for k, names in SECTOR_ALIASES.items() for a in names}
SECTOR_LABELS = {"power": {"zh": "发电", "en": "power"}, "steel": {"zh": "钢铁", "en": "steel"},
                 "cement": {"zh": "水泥", "en": "cement"}, "aluminium": {"zh": "铝冶炼", "en": "aluminium"},
                 "petrochemical": {"zh": "石化", "en": "petrochemicals"}, "chemical": {"zh": "化工", "en": "chemicals"},
                 "building_materials": {"zh": "建材", "en": "building materials"}, "paper": {"zh": "造纸", "en": "paper"},
                 "aviation": {"zh": "民航", "en": "aviation"}, "nonferrous": {"zh": "有色金属", "en": "non-ferrous metals"},
                 "glass": {"zh": "玻璃", "en": "glass"}}

#: Carbon-efficiency grade (碳效码), K = intensity ÷ sector average: ≤0.6 → 1, ≤0.8 → 2, ≤1.2 → 3, ≤2.0 → 4, else 5.
#: Edges of Zhejiang's enterprise carbon-efficiency grading (规上工业企业碳效等级评价方法, DB33/T 1347—2023 family),
#: there on value added; applied here to emissions per unit of output within a sector.
GRADE_EDGES = (0.6, 0.8, 1.2, 2.0)

MESSAGES = {
    "bad_year": ("年份无效：{year}", "Invalid year: {year}"),
    "bad_amount": ("数量无效：{amount}（须为大于 0 的有限数，吨 CO2）", "Invalid amount: {amount} (a finite number above 0, t CO2)"),
    "bad_price": ("价格无效：{price}（须为大于 0 的有限数，元/吨）", "Invalid price: {price} (a finite number above 0, yuan/t)"),
    "reason_required": ("须填写理由", "A reason is required"),
    "unknown_unit": ("名录中没有单位“{code}”", "No unit '{code}' in the list"),
    "not_covered": ("单位 {code} 不属于配额管理市场（市场：{market}）", "Unit {code} is not in an allowance market (market: {market})"),
    "nothing_to_preallocate": ("{year} 年没有待预分配的单位（已预分配或缺少上年产量）",
                               "Nothing to pre-allocate for {year} (already done, or no output for the year before)"),
    "no_allowance": ("单位 {code} 在 {year} 年没有已发放配额", "Unit {code} has no allowance issued for {year}"),
    "over_holding": ("单位 {code} {year} 年可用配额 {held:,.0f} 吨，不足以清缴 {amount:,.0f} 吨",
                     "Unit {code} holds {held:,.0f} t for {year}, cannot surrender {amount:,.0f} t"),
    "advance_over_cap": ("单位 {code} 预支累计 {total:,.0f} 吨，超过上限 {cap:,.0f} 吨（当年配额 {base:,.0f} 吨的 {share:.0%}）",
                         "Unit {code}: advances would total {total:,.0f} t, above the cap {cap:,.0f} t ({share:.0%} of its {base:,.0f} t for the year)"),
    "buyback_over_cap": ("{year} 年回购累计 {total:,.0f} 吨，超过上限 {cap:,.0f} 吨（年度配额总量 {annual:,.0f} 吨的 {share:.0%}）",
                         "Buy-backs for {year} would total {total:,.0f} t, above the cap {cap:,.0f} t ({share:.0%} of the annual total {annual:,.0f} t)"),
    "no_annual_total": ("{year} 年尚无配额发放，无法确定年度配额总量", "No allowances issued for {year}: no annual total yet"),
    "double_coverage": ("单位 {code} 满足全国碳市场纳入条件（{sector}、{gas}、年排放 ≥ {threshold} 万吨），已纳入全国市场的同一气体与行业不得再由地方市场分配",
                        "Unit {code} meets the national market's criterion ({sector}, {gas}, ≥ {threshold} 10k t a year): the same gas and sector cannot also be allocated by the local market"),
    "not_locally_covered": ("单位 {code}（{sector_zh}、{gas}）不在本省地方市场 {year} 年的覆盖范围内：请先用 `allowances coverage` 纳入该行业与气体",
                            "Unit {code} ({sector_en}, {gas}) is outside the province's local coverage for {year}: "
                            "add the sector and gas with `allowances coverage` first"),
    "below_local_threshold": ("单位 {code} 年排放 {co2:,.2f} 万吨，低于本省地方市场“{sector_zh}”的纳入门槛 {threshold} 万吨",
                              "Unit {code} emits {co2:,.2f} 10k t a year, below the local market's threshold of {threshold} 10k t for '{sector_en}'"),
    "not_national_sector": ("全国碳市场尚未覆盖“{sector}”行业（{year} 年）", "The national market does not cover sector '{sector}' in {year}"),
    "no_benchmark": ("产品类别“{product}”在 {year} 年没有基准值", "Product '{product}' has no benchmark for {year}"),
    "sector_mismatch": ("单位 {code} 的行业“{sector}”与产品类别“{product}”（{expected}）不符",
                        "Unit {code}: sector '{sector}' does not match product '{product}' ({expected})"),
    "bad_gases": ("气体“{gases}”无效：用 CO2、CH4、N2O 等，以逗号分隔", "Gases '{gases}' are not valid: use CO2, CH4, N2O, … separated by commas"),
    "bad_band": ("价格区间下限 {lo} 不低于上限 {hi}", "The price band's lower edge {lo} is not below its upper edge {hi}"),
    "same_unit": ("调出与调入单位相同：{code}", "Adjustment from and to the same unit: {code}"),
    "over_adjust": ("单位 {code} {year} 年配额 {held:,.0f} 吨，不足以调出 {amount:,.0f} 吨",
                    "Unit {code} holds {held:,.0f} t for {year}, cannot give {amount:,.0f} t"),
    "reserve_short": ("{year} 年价格平抑储备 {balance:,.0f} 吨，不足以释放 {amount:,.0f} 吨",
                      "The price-stabilisation reserve holds {balance:,.0f} t for {year}, cannot release {amount:,.0f} t"),
    "bad_kind": ("未知的操作类型：{kind}", "Unknown operation: {kind}"),
}


class AllowanceError(ValueError):
    """A refusal with a code, its parameters and a message in both languages."""

    def __init__(self, code: str, params: dict | None = None):
        self.code, self.params = code, dict(params or {})
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        zh, en = MESSAGES[self.code]
        try:
            return (zh if lang == "zh" else en).format(**self.params)
        except (KeyError, ValueError):
            return f"{self.code}: {self.params}"

    @property
    def message_zh(self) -> str:
        return self.message("zh")

    @property
    def message_en(self) -> str:
        return self.message("en")


def _mmdd(text) -> tuple[int, int] | None:
    try:
        m, d = (int(x) for x in str(text).split("-"))
        date(2001, m, d)
        return m, d
    except (ValueError, TypeError):
        return None


def deadline(year: int, mmdd: str) -> date:
    """Surrender deadline for the allowances of ``year``: MM-DD of the year after."""
    m, d = _mmdd(mmdd) or (12, 31)
    return date(int(year) + 1, m, d)


def canonical_sector(text) -> str:
    s = str(text or "").strip()
    return _ALIAS.get(s.lower(), s)


def sector_label(key, lang: str = "zh") -> str:
    """A sector's name in ``lang`` (a sector the national coverage knows), else the text as given."""
    return SECTOR_LABELS.get(str(key), {}).get(lang, str(key))


def product_name(product, lang: str = "zh") -> str:
    """A benchmark product's name in ``lang`` (``data/allowance_benchmarks.csv``), else the code as given."""
    names = load_benchmarks().drop_duplicates("product", keep="last").set_index("product")[f"name_{lang}"]
    return str(names.get(product, product)) if isinstance(product, str) else "—"


def gas_set(text) -> set[str]:
    return {g.strip().upper() for g in str(text or "").replace("，", ",").replace(";", ",").split(",") if g.strip()}


@lru_cache(maxsize=4)
def _read(path: str) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"product": str, "sector": str, "load_rule": str}, keep_default_na=True)


def load_benchmarks(path: str | Path | None = None) -> pd.DataFrame:
    return _read(str(path or BENCHMARKS_CSV)).copy()


def benchmark_for(products: pd.Series, year: int, table: pd.DataFrame) -> pd.DataFrame:
    """The benchmark row in force in ``year`` for each product (latest vintage not after it), index aligned."""
    t = table[table["vintage"] <= int(year)].sort_values("vintage").drop_duplicates("product", keep="last")
    return t.set_index("product").reindex(products.astype(str).to_numpy()).set_axis(products.index)


def load_factor(load_rate) -> np.ndarray:
    """F_load of the 2019–2020 plan from the load (output) rate F (0–1): 1 at F ≥ 85%; 1 + 0.0014 × (85 − 100F)
    at 80–85%; 1.007 + 0.0016 × (80 − 100F) at 75–80%; 1.015^(16 − 20F) below 75%. Missing → 1."""
    f = np.asarray(load_rate, dtype=float)
    pct = 100 * f
    out = np.where(pct >= 85, 1.0,
                   np.where(pct >= 80, 1 + 0.0014 * (85 - pct),
                            np.where(pct >= 75, 1.007 + 0.0016 * (80 - pct), np.power(1.015, 16 - 20 * f))))
    return np.where(np.isfinite(f), out, 1.0)


def allocate(units: pd.DataFrame, year: int, table: pd.DataFrame, control_factor: float) -> pd.DataFrame:
    """Allocation A (t) of each unit in ``year`` on the figures given.

    ``units``: code, product, cooling, output, heat_output, load_rate, heat_ratio, co2 (t, the year's verified
    emissions, for ``verified_emissions``), base_intensity (t per unit of output, for ``intensity``).
    Returns code, method, benchmark, output, amount, problem (None, or a MESSAGES code).
    """
    u = units.reset_index(drop=True)
    b = benchmark_for(u["product"], year, table)
    method = b["method"].to_numpy(dtype=object)
    num = lambda c, fill: pd.to_numeric(u[c], errors="coerce").fillna(fill).to_numpy(dtype=float) if c in u else np.full(len(u), fill)
    out, heat = num("output", np.nan), num("heat_output", 0.0)
    ratio, load = num("heat_ratio", 0.0), num("load_rate", np.nan)
    air = (u["cooling"].astype(str).str.lower() == "air").to_numpy() if "cooling" in u else np.zeros(len(u), bool)
    bs, bh = b["supply_benchmark"].to_numpy(dtype=float), b["heat_benchmark"].fillna(0).to_numpy(dtype=float)
    f_cool = np.where(air, b["cooling_air_factor"].fillna(1).to_numpy(dtype=float), 1.0)
    f_heat = 1 - b["heat_ratio_coeff"].fillna(0).to_numpy(dtype=float) * ratio
    rule = b["load_rule"].fillna("").to_numpy(dtype=object)
    use_load = (rule == "all") | ((rule == "condensing") & (ratio <= 0))
    f_load = np.where(use_load, load_factor(load), 1.0)
    bench_amount = bs * out * f_cool * f_heat * f_load + bh * heat
    base = num("base_intensity", np.nan) * control_factor
    amount = np.where(method == "benchmark", bench_amount,
                      np.where(method == "verified_emissions", num("co2", np.nan),
                               np.where(method == "intensity", out * base, np.nan)))
    bench = np.where(method == "benchmark", bs, np.where(method == "intensity", base, np.nan))
    good = np.isfinite(amount) & (amount >= 0)
    problem = [None if ok else ("no_benchmark" if pd.isna(m) else "no_output") for ok, m in zip(good, method)]
    return pd.DataFrame({"code": u["code"].to_numpy(), "method": method, "benchmark": bench, "output": out,
                         "amount": np.where(good, amount, np.nan), "problem": pd.Series(problem, dtype=object)})


def preallocation(units_last_year: pd.DataFrame, year: int, table: pd.DataFrame, share: float, control_factor: float) -> pd.DataFrame:
    """Pre-allocation of ``year`` from last year's figures: share × A(last year's output) with the benchmark of
    ``year``; 0 for ``verified_emissions`` (nothing pre-allocated). Same columns as :func:`allocate`."""
    a = allocate(units_last_year, year, table, control_factor)
    ve = a["method"] == "verified_emissions"
    a.loc[ve, ["amount", "problem"]] = [0.0, None]
    a["amount"] = a["amount"] * np.where(ve, 1.0, share)
    return a


def trueup(units_verified: pd.DataFrame, year: int, table: pd.DataFrame, issued_before: pd.Series,
           control_factor: float) -> pd.DataFrame:
    """True-up on the verified output: A (trued_up) and the difference from ``issued_before`` (code-indexed
    pre-allocation + earlier true-ups), to issue (> 0) or take back (< 0)."""
    a = allocate(units_verified, year, table, control_factor)
    a["issued_before"] = a["code"].map(issued_before).fillna(0.0).astype(float)
    a["difference"] = a["amount"] - a["issued_before"]
    return a


def coverage_conflicts(units: pd.DataFrame, year: int, coverage: pd.DataFrame = NATIONAL_COVERAGE) -> pd.DataFrame:
    """Units of the local market that meet the national criterion for the same gas and sector (refused: the
    national market's units are not also allocated by a local one). ``units``: code, sector, market, gases,
    co2 (万吨, the mean or latest annual emissions). Returns code, code_key, params (for MESSAGES)."""
    rows = []
    cov = coverage[coverage["from_year"] <= int(year)]
    by_sector = {r.sector: (gas_set(r.gases), r.threshold) for r in cov.itertuples()}
    for u in units[units["market"] == "local"].itertuples():
        sector = canonical_sector(u.sector)
        if sector not in by_sector:
            continue
        gases, threshold = by_sector[sector]
        shared = sorted(gas_set(getattr(u, "gases", "") or "CO2") & gases)
        co2 = float(u.co2) if pd.notna(u.co2) else 0.0
        if shared and co2 >= threshold:
            rows.append({"code": u.code, "reason": "double_coverage",
                         "params": {"code": u.code, "sector": sector, "gas": ",".join(shared), "threshold": threshold}})
    return pd.DataFrame(rows, columns=["code", "reason", "params"])


def outside_local_coverage(units: pd.DataFrame, year: int, local: pd.DataFrame) -> pd.DataFrame:
    """Units of the local market that the province's own coverage (``local``: sector, gases, threshold, from_year)
    does not take in for ``year``: their sector is not covered (yet), none of their gases is, or they emit less
    than the sector's local threshold (万吨, when one is set). A province that has set no local coverage is not
    checked. ``units`` as for ``coverage_conflicts``. Returns code, reason, params."""
    rows = []
    if local is None or local.empty:
        return pd.DataFrame(rows, columns=["code", "reason", "params"])
    cov = local[pd.to_numeric(local["from_year"], errors="coerce") <= int(year)]
    by_sector = {canonical_sector(r.sector): (gas_set(r.gases), r.threshold) for r in cov.itertuples()}
    for u in units[units["market"] == "local"].itertuples():
        sector = canonical_sector(u.sector)
        gases = gas_set(getattr(u, "gases", "") or "CO2")
        params = {"code": u.code, "sector_zh": sector_label(sector, "zh"), "sector_en": sector_label(sector, "en"),
                  "gas": ",".join(sorted(gases)), "year": int(year)}
        if sector not in by_sector or not (gases & by_sector[sector][0]):
            rows.append({"code": u.code, "reason": "not_locally_covered", "params": params})
            continue
        threshold = by_sector[sector][1]
        co2 = float(u.co2) if pd.notna(u.co2) else None
        if threshold is not None and pd.notna(threshold) and co2 is not None and co2 < float(threshold):
            rows.append({"code": u.code, "reason": "below_local_threshold",
                         "params": {**params, "co2": co2, "threshold": float(threshold)}})
    return pd.DataFrame(rows, columns=["code", "reason", "params"])


def compliance(frame: pd.DataFrame, year: int, deadline_mmdd: str, on: date) -> pd.DataFrame:
    """Status per unit: ``frame`` code, verified (t, NaN when not yet verified), held (issued + advanced in −
    advanced out, t), surrendered (t). Adds balance, shortfall, deadline and status:
    not_due (no verified emissions yet), complied (surrendered ≥ verified), short (before the deadline), overdue."""
    f = frame.copy()
    due = deadline(year, deadline_mmdd)
    v, s = f["verified"].astype(float), f["surrendered"].astype(float)
    f["balance"] = (f["held"].astype(float) - s).round(3)
    f["shortfall"] = np.where(v.notna(), np.maximum(v - s, 0.0).round(3), np.nan)
    done = v.notna() & (s >= v - 1e-6)
    f["status"] = np.where(v.isna(), "not_due", np.where(done, "complied", np.where(on > due, "overdue", "short")))
    f["deadline"] = due.isoformat()
    return f


def check_amount(amount) -> float:
    try:
        a = float(amount)
    except (TypeError, ValueError):
        raise AllowanceError("bad_amount", {"amount": amount}) from None
    if not math.isfinite(a) or a <= 0 or a > 1e11:
        raise AllowanceError("bad_amount", {"amount": amount})
    return a


def check_advance(code: str, year: int, amount: float, already: float, base: float, cap_share: float) -> float:
    """The cap of a unit's advance into ``year``: cumulative advances ≤ cap_share × its issued allowance."""
    amount = check_amount(amount)
    if not base > 0:
        raise AllowanceError("no_allowance", {"code": code, "year": year})
    cap = cap_share * base
    if already + amount > cap + 1e-6:
        raise AllowanceError("advance_over_cap", {"code": code, "total": already + amount, "cap": cap, "base": base,
                                                  "share": cap_share})
    return cap


def grades(frame: pd.DataFrame) -> pd.DataFrame:
    """Carbon-efficiency grade per unit: ``frame`` code, sector, co2 (t), output (MWh-equivalent or t).
    Adds intensity, sector_mean (Σ co2 / Σ output of the sector), k = intensity ÷ sector_mean, grade 1–5."""
    f = frame.copy()
    ok = (f["output"].astype(float) > 0) & f["co2"].notna()
    f["intensity"] = np.where(ok, f["co2"].astype(float) / f["output"].where(ok, 1.0).astype(float), np.nan)
    sums = f[ok].groupby("sector")[["co2", "output"]].sum()
    f["sector_mean"] = f["sector"].map(sums["co2"] / sums["output"])
    f["k"] = f["intensity"] / f["sector_mean"]
    f["grade"] = pd.array(np.where(f["k"].notna(), np.searchsorted(GRADE_EDGES, f["k"].fillna(0), side="left") + 1, 0),
                          dtype="Int64")
    f.loc[f["k"].isna(), "grade"] = pd.NA
    return f


def sector_spread(graded: pd.DataFrame) -> pd.DataFrame:
    """Per sector: units, mean (weighted), min, 25%, median, 75%, max intensity, and units per grade."""
    g = graded.dropna(subset=["intensity"])
    if g.empty:
        return pd.DataFrame(columns=["sector", "units", "mean", "min", "p25", "median", "p75", "max"])
    q = g.groupby("sector")["intensity"].describe(percentiles=[0.25, 0.5, 0.75])
    out = pd.DataFrame({"units": q["count"].astype(int), "mean": g.groupby("sector")["sector_mean"].first(), "min": q["min"],
                        "p25": q["25%"], "median": q["50%"], "p75": q["75%"], "max": q["max"]})
    counts = g.pivot_table(index="sector", columns="grade", values="code", aggfunc="count").reindex(columns=range(1, 6)).fillna(0)
    for k in range(1, 6):
        out[f"grade_{k}"] = counts[k].astype(int)
    return out.reset_index()


def reconcile(allowances: pd.DataFrame, budgets: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """Σ unit allowances per city (t → 万吨) against the key-emitter share of the city's budget.

    ``allowances``: region, amount (t). ``budgets``: region, budget (万吨, the year's). ``history``: region,
    units_co2, city_co2 (万吨, mean annual emissions of the covered units and of the city over the same years).
    Share = units_co2 / city_co2 (≤ 1), the history method of the horizontal split. Returns region, allowances,
    budget, share, key_emitter_budget, gap (= allowances − key_emitter_budget, 万吨).
    """
    a = allowances.groupby("region")["amount"].sum() / T_PER_WAN_T
    f = pd.DataFrame({"allowances": a}).join(budgets.set_index("region")["budget"], how="outer").join(
        history.set_index("region")[["units_co2", "city_co2"]], how="left")
    f["share"] = np.clip(f["units_co2"] / f["city_co2"], 0, 1)
    f["key_emitter_budget"] = f["budget"] * f["share"]
    f["gap"] = f["allowances"] - f["key_emitter_budget"]
    f = f[f["allowances"].notna()]
    return f.reset_index().rename(columns={"index": "region"})[["region", "allowances", "budget", "share",
                                                                "key_emitter_budget", "gap"]]
