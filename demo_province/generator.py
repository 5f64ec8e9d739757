"""Synthetic demo province 示范省 (code ``SF``): regions, monthly drivers, fuels, quarterly GDP, truth.

Pure numpy/pandas. Every city is simulated as arrays of shape (cities, months): electricity by sector
with heating/cooling seasonality and a Spring Festival dip, generation (thermal fills what hydro,
wind, solar and nuclear leave of the city's local generation), industrial output, and the fuels that
output, power and heat need, with efficiency gains and coal-to-gas switching. From 2024 each city
follows a trajectory (CO2 falling, flat or rising; one new steel complex) solved so that the
as-of year's year-on-year change of the noise-free accounted CO2 hits the profile's target.

``observations`` carry multiplicative measurement noise; fuels stop ``co2_lag_months`` before
``as_of`` (the statistics lag). ``truth`` is ``warehouse.accounting.account_co2`` of the noise-free
fuels and net imports for every month. Province totals are not emitted: they are sums of cities.
"""
from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from warehouse import accounting
from demo_province import profiles as dp

PROVINCE = ("SF", "示范省", "Demo Province")
ELEC = ["elec_primary", "elec_secondary", "elec_tertiary", "elec_residential"]
GEN = ["gen_thermal", "gen_hydro", "gen_wind", "gen_solar", "gen_nuclear"]
OUT = ["out_crude_steel", "out_pig_iron", "out_steel_products", "out_cement", "out_flat_glass",
       "out_nonferrous", "out_ethylene"]
FUEL = ["fuel_raw_coal", "fuel_coke", "fuel_gasoline", "fuel_diesel", "fuel_kerosene", "fuel_fuel_oil",
        "fuel_lpg", "fuel_natural_gas"]
MONTHLY = ELEC + ["elec_total", "elec_net_import"] + GEN + OUT + FUEL
NOISE_SD = {"elec": 0.008, "gen": 0.01, "out": 0.02, "fuel": 0.025, "gdp": 0.005}
COAL_PER_KWH = 0.00042      # 万吨 raw coal per 万kWh of coal-fired power (≈300 gce/kWh), 2015
GAS_PER_KWH = 0.2           # 万m³ gas per 万kWh of gas-fired power
GAS_PER_COAL = 456.0        # 万m³ gas replacing 1 万吨 raw coal of useful heat
ELEC_INTENSITY = {"out_crude_steel": 450.0, "out_cement": 90.0, "out_flat_glass": 8.0,   # 万kWh per unit
                  "out_nonferrous": 13500.0, "out_ethylene": 800.0}
BREAK_YEAR = 2024           # trajectories diverge from January of this year


@dataclass
class DemoData:
    regions: pd.DataFrame        # code, name_zh, name_en, parent, level
    observations: pd.DataFrame   # region, period, indicator, value (canonical units)
    truth: pd.DataFrame          # region, period, indicator='co2_total', value (noise-free, 万吨)
    settings: dict = field(default_factory=dict)


def default_as_of(today: datetime.date | None = None) -> str:
    """Last complete month as 'YYYY-MM' (2026-11-22 -> '2026-10')."""
    today = today or datetime.date.today()
    y, m = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{y:04d}-{m:02d}"


def _month_index(period: str) -> int:
    y, m = period.split("-")
    if len(y) != 4 or not (1 <= int(m) <= 12) or len(m) != 2:
        raise ValueError(f"expected 'YYYY-MM', got {period!r}")
    return int(y) * 12 + int(m) - 1


