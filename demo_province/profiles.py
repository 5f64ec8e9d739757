"""City profiles and calendars for the demo province 示范省 (see ``demo_province.generator``).

Every magnitude is a 2015 annual level (the generator scales it by trends, seasonality and the
city's 2024+ trajectory): electricity and generation in 亿千瓦时, outputs in 万吨 (flat glass in
万重量箱), fuels in 万吨 (``res_gas`` in 万立方米), GDP in 亿元. Rates are per year.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# Defaults shared by every profile; each profile overrides what makes it distinct.
DEFAULTS: dict[str, float] = dict(
    # electricity use by sector (亿kWh/yr) and organic growth
    e_pri=5.0, e_sec=120.0, e_ter=30.0, e_res=30.0,
    g_pri=0.02, g_sec=0.035, g_ter=0.075, g_res=0.06,
    heat=0.3, cool=0.5,            # winter heating / summer cooling amplitude of residential use
    sf_sec=0.30,                   # Spring Festival depth of secondary use (share lost over the holiday)
    tourism=0.0,                   # summer/holiday amplitude of tertiary use and travel fuels
    # generation: local generation = ss x consumption; thermal fills what the rest leaves
    ss=0.7, ss_trend=0.0, floor=0.10, hydro=0.0, wind=3.0, solar=0.5, nuclear=0.0,
    g_wind=0.12, g_solar=0.30, gas_power=0.03, gas_power_trend=0.0, eff_power=0.007,
    # industry (outputs per year)
    steel=0.0, cement=0.0, glass=0.0, nonferrous=0.0, ethylene=0.0, chem_coal=0.0,
    g_ind=0.02,                    # organic growth of industrial outputs
    # fuel demand (万吨 coal equivalent as raw coal) of generic industry and district heating
    ind_energy=150.0, gas_share=0.05, switch=0.010,
    heat_energy=60.0, heat_gas=0.05, heat_switch=0.015, glass_gas=0.5,
    # transport and households
    gasoline=40.0, diesel=50.0, kerosene=0.0, fuel_oil=3.0, lpg=6.0, res_gas=15000.0,
    g_gasoline=0.07, ev=0.03, g_kerosene=0.08, farm=0.0,
    eff=0.02,                      # efficiency gain of fuel intensities (1-3%/yr)
    gdp=2000.0, g_gdp=0.075,
    drought=0.0,                   # 1 = hydro city hit by the 2022 drought
    plant_steel=0.0, plant_start=0.0,  # new steel complex (万吨/yr at full output), start as months since 2015-01
    target=0.0,                    # CO2 year-on-year change in the as-of year (2025-2026 trajectory)
)

# kind, code suffix, zh, en, class, overrides
PROFILES: list[dict] = [
    dict(kind="steel", zh="钢城市", en="Gangcheng", traj="fall",
         target=-0.050, e_pri=3, e_sec=150, e_ter=25, e_res=28, heat=0.5, cool=0.35, ss=0.75,
         wind=4, steel=1200, ind_energy=200, gas_share=0.03, switch=0.008, heat_energy=120,
         gasoline=35, diesel=60, lpg=5, fuel_oil=2, res_gas=20000, eff=0.015, gdp=2200),
    dict(kind="cement", zh="石岭市", en="Shiling", traj="fall",
         target=-0.055, e_sec=110, e_ter=25, e_res=28, heat=0.4, ss=0.6, cement=3500, glass=6000,
         glass_gas=0.3, ind_energy=180, heat_energy=80, eff=0.02, gdp=1800, diesel=70),
    dict(kind="coal_power", zh="煤泉市", en="Meiquan", traj="rise",
         target=0.045, e_sec=140, e_ter=20, e_res=22, heat=0.5, cool=0.3, ss=2.6, ss_trend=0.01,
         floor=0.5, wind=10, solar=2, g_solar=0.32, gas_power=0.0, ind_energy=250, gas_share=0.02,
         switch=0.004, heat_energy=100, heat_switch=0.005, diesel=80, gdp=1500, eff=0.012),
    dict(kind="hydro", zh="江源市", en="Jiangyuan", traj="flat",
         target=0.005, e_pri=6, e_sec=95, e_ter=25, e_res=25, heat=0.15, cool=0.6, ss=1.15,
         floor=0.06, hydro=110, wind=2, solar=1, cement=800, ind_energy=160, heat_energy=10,
         gas_share=0.10, drought=1, gasoline=45, diesel=55, gdp=1300, eff=0.018),
    dict(kind="capital", zh="明都市", en="Mingdu", traj="fall",
         target=-0.035, e_pri=3, e_sec=110, e_ter=180, e_res=125, heat=0.4, cool=0.7, ss=0.30,
         wind=2, solar=1, gas_power=0.8, gas_power_trend=0.01, ind_energy=120, gas_share=0.25,
         switch=0.03, heat_energy=250, heat_gas=0.3, heat_switch=0.05, gasoline=260, diesel=120,
         kerosene=150, lpg=25, res_gas=150000, ev=0.05, gdp=7000, g_gdp=0.08, eff=0.028),
    dict(kind="tourism", zh="云溪市", en="Yunxi", traj="flat",
         target=0.010, e_pri=4, e_sec=40, e_ter=55, e_res=35, tourism=0.6, heat=0.1, cool=0.5,
         ss=0.5, hydro=10, wind=3, solar=1, ind_energy=60, heat_energy=0, gasoline=70, diesel=40,
         kerosene=45, lpg=12, res_gas=20000, gdp=1100, eff=0.02),
    dict(kind="chemical", zh="化港市", en="Huagang", traj="rise",
         target=0.070, e_sec=160, e_ter=25, e_res=25, ss=0.9, ethylene=120, chem_coal=700,
         gas_share=0.15, ind_energy=200, fuel_oil=15, lpg=15, heat_energy=60, gdp=1900, eff=0.013),
    dict(kind="export", zh="海桥市", en="Haiqiao", traj="rise",
         target=0.055, e_pri=3, e_sec=240, e_ter=55, e_res=45, sf_sec=0.45, heat=0.05, cool=0.7,
         ss=0.55, gas_power=0.15, ind_energy=180, gas_share=0.2, switch=0.02, fuel_oil=25, lpg=20,
         gasoline=80, diesel=90, heat_energy=0, res_gas=40000, gdp=3500, eff=0.022),
    dict(kind="agriculture", zh="禾丰市", en="Hefeng", traj="flat",
         target=-0.005, e_pri=30, e_sec=45, e_ter=18, e_res=30, ss=0.4, wind=6, solar=2,
         ind_energy=70, heat_energy=40, gasoline=30, diesel=90, farm=1.0, lpg=6, gdp=900, eff=0.017),
    dict(kind="new_plant", zh="东湾市", en="Dongwan", traj="plant",
         target=0.010, e_sec=90, e_ter=35, e_res=30, ss=0.6, ind_energy=100, gasoline=45, diesel=55,
         fuel_oil=10, gdp=1500, plant_steel=900, plant_start=(2025 - 2015) * 12 + 2, eff=0.02),
    dict(kind="mixed", zh="平川市", en="Pingchuan", traj="fall",
         target=-0.040, e_sec=70, e_ter=25, e_res=25, heat=0.45, ss=0.8, nonferrous=60, cement=600,
         ind_energy=140, heat_energy=70, gdp=1400, eff=0.024),
    dict(kind="mixed", zh="瑞阳市", en="Ruiyang", traj="flat",
         target=0.000, e_sec=130, e_ter=45, e_res=40, ss=1.1, nuclear=150, glass=1500, glass_gas=0.8,
         ind_energy=150, gas_share=0.12, fuel_oil=8, heat_energy=20, gdp=2600, eff=0.02),
]

TRAJECTORY_RANGES = {"fall": (-0.06, -0.03), "flat": (-0.01, 0.015), "rise": (0.03, 0.08), "plant": (0.0, 0.02)}
SIZE_KEYS = ("e_pri", "e_sec", "e_ter", "e_res", "hydro", "wind", "solar", "nuclear", "steel", "cement",
             "glass", "nonferrous", "ethylene", "chem_coal", "ind_energy", "heat_energy", "gasoline",
             "diesel", "kerosene", "fuel_oil", "lpg", "res_gas", "gdp", "plant_steel")
RATE_KEYS = ("g_pri", "g_sec", "g_ter", "g_res", "g_wind", "g_solar", "g_ind", "switch", "eff", "g_gdp")


def profile_table(n_cities: int, rng: np.random.Generator) -> pd.DataFrame:
    """One row per city: code, name_zh, name_en, kind, traj and every DEFAULTS key.

    The first 12 cities are the hand-written profiles; further cities replicate them with random size,
    growth, efficiency and trajectory perturbations (sizes and plants drawn from ``rng``).
    """
    rows = []
    for i in range(n_cities):
        base = PROFILES[i % len(PROFILES)]
        row = {**DEFAULTS, **{k: v for k, v in base.items() if k in DEFAULTS}}
        row.update(kind=base["kind"], traj=base["traj"], code=f"SF{i + 1:02d}")
        if i < len(PROFILES):
            row.update(name_zh=base["zh"], name_en=base["en"])
        else:
            row.update(name_zh=f"示范市{i + 1:03d}", name_en=f"Demo City {i + 1:03d}")
            size = float(rng.lognormal(0.0, 0.3))
            for k in SIZE_KEYS:
                row[k] = row[k] * size
            for k in RATE_KEYS:
                row[k] = max(row[k] + float(rng.normal(0.0, 0.004)), 0.0)
            lo, hi = TRAJECTORY_RANGES[row["traj"]]
            row["target"] = float(np.clip(row["target"] + rng.normal(0.0, 0.01), lo + 0.003, hi - 0.003))
            if row["plant_steel"] > 0:
                row["plant_start"] += float(rng.integers(-6, 7))
        rows.append(row)
    return pd.DataFrame(rows)


# ---- calendars (index 0 = January) ----------------------------------------------------------------
HEAT = np.array([1.0, 0.85, 0.45, 0.05, 0, 0, 0, 0, 0, 0.05, 0.45, 0.9])
COOL = np.array([0, 0, 0, 0, 0.1, 0.45, 1.0, 0.95, 0.45, 0.05, 0, 0])
HYDRO = np.array([0.55, 0.5, 0.6, 0.8, 1.1, 1.35, 1.55, 1.5, 1.35, 1.1, 0.85, 0.65])
WIND = np.array([1.15, 1.1, 1.25, 1.2, 1.05, 0.85, 0.75, 0.75, 0.85, 0.95, 1.05, 1.15])
SOLAR = np.array([0.7, 0.8, 0.95, 1.1, 1.2, 1.15, 1.15, 1.15, 1.05, 0.95, 0.8, 0.7])
CONSTRUCTION = np.array([0.6, 0.5, 0.95, 1.1, 1.15, 1.1, 0.95, 0.95, 1.05, 1.15, 1.15, 1.0])
TOURISM = np.array([0.1, 0.2, 0.0, 0.2, 0.5, 0.3, 1.0, 1.0, 0.3, 0.7, 0.0, 0.0])
FARM = np.array([0.5, 0.5, 0.9, 1.3, 1.4, 1.5, 1.3, 1.1, 1.0, 1.2, 0.8, 0.5])
# 2022 drought: hydro factor by month (summer ~ -30%)
DROUGHT_2022 = np.array([1, 1, 1, 1, 0.95, 0.88, 0.68, 0.62, 0.7, 0.82, 0.92, 1.0])
# Pandemic shocks by period: (industry, services, travel) multipliers
COVID = {
    "2020-01": (0.97, 0.95, 0.85), "2020-02": (0.78, 0.80, 0.35), "2020-03": (0.92, 0.86, 0.50),
    "2020-04": (0.98, 0.93, 0.65), "2020-05": (1.0, 0.97, 0.78), "2020-06": (1.0, 0.98, 0.85),
    "2020-07": (1.0, 1.0, 0.9), "2020-08": (1.0, 1.0, 0.92), "2022-04": (0.95, 0.93, 0.7),
    "2022-05": (0.97, 0.95, 0.75), "2022-11": (0.97, 0.95, 0.8), "2022-12": (0.94, 0.9, 0.7),
    "2023-01": (0.97, 0.97, 0.85),
}
SPRING_FESTIVAL = {
    2010: "02-14", 2011: "02-03", 2012: "01-23", 2013: "02-10", 2014: "01-31", 2015: "02-19",
    2016: "02-08", 2017: "01-28", 2018: "02-16", 2019: "02-05", 2020: "01-25", 2021: "02-12",
    2022: "02-01", 2023: "01-22", 2024: "02-10", 2025: "01-29", 2026: "02-17", 2027: "02-06",
    2028: "01-26", 2029: "02-13", 2030: "02-03", 2031: "01-23", 2032: "02-11", 2033: "01-31",
    2034: "02-19", 2035: "02-08",
}
