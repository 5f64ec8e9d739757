"""The demo province's allowance year: a power sector in the national market, local-market units (chemicals by
historical intensity), local additions (small gas distributed-energy stations below the national threshold), a unit
on the list outside both markets; the year before the as-of year pre-allocated from the output of the year before
it, trued up on verified output, surrendered (two units short), one advance, one buy-back, a year of prices with
a dip below the band in spring and an excursion above it at the end (the rule proposes a reserve release).

The units' emissions are drawn as their allocation × a performance factor, so that who is long and who is short
is known by construction (three units short before the advance; the advance covers one of them).
"""
from __future__ import annotations

import os
from datetime import date, timedelta

import numpy as np
import pandas as pd

from budget import allowances as al
from monitor import allowance_market, allowances
from warehouse import allowances as astore
from warehouse import db, key_emitters, store

USER = "system"
# code, city, zh, en, product, market, cooling, capacity MW, hours, heat GJ a year, performance (emissions ÷ allocation)
POWER = [
    ("PW0301", "SF03", "煤泉电厂1号机组", "Meiquan Power unit 1", "coal_above_300", "water", 1000, 4800, 0, 0.97),
    ("PW0302", "SF03", "煤泉电厂2号机组", "Meiquan Power unit 2", "coal_above_300", "air", 660, 4600, 0, 1.12),
    ("PW0303", "SF03", "煤泉二厂1号机组", "Meiquan No.2 Plant unit 1", "coal_above_300", "water", 660, 5000, 0, 0.99),
    ("PW0304", "SF03", "煤泉热电厂", "Meiquan CHP", "coal_le_300", "water", 300, 5200, 3_000_000, 1.05),
    ("PW0101", "SF01", "钢城自备电厂", "Gangcheng captive plant", "coal_le_300", "water", 300, 5500, 1_200_000, 0.96),
    ("PW0501", "SF05", "明都热电厂", "Mingdu CHP", "coal_above_300", "water", 350, 4500, 6_000_000, 0.98),
    ("PW0502", "SF05", "明都燃气热电", "Mingdu gas CHP", "gas", "water", 400, 3500, 2_500_000, 0.95),
    ("PW0801", "SF08", "海桥燃气电厂1号", "Haiqiao gas unit 1", "gas", "water", 400, 3000, 0, 0.97),
    ("PW0802", "SF08", "海桥燃气电厂2号", "Haiqiao gas unit 2", "gas", "water", 400, 2800, 0, 0.99),
    ("PW1001", "SF10", "东湾电厂", "Dongwan Power", "coal_above_300", "water", 660, 4700, 0, 1.08),
    ("PW1101", "SF11", "平川热电", "Pingchuan CHP", "coal_le_300", "air", 200, 5000, 1_500_000, 0.99),
    ("PW1201", "SF12", "瑞阳循环流化床电厂", "Ruiyang CFB plant", "coal_unconventional", "water", 300, 4800, 0, 0.98),
]
LOCAL_ADDITIONS = [  # gas distributed-energy stations below 2.6 万吨: added by the province's own criterion
    ("DE0501", "SF05", "明都分布式能源站", "Mingdu distributed energy station", 12, 4200, 0.96),
    ("DE0601", "SF06", "云溪分布式能源站", "Yunxi distributed energy station", 10, 4000, 0.97),
]
CHEMICALS = [("CH0701", "SF07", "化港合成氨厂", "Huagang ammonia plant", 450_000, 2.3), ("CH0702", "SF07", "化港甲醇厂", "Huagang methanol plant", 600_000, 1.9)]
CRITERION = "年排放 1 万吨 CO2 以上的燃气分布式能源站（本省地方标准）/ gas distributed-energy stations above 10k t CO2 a year (provincial criterion)"
ADDITION_REASON = "纳入地方市场，推动分布式能源提效 / into the local market to raise distributed-energy efficiency"
AUX = 0.06  # station use: power supplied = generation × (1 − AUX)