class _Axis:
    """Months start..as_of with calendar features as (1, T) arrays."""

    def __init__(self, start: str, as_of: str):
        i0, i1 = _month_index(start), _month_index(as_of)
        if i1 < i0:
            raise ValueError(f"as_of {as_of} is before start {start}")
        self.idx = np.arange(i0, i1 + 1)
        self.year, self.mon = self.idx // 12, self.idx % 12            # mon: 0 = January
        self.T = len(self.idx)
        self.periods = np.array([f"{y}-{m + 1:02d}" for y, m in zip(self.year, self.mon)], dtype=object)
        self.yrs = ((self.idx - 2015 * 12) / 12.0)[None, :]               # years since 2015-01
        days = np.array([calendar.monthrange(y, m + 1)[1] for y, m in zip(self.year, self.mon)])
        self.days = (days / 30.44)[None, :]
        self.sf = self._spring_festival(days)[None, :]
        covid = np.array([dp.COVID.get(p, (1.0, 1.0, 1.0)) for p in self.periods])
        self.cov_ind, self.cov_ter, self.cov_trv = (covid[:, k][None, :] for k in range(3))

    def _spring_festival(self, days: np.ndarray) -> np.ndarray:
        """Share of each month inside the holiday window (7 days before to 14 days after New Year)."""
        out = np.zeros(self.T)
        for t, (y, m) in enumerate(zip(self.year, self.mon)):
            if m > 2:
                continue
            md = dp.SPRING_FESTIVAL.get(int(y), "02-05")
            cny = datetime.date(int(y), int(md[:2]), int(md[3:]))
            lo, hi = cny - datetime.timedelta(days=7), cny + datetime.timedelta(days=14)
            m0 = datetime.date(int(y), m + 1, 1)
            m1 = m0 + datetime.timedelta(days=int(days[t]))
            out[t] = max(0, (min(hi, m1) - max(lo, m0)).days) / days[t]
        return out

    def season(self, arr: np.ndarray) -> np.ndarray:
        return (arr / arr.mean())[self.mon][None, :]


def _ar1(rng: np.random.Generator, shape: tuple[int, int], rho: float, sd: float) -> np.ndarray:
    eps = rng.normal(0.0, sd, shape)
    out = np.empty(shape)
    out[:, 0] = eps[:, 0] / np.sqrt(1 - rho**2)
    for t in range(1, shape[1]):
        out[:, t] = rho * out[:, t - 1] + eps[:, t]
    return np.exp(out)


def _environment(rng: np.random.Generator, ax: _Axis, n: int) -> dict:
    """Weather, hydrology, business-cycle and intensity wobbles: real variation, part of the truth."""
    years = np.arange(ax.year.min(), ax.year.max() + 1)
    summer = rng.normal(0.0, 0.12, len(years))
    winter = rng.normal(0.0, 0.10, len(years))
    hydro_year = rng.lognormal(0.0, 0.07, len(years))
    summer[years == 2022] = 0.35                      # 2022 heatwave
    hydro_year[years == 2022] = 1.0
    yi = ax.year - years[0]
    return dict(
        heat=(dp.HEAT[ax.mon] * (1 + winter[yi]))[None, :],
        cool=(dp.COOL[ax.mon] * (1 + summer[yi]))[None, :],
        hydro_year=hydro_year[yi][None, :],
        shock=_ar1(rng, (n, ax.T), 0.85, 0.012),
        wobble=_ar1(rng, (n, ax.T), 0.8, 0.008),
        outage=np.where(rng.random((n, ax.T)) < 0.06, 0.55, 1.0),
    )


def _simulate(P: pd.DataFrame, ax: _Axis, env: dict, a: np.ndarray, plant: bool = True) -> dict:
    """Noise-free monthly arrays (cities × months) in canonical units, keyed by indicator code."""
    c = {k: P[k].to_numpy(float)[:, None] for k in dp.DEFAULTS}
    yrs, days, sf, mon = ax.yrs, ax.days, ax.sf, ax.mon
    A = np.exp(a[:, None] * np.clip(yrs - (BREAK_YEAR - 2015), 0, None))
    heat, cool = env["heat"], env["cool"]
    hmean, cmean = dp.HEAT.mean(), dp.COOL.mean()
    trs = 1 + c["tourism"] * dp.TOURISM[mon][None, :]
    trs = trs / (1 + c["tourism"] * dp.TOURISM.mean())
    ind = env["shock"] * ax.cov_ind * A                                  # industrial activity
    mwk = 1e4 / 12 * days                                                # 亿kWh/yr -> 万kWh/month
    m12 = days / 12                                                      # per year -> per month

    # industrial output
    outs = {}
    base = ind * np.exp(c["g_ind"] * yrs) * m12
    outs["out_crude_steel"] = c["steel"] * base * (1 - 0.05 * sf)
    outs["out_cement"] = c["cement"] * base * ax.season(dp.CONSTRUCTION) * (1 - 0.5 * sf)
    outs["out_flat_glass"] = c["glass"] * base
    outs["out_nonferrous"] = c["nonferrous"] * base
    outs["out_ethylene"] = c["ethylene"] * base
    plant_crude = 0.0
    if plant:
        ramp = np.clip((ax.idx[None, :] - 2015 * 12 - c["plant_start"] + 1) / 6.0, 0, 1)
        plant_crude = c["plant_steel"] * ramp * m12 * env["shock"]
        outs["out_crude_steel"] = outs["out_crude_steel"] + plant_crude
    pig_ratio = np.clip(0.92 - 0.006 * yrs, 0.8, 0.95)
    outs["out_pig_iron"] = outs["out_crude_steel"] * pig_ratio
    outs["out_steel_products"] = outs["out_crude_steel"] * 1.08
    ind_elec = sum(v * outs[k] for k, v in ELEC_INTENSITY.items()) * np.exp(-0.005 * yrs)

    # electricity use by sector
    e = {}
    e["elec_primary"] = (c["e_pri"] * mwk * np.exp(c["g_pri"] * yrs) * (1 + 0.6 * (dp.FARM[mon] - 1))
                         * (1 + 0.1 * cool) * (1 - 0.1 * sf) * A)
    sec_gen = (c["e_sec"] * mwk * np.exp(c["g_sec"] * yrs) * (1 + 0.06 * cool) * (1 - c["sf_sec"] * sf)
               * ind)
    e["elec_secondary"] = sec_gen + ind_elec
    e["elec_tertiary"] = (c["e_ter"] * mwk * np.exp(c["g_ter"] * yrs) * (1 + 0.5 * c["cool"] * cool + 0.15 * heat)
                          / (1 + 0.5 * c["cool"] * cmean + 0.15 * hmean) * trs * (1 - 0.15 * sf)
                          * ax.cov_ter * ax.cov_trv ** c["tourism"] * A)
    e["elec_residential"] = (c["e_res"] * mwk * np.exp(c["g_res"] * yrs) * (1 + c["heat"] * heat + c["cool"] * cool)
                             / (1 + c["heat"] * hmean + c["cool"] * cmean) * (1 + 0.08 * sf) * A)
    e_total = sum(e.values())

    # generation: local generation = ss × consumption (before the new plant); thermal fills the rest
    drought = np.where((ax.year == 2022)[None, :] & (c["drought"] > 0), dp.DROUGHT_2022[mon][None, :], 1.0)
    g = {}
    g["gen_hydro"] = c["hydro"] * mwk * ax.season(dp.HYDRO) * env["hydro_year"] * drought
    g["gen_wind"] = c["wind"] * mwk * ax.season(dp.WIND) * np.exp(c["g_wind"] * yrs)
    g["gen_solar"] = c["solar"] * mwk * ax.season(dp.SOLAR) * np.exp(c["g_solar"] * yrs)
    g["gen_nuclear"] = c["nuclear"] * mwk * env["outage"]
    plant_elec = ELEC_INTENSITY["out_crude_steel"] * plant_crude * np.exp(-0.005 * yrs)   # imported from the grid
    local = c["ss"] * np.exp(c["ss_trend"] * yrs) * (e_total - plant_elec)
    non_thermal = g["gen_hydro"] + g["gen_wind"] + g["gen_solar"] + g["gen_nuclear"]
    g["gen_thermal"] = np.maximum(local - non_thermal, c["floor"] * local)

    # fuels
    W = env["wobble"]
    I = np.exp(-c["eff"] * yrs) * W
    I_steel = np.exp(-0.6 * c["eff"] * yrs) * W
    gp = np.clip(c["gas_power"] + c["gas_power_trend"] * yrs, 0, 0.95)
    pw = g["gen_thermal"] * np.exp(-c["eff_power"] * yrs) * W
    d_ind = c["ind_energy"] / (c["e_sec"] * 1e4) * sec_gen * I * np.exp(-0.015 * yrs)
    gs = np.clip(c["gas_share"] + c["switch"] * yrs, 0, 0.8)
    d_heat = c["heat_energy"] * m12 * heat / hmean * np.exp(0.03 * yrs) * I * A
    hgs = np.clip(c["heat_gas"] + c["heat_switch"] * np.clip(yrs - 2, 0, None), 0, 0.9)
    glass_gas = np.clip(c["glass_gas"] + 0.03 * yrs, 0, 1)
    vehicles = np.exp(c["g_gasoline"] * np.minimum(yrs, 6) - c["ev"] * np.clip(yrs - 6, 0, None))
    tmult = m12 * W * A
    f = {}
    f["fuel_raw_coal"] = (pw * (1 - gp) * COAL_PER_KWH * (1 + 0.05 * heat) + d_ind * (1 - gs) + d_heat * (1 - hgs)
                          + 0.25 * outs["out_crude_steel"] * I_steel + 0.105 * outs["out_cement"] * I
                          + 0.3 * outs["out_nonferrous"] * I
                          + c["chem_coal"] * m12 * np.exp(c["g_ind"] * yrs) * ind * np.sqrt(I))
    f["fuel_coke"] = 0.36 * outs["out_pig_iron"] * I_steel
    f["fuel_gasoline"] = (c["gasoline"] * tmult * vehicles * (1 + 0.7 * (trs - 1)) * (1 + 0.03 * sf)
                          * ax.cov_trv ** (0.3 + c["tourism"]))
    f["fuel_diesel"] = (c["diesel"] * tmult * np.exp(0.01 * yrs) * np.sqrt(I / W)
                        * (0.6 + 0.4 * env["shock"] * ax.cov_ind * (1 - 0.3 * sf))
                        * (1 + c["farm"] * (dp.FARM[mon] - 1)))
    f["fuel_kerosene"] = (c["kerosene"] * tmult * np.exp(c["g_kerosene"] * yrs) * trs * (1 + 0.05 * sf)
                          * ax.cov_trv)
    f["fuel_fuel_oil"] = (c["fuel_oil"] * tmult * np.exp(-0.03 * yrs) * env["shock"] * ax.cov_ind
                          + 0.0056 * outs["out_flat_glass"] * (1 - glass_gas) * I + 0.02 * outs["out_ethylene"] * I)
    f["fuel_lpg"] = (c["lpg"] * tmult * np.exp(0.02 * yrs) * (1 + 0.3 * heat) / (1 + 0.3 * hmean)
                     * (1 + 0.3 * (trs - 1)))
    f["fuel_natural_gas"] = (pw * gp * GAS_PER_KWH + (d_ind * gs + d_heat * hgs) * GAS_PER_COAL
                             + 6.0 * outs["out_flat_glass"] * glass_gas * I + 600.0 * outs["out_ethylene"] * I
                             + c["res_gas"] * tmult * np.exp(0.07 * yrs) * (1 + 1.5 * heat) / (1 + 1.5 * hmean))

    res = {**e, "elec_total": e_total, **g, **outs, **f}
    res["elec_net_import"] = e_total - sum(g.values())
    res["gdp_monthly"] = (c["gdp"] * m12 / days * np.exp(_gdp_growth(c["g_gdp"], yrs)) * ax.cov_ind
                          * A ** 0.4 + 0.12 * plant_crude)
    return res