def _units(year: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    table = al.load_benchmarks()
    reg, rows, power = [], [], []
    years = list(range(year - 4, year + 1))
    for code, city, zh, en, product, cooling, mw, hours, heat, perf in POWER:
        reg.append(dict(code=code, name_zh=zh, name_en=en, region=city, sector="电力", market="national", local_addition=False,
                        gases="CO2", product=product, cooling=cooling))
        for y in years:
            h = hours * (1 + rng.normal(0, 0.04))
            supply = mw * h * (1 - AUX)
            q = heat * (1 + rng.normal(0, 0.03))
            ratio = round(q / (q + supply * 3.6 / 0.9), 3) if q else 0.0
            p = perf if y == year else perf * (1 + rng.normal(0, 0.01))
            power.append(dict(code=code, year=y, output=round(supply), heat_output=round(q), load_rate=round(min(0.95, h / 8760 / 0.7), 3),
                              heat_ratio=ratio, cooling=cooling, product=product, perf=p, elec=round(supply * 0.05 / 10, 1), verified=True))
    for y, g in pd.DataFrame(power).groupby("year"):  # emissions = the unit's allocation × its performance
        a = al.allocate(g, y, table, 1.0)["amount"].to_numpy()
        rows += g.assign(co2=(a * g["perf"].to_numpy() / al.T_PER_WAN_T).round(2)).drop(columns=["perf"]).to_dict("records")
    for code, city, zh, en, mw, hours, perf in LOCAL_ADDITIONS:
        reg.append(dict(code=code, name_zh=zh, name_en=en, region=city, sector="电力", market="local", local_addition=True,
                        local_criterion=CRITERION, local_reason=ADDITION_REASON, gases="CO2", product="gas", cooling="water"))
        for y in years:
            supply = mw * hours * (1 + rng.normal(0, 0.03)) * (1 - AUX)
            rows.append(dict(code=code, year=y, output=round(supply), heat_output=0, load_rate=None, heat_ratio=0.0,
                             co2=round(supply * 0.3901 * perf / al.T_PER_WAN_T, 3), elec=round(supply * 0.02 / 10, 1), verified=True))
    for code, city, zh, en, tonnes, intensity in CHEMICALS:
        reg.append(dict(code=code, name_zh=zh, name_en=en, region=city, sector="化工", market="local", local_addition=False,
                        gases="CO2,CH4", product="local_intensity"))
        for i, y in enumerate(years):
            out = tonnes * (1 + 0.03 * i + rng.normal(0, 0.02))
            rows.append(dict(code=code, year=y, output=round(out), co2=round(out * intensity * (0.97 ** i) / al.T_PER_WAN_T, 2),
                             elec=round(out * 0.12, 1), verified=True))
    reg.append(dict(code="DC0501", name_zh="明都云计算数据中心", name_en="Mingdu cloud data centre", region="SF05", sector="数据中心",
                    market="none", local_addition=False, gases="CO2"))
    for y in years:
        rows.append(dict(code="DC0501", year=y, co2=round(9.5 + 0.8 * (y - years[0]), 2), elec=round(13_000 + 900 * (y - years[0])), verified=True))
    yrs = pd.DataFrame(rows)
    return pd.DataFrame(reg), yrs.drop(columns=["cooling", "product"])


def _prices(as_of: str, rng: np.random.Generator) -> pd.DataFrame:
    """Trading days of the as-of year up to its month: local prices dip below 40 in March and climb above 100 at the end."""
    y, m = (int(x) for x in as_of.split("-"))
    end = date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
    days = [d for d in pd.date_range(date(y, 1, 2), end, freq="B").date]
    t = np.linspace(0, 1, len(days))
    local = 62 - 28 * np.exp(-((t - 0.2) / 0.06) ** 2) + 55 * np.clip((t - 0.82) / 0.12, 0, 1) + rng.normal(0, 1.5, len(days))
    national = 78 + 10 * t + rng.normal(0, 1.2, len(days))
    f = pd.concat([pd.DataFrame({"date": days, "market": "local", "price": np.round(local, 2), "volume": rng.integers(20_000, 200_000, len(days))}),
                   pd.DataFrame({"date": days, "market": "national", "price": np.round(national, 2),
                                 "volume": rng.integers(500_000, 3_000_000, len(days))})])
    return f.astype({"volume": float})


def build_allowances(db_path: str | os.PathLike, as_of: str, seed: int = 20260101) -> dict:
    year = int(as_of[:4]) - 1
    rng = np.random.default_rng(seed + 18)
    reg, yrs = _units(year, rng)
    with db.connect(db_path) as con:   # a demo with fewer cities: units of the missing ones move to existing cities
        cities = sorted(con.execute("SELECT code FROM regions WHERE level = 'city'").df()["code"])
    reg["region"] = [c if c in cities else cities[i % len(cities)] for i, c in enumerate(reg["region"])]
    prices = _prices(as_of, rng)
    with db.transaction(db_path) as con:
        batch, at = store.new_batch(con, origin="demo", source_name="allowances_demo.registry", rows_in=len(yrs), rows_loaded=len(yrs),
                                    note="demo power sector, local market and local additions")
        key_emitters.store_registry(con, reg, yrs, batch, recorded_at=at)
        astore.set_coverage(con, pd.DataFrame([
            {"sector": "电力", "gases": "CO2", "threshold": 1.0, "criterion": CRITERION, "from_year": year - 1},
            {"sector": "化工", "gases": "CO2,CH4", "threshold": 2.6, "criterion": "年排放 2.6 万吨 CO2e 以上的化工企业 / chemical plants "
             "above 26k t CO2e a year", "from_year": year - 1}]), USER)
        pbatch, _ = store.new_batch(con, origin="demo", source_name="allowances_demo.prices", rows_in=len(prices), rows_loaded=len(prices))
        astore.store_prices(con, prices, pbatch)
    pre = allowances.preallocate(db_path, year, USER)
    true = allowances.trueup(db_path, year, USER)
    comp = allowances.compliance(db_path, year)
    gap = comp.set_index("code")["verified"] - comp.set_index("code")["held"]
    adv = allowances.advance(db_path, "PW0304", year, round(float(gap["PW0304"]) * 1.02), "供热保供致配额缺口，申请预支下一年度配额 / "
                             "a shortfall from keeping heat supplied: advance from next year's allowance", USER)
    comp = allowances.compliance(db_path, year)
    items = [(r.code, float(np.floor(min(r.verified, r.held - r.surrendered)))) for r in comp.itertuples()   # whole tonnes:
             if np.floor(min(r.verified, r.held - r.surrendered)) > 0]                                          # never above holdings
    allowances.surrender_many(db_path, year, items, USER)
    total = allowance_market.regulate(db_path, year)["annual_total"]
    buy = allowance_market.buyback(db_path, year, round(0.004 * total), 36.5, USER,
                                   f"{year + 1}年3月地方市场价格跌破区间下限，回购稳价 / bought back when the local price fell below the band in March {year + 1}")
    trade = allowance_market.record_trade(db_path, year=year + 1, from_region="SF05", to_region="SF10", amount=50.0, price=62.5,
                                          reason=f"明都市向东湾市出让 {year + 1} 年碳预算指标 / Mingdu sells {year + 1} budget quota to Dongwan",
                                          user=USER)
    return {"year": year, "units": len(reg), "trade": trade.entry_id, "preallocated": len(pre["units"]), "trued_up": len(true["units"]),
            "advance": adv["status"], "buyback": buy["status"], "prices": len(prices),
            "proposals": [p["kind"] for p in allowance_market.regulate(db_path)["proposals"]]}