def _gdp_growth(g: np.ndarray, yrs: np.ndarray) -> np.ndarray:
    """Cumulative log growth: g to 2019, +2% in 2020, 85% of g afterwards."""
    return g * np.minimum(yrs, 5) + 0.02 * np.clip(yrs - 5, 0, 1) + 0.85 * g * np.clip(yrs - 6, 0, None)


def _co2(sim: dict, ax: _Axis) -> np.ndarray:
    """Accounted CO2 (万吨) of noise-free arrays, with the same factors as warehouse.accounting."""
    ft = accounting.factor_table()
    total = np.zeros_like(sim["fuel_raw_coal"])
    for ind in FUEL + [accounting.GRID_INDICATOR]:
        by_year = ft[ft["indicator"] == ind].set_index("year")["co2_per_unit"]
        total = total + sim[ind] * by_year.reindex(ax.year).to_numpy(float)[None, :]
    return total


def _windows(ax: _Axis) -> tuple[np.ndarray, np.ndarray] | None:
    """Months of the as-of year to date (or trailing 12 months early in the year) and a year before."""
    n = ax.mon[-1] + 1 if ax.mon[-1] >= 5 else 12
    cur = np.arange(ax.T - n, ax.T)
    return None if cur[0] - 12 < 0 else (cur, cur - 12)


def _calibrate(P: pd.DataFrame, ax: _Axis, env: dict) -> np.ndarray:
    """Per-city 2024+ activity growth so the as-of year's CO2 year-on-year change hits the target."""
    goal = np.log1p(P["target"].to_numpy(float))
    wins = _windows(ax)
    if wins is None:
        return np.clip(goal + P["eff"].to_numpy(float), -0.3, 0.3)

    def log_yoy(a: np.ndarray) -> np.ndarray:
        co2 = _co2(_simulate(P, ax, env, a, plant=False), ax)
        return np.log(co2[:, wins[0]].sum(1) / co2[:, wins[1]].sum(1))

    a0, a1 = goal, goal + 0.03
    r0, r1 = log_yoy(a0), log_yoy(a1)
    for _ in range(4):
        slope = np.clip((r1 - r0) / np.where(a1 == a0, 1.0, a1 - a0), 0.3, 3.0)
        a0, r0 = a1, r1
        a1 = a1 + (goal - r1) / slope
        r1 = log_yoy(a1)
        if np.max(np.abs(r1 - goal)) < 1e-4:
            break
    return np.clip(a1, -0.3, 0.3)


def _long(codes: np.ndarray, periods: np.ndarray, names: list[str], arrays: list[np.ndarray],
          keep: np.ndarray) -> pd.DataFrame:
    """Long frame from (C, T) arrays; ``keep`` is a (C, K, T) mask. Rows ordered region, indicator, period."""
    V = np.stack(arrays, axis=1)
    shape = V.shape
    ci = np.broadcast_to(np.arange(shape[0])[:, None, None], shape)[keep]
    return pd.DataFrame({
        "region": codes[ci],
        "period": np.broadcast_to(periods[None, None, :], shape)[keep],
        "indicator": np.broadcast_to(np.asarray(names, dtype=object)[None, :, None], shape)[keep],
        "value": V[keep].astype(float),
        "_city": ci,
    })


def _noisy(sim: dict, rng: np.random.Generator) -> dict:
    obs = {}
    for group, names in (("elec", ELEC), ("gen", GEN), ("out", OUT), ("fuel", FUEL)):
        for k in names:
            obs[k] = sim[k] * rng.lognormal(0.0, NOISE_SD[group], sim[k].shape)
    obs["elec_total"] = sum(obs[k] for k in ELEC)
    obs["elec_net_import"] = obs["elec_total"] - sum(obs[k] for k in GEN)
    return obs


def _quarterly_gdp(monthly: np.ndarray, ax: _Axis, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Sum complete quarters inside the axis; (C, Q) values and 'YYYY-Qn' labels."""
    first = np.flatnonzero(ax.mon % 3 == 0)
    first = first[first + 2 < ax.T]
    share = np.array([0.225, 0.245, 0.25, 0.28])[ax.mon[first] // 3] * 4
    q = (monthly[:, first] + monthly[:, first + 1] + monthly[:, first + 2]) * share[None, :]
    labels = np.array([f"{ax.year[i]}-Q{ax.mon[i] // 3 + 1}" for i in first], dtype=object)
    return q * rng.lognormal(0.0, NOISE_SD["gdp"], q.shape), labels


def _population(P: pd.DataFrame, ax: _Axis) -> pd.DataFrame:
    """Resident population (万人) per complete year: base GDP / a per-capita GDP of 6–10 万元 that varies
    by city, growing 0.3% a year. Deterministic and drawn from no random stream, so adding it changes
    nothing else in the demo."""
    years = sorted({int(y) for y in ax.year if (ax.year == y).sum() == 12})
    per_capita = 6.0 + 4.0 * ((np.arange(len(P)) * 7) % 12) / 11.0
    base = P["gdp"].to_numpy(dtype=float) / per_capita
    rows = [(c, str(y), "population", float(round(b * 1.003 ** (y - years[0]), 2)), i)
            for i, (c, b) in enumerate(zip(P["code"], base)) for y in years]
    return pd.DataFrame(rows, columns=["region", "period", "indicator", "value", "_city"])


def _value_added(codes: np.ndarray, gdp: np.ndarray, qlabels: np.ndarray) -> pd.DataFrame:
    """Quarterly value added of the three sectors (亿元): GDP x shares that differ by city and drift a little
    each year (the secondary share -0.6 point a year, the primary -0.2, the tertiary takes the rest), for
    the structure effect of the annual accounts. Deterministic and drawn from no random stream, so adding
    it changes nothing else in the demo."""
    years = np.array([int(str(q)[:4]) for q in qlabels])
    rows = []
    for i, c in enumerate(codes):
        s1 = 0.04 + 0.06 * ((i * 3) % 5) / 4
        s2 = 0.35 + 0.15 * ((i * 5) % 7) / 6
        d = years - 2015
        p1, p2 = np.maximum(s1 - 0.002 * d, 0.01), np.maximum(s2 - 0.006 * d, 0.15)
        for code, sh in (("va_primary", p1), ("va_secondary", p2), ("va_tertiary", 1 - p1 - p2)):
            rows.append(pd.DataFrame({"region": c, "period": qlabels, "indicator": code,
                                      "value": np.round(gdp[i] * sh, 4), "_city": i}))
    return pd.concat(rows, ignore_index=True)


def generate_demo(n_cities: int = 12, start: str = "2015-01", as_of: str | None = None,
                  seed: int = 20260101, co2_lag_months: int = 6) -> DemoData:
    """Generate the demo province: deterministic for the same arguments."""
    if n_cities < 1:
        raise ValueError("n_cities must be >= 1")
    if co2_lag_months < 0:
        raise ValueError("co2_lag_months must be >= 0")
    as_of = as_of or default_as_of()
    ax = _Axis(start, as_of)
    rng = np.random.default_rng(seed)
    P = dp.profile_table(n_cities, rng)
    env = _environment(rng, ax, n_cities)
    sim = _simulate(P, ax, env, _calibrate(P, ax, env), plant=True)
    obs = _noisy(sim, rng)
    gdp, qlabels = _quarterly_gdp(sim["gdp_monthly"], ax, rng)

    codes = P["code"].to_numpy(dtype=object)
    present = np.stack([(sim[k] > 0).any(axis=1) | (k == "elec_net_import") for k in MONTHLY], axis=1)
    tmask = np.ones((len(MONTHLY), ax.T), dtype=bool)
    tmask[[MONTHLY.index(k) for k in FUEL], max(ax.T - co2_lag_months, 0):] = False
    frames = [_long(codes, ax.periods, MONTHLY, [obs[k] for k in MONTHLY], present[:, :, None] & tmask[None]),
              _long(codes, qlabels, ["gdp"], [gdp], np.ones((n_cities, 1, len(qlabels)), dtype=bool)),
              _population(P, ax), _value_added(codes, gdp, qlabels)]
    observations = pd.concat(frames, ignore_index=True)
    order = np.argsort(observations["_city"].to_numpy(), kind="stable")
    observations = observations.iloc[order].drop(columns="_city").reset_index(drop=True)

    co2_inputs = FUEL + [accounting.GRID_INDICATOR]
    keep = np.stack([present[:, MONTHLY.index(k)] for k in co2_inputs], axis=1)[:, :, None]
    clean = _long(codes, ax.periods, co2_inputs, [sim[k] for k in co2_inputs],
                  np.broadcast_to(keep, (n_cities, len(co2_inputs), ax.T)))
    truth = accounting.account_co2(clean.drop(columns="_city"))

    regions = pd.DataFrame({
        "code": [PROVINCE[0], *P["code"]], "name_zh": [PROVINCE[1], *P["name_zh"]],
        "name_en": [PROVINCE[2], *P["name_en"]], "parent": ["", *[PROVINCE[0]] * n_cities],
        "level": ["province", *["city"] * n_cities],
    })
    settings = dict(n_cities=n_cities, start=start, as_of=as_of, seed=seed, co2_lag_months=co2_lag_months)
    return DemoData(regions=regions, observations=observations, truth=truth, settings=settings)


def city_profiles(n_cities: int = 12, seed: int = 20260101) -> pd.DataFrame:
    """code, name_zh, name_en, kind (profile), traj (trajectory class), target: for docs and tests."""
    P = dp.profile_table(n_cities, np.random.default_rng(seed))
    return P[["code", "name_zh", "name_en", "kind", "traj", "target"]].copy()
