"""Long observation frames -> numeric panels; period strings <-> integer indices; frequencies.

Internally every period is an integer: a month is ``year*12 + month-1``, a quarter
``year*4 + q-1``, a year ``year``. A period ``p`` of a frequency with ``k`` months covers the
absolute months ``p*k .. p*k+k-1``, so the same arithmetic serves all three frequencies.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

REQUIRED = ("region", "period", "indicator", "value")
MONTHS_PER = {"M": 1, "Q": 3, "A": 12}
SEASONAL_LAG = {"M": 12, "Q": 4, "A": 1}          # same period last year, in periods
FREQ_NAMES = {"M": "monthly", "Q": "quarterly", "A": "annual"}
_PATTERNS = {"M": r"^\d{4}-(?:0[1-9]|1[0-2])$", "Q": r"^\d{4}-Q[1-4]$", "A": r"^\d{4}$"}
#: A combined January–February (1–2月合计), one published value for two months (docs/contracts.md "Periods").
JAN_FEB = r"^\d{4}-01\.\.02$"
SHAREOUT_JAN_FEB = ("a combined January–February value is one period: for training it is shared out to its two "
                    "months (the target pro-rata by monthly elec_total, else calendar days; a driver by calendar "
                    "days); it counts as known from February; it never becomes two stored values")
# Which row wins when a (region, period, indicator) appears more than once.
_KIND_RANK = {"estimated": 0, "": 1, "statistical": 2, "verified": 3}


def period_freq(periods: pd.Series) -> pd.Series:
    """'M', 'Q', 'A' or None for each period string."""
    s = periods.astype(str).str.strip()
    out = pd.Series([None] * len(s), index=s.index, dtype=object)
    for f, pat in _PATTERNS.items():
        out[s.str.match(pat).fillna(False).to_numpy(bool)] = f
    return out


def period_index(periods: pd.Series, freq: str) -> np.ndarray:
    s = periods.astype(str).str.strip()
    year = s.str[:4].astype(int).to_numpy()
    if freq == "M":
        return year * 12 + s.str[5:7].astype(int).to_numpy() - 1
    if freq == "Q":
        return year * 4 + s.str[6].astype(int).to_numpy() - 1
    return year


def period_label(idx: int, freq: str) -> str:
    idx = int(idx)
    if freq == "M":
        y, m = divmod(idx, 12)
        return f"{y:04d}-{m + 1:02d}"
    if freq == "Q":
        y, q = divmod(idx, 4)
        return f"{y:04d}-Q{q + 1}"
    return f"{idx:04d}"


def first_month(p, freq: str):
    return p * MONTHS_PER[freq]


def last_month(p, freq: str):
    return p * MONTHS_PER[freq] + MONTHS_PER[freq] - 1


def parse_as_of(as_of) -> int:
    """Absolute month index of the last month of ``as_of`` (YYYY-MM, YYYY-Qn or YYYY)."""
    s = pd.Series([str(as_of).strip()])
    f = period_freq(s).iloc[0]
    if f is None:
        raise ValueError(f"as_of {as_of!r} is not a period: use YYYY-MM (or YYYY-Qn / YYYY)")
    return int(last_month(period_index(s, f)[0], f))


def _days(year: np.ndarray, month: int) -> np.ndarray:
    if month == 1:
        return np.full(len(year), 31.0)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    return np.where(leap, 29.0, 28.0)


def expand_jan_feb(df: pd.DataFrame, target: str) -> tuple[pd.DataFrame, list[str]]:
    """Combined January–February rows (``YYYY-01..02``) as the pair of months the panel needs.

    A combined row is dropped when its year's January and February are both present and at least as
    well known (``rank``); otherwise it replaces them and is shared out (see ``SHAREOUT_JAN_FEB``).
    The month rows it becomes carry ``pair_end`` = the February index (``year*12+1``) so that an
    ``as_of`` before February leaves the whole pair out; other rows carry -1."""
    jf = df["period"].str.match(JAN_FEB).fillna(False).to_numpy(bool)
    df = df.assign(pair_end=-1)
    if not jf.any():
        return df, []
    c, rest = df[jf].copy(), df[~jf]
    c["year"] = c["period"].str[:4].astype(int)
    key = ["region", "indicator", "year"]
    months = rest[rest["period"].str.match(r"^\d{4}-0[12]$").fillna(False).to_numpy(bool)]
    months = months.assign(year=months["period"].str[:4].astype(int))
    have = months.groupby(key).agg(n=("period", "nunique"), r=("rank", "min"))
    c = c.sort_values("rank", kind="stable").drop_duplicates(key, keep="last").join(have, on=key)
    use = c[~((c["n"] == 2) & (c["r"] >= c["rank"]))].drop(columns=["n", "r"])
    if use.empty:
        return rest, [f"{int(jf.sum())} combined January–February rows were not needed: both months are known"]
    drop = months.set_index(key).index.isin(use.set_index(key).index)
    rest = rest.drop(index=months.index[drop])
    y = use["year"].to_numpy()
    w_jan = _days(y, 1) / (_days(y, 1) + _days(y, 2))
    elec = rest[(rest["indicator"] == "elec_total") & rest["period"].str.match(r"^\d{4}-0[12]$").fillna(False)]
    e = elec.assign(year=elec["period"].str[:4].astype(int), m=elec["period"].str[5:7].astype(int)).pivot_table(
        index=["region", "year"], columns="m", values="value", aggfunc="last")
    if len(e) and {1, 2} <= set(e.columns):
        ej = e[1].reindex(pd.MultiIndex.from_arrays([use["region"], use["year"]])).to_numpy(float)
        ef = e[2].reindex(pd.MultiIndex.from_arrays([use["region"], use["year"]])).to_numpy(float)
        ok = (use["indicator"].to_numpy() == target) & (ej > 0) & (ef > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            w_jan = np.where(ok, ej / (ej + ef), w_jan)
    v = use["value"].to_numpy(float)
    jan = use.assign(period=[f"{a:04d}-01" for a in y], value=v * w_jan, pair_end=y * 12 + 1)
    feb = use.assign(period=[f"{a:04d}-02" for a in y], value=v * (1 - w_jan), pair_end=y * 12 + 1)
    out = pd.concat([rest, jan.drop(columns="year"), feb.drop(columns="year")], ignore_index=True)
    return out, [f"{len(use)} combined January–February values: {SHAREOUT_JAN_FEB}"]


def clean_obs(obs: pd.DataFrame, target: str) -> tuple[pd.DataFrame, list[str]]:
    """Validated copy: str region/period/indicator, float value, freq; non-finite values dropped."""
    if not isinstance(obs, pd.DataFrame):
        raise ValueError("obs must be a pandas DataFrame with columns region, period, indicator, value")
    missing = [c for c in REQUIRED if c not in obs.columns]
    if missing:
        raise ValueError(f"obs is missing column(s) {', '.join(missing)}: expected region, period, indicator, value")
    if obs.empty:
        raise ValueError("obs is empty: the nowcast needs a long frame (region, period, indicator, value) "
                         f"holding the target {target!r} and its monthly drivers")
    notes: list[str] = []
    df = pd.DataFrame({
        "region": obs["region"].astype(str).str.strip().to_numpy(object),
        "period": obs["period"].astype(str).str.strip().to_numpy(object),
        "indicator": obs["indicator"].astype(str).str.strip().to_numpy(object),
        "value": pd.to_numeric(obs["value"], errors="coerce").to_numpy(dtype=float, na_value=np.nan),
        "rank": (obs["kind"].astype(str).map(_KIND_RANK).fillna(1).to_numpy(int) if "kind" in obs.columns
                 else np.ones(len(obs), int)),
    })
    bad = ~np.isfinite(df["value"].to_numpy())
    if bad.any():
        notes.append(f"{int(bad.sum())} rows with a missing or non-finite value were ignored")
    df = df[~bad]
    df, jf_notes = expand_jan_feb(df, target)
    notes += jf_notes
    df["freq"] = period_freq(df["period"]).to_numpy()
    bad = df["freq"].isna()
    if bad.any():
        notes.append(f"{int(bad.sum())} rows with a period that is not YYYY-MM, YYYY-Qn or YYYY were ignored")
    df = df[~bad]
    # Own estimates are never training truth for the target.
    est = (df["indicator"] == target) & (df["rank"] == 0)
    if est.any():
        notes.append(f"{int(est.sum())} target rows of kind 'estimated' were ignored")
    df = df[~est]
    df = df.sort_values("rank", kind="stable").drop_duplicates(["region", "period", "indicator"], keep="last")
    if df.empty:
        raise ValueError("obs holds no usable rows: every value is missing/non-finite or its period is malformed")
    if not (df["indicator"] == target).any():
        raise ValueError(f"obs holds no values of the target {target!r}: nothing to train on "
                         f"(indicators present: {', '.join(sorted(df['indicator'].unique())[:10])})")
    return df.drop(columns="rank").reset_index(drop=True), notes


@dataclass
class Panel:
    """Dense numpy view of the observations (regions x months, regions x target periods)."""
    regions: np.ndarray                       # region strings, sorted
    freq: str                                 # target frequency M / Q / A
    m0: int                                   # absolute month index of column 0 (a January)
    n_months: int                             # whole years
    drivers: dict[str, np.ndarray]            # name -> [R, n_months]
    driver_last: dict[str, int]               # name -> absolute last month with data (any region)
    driver_freq: dict[str, str]
    target: np.ndarray                        # [R, n_periods] at the target frequency
    target_freq_note: dict[str, str] = field(default_factory=dict)   # region -> why it has no target
    notes: list[str] = field(default_factory=list)

    @property
    def k(self) -> int:
        return MONTHS_PER[self.freq]

    @property
    def L(self) -> int:
        return SEASONAL_LAG[self.freq]

    @property
    def p0(self) -> int:
        return self.m0 // self.k

    @property
    def n_periods(self) -> int:
        return self.n_months // self.k

    def target_last(self) -> np.ndarray:
        """Per region: absolute index of the last period with a target value, -1 when none."""
        ok = np.isfinite(self.target)
        last = np.where(ok.any(axis=1), self.n_periods - 1 - np.argmax(ok[:, ::-1], axis=1), -1)
        return np.where(last >= 0, last + self.p0, -1)

    def label(self, p_abs: int) -> str:
        return period_label(p_abs, self.freq)


def detect_frequency(df: pd.DataFrame, target: str) -> str:
    """Target frequency held by most regions (ties: the one with most rows, then the finest)."""
    t = df[df["indicator"] == target]
    stats = t.groupby("freq").agg(regions=("region", "nunique"), rows=("value", "size"))
    order = {"M": 0, "Q": 1, "A": 2}
    best = sorted(stats.itertuples(), key=lambda r: (-r.regions, -r.rows, order[r.Index]))
    return best[0].Index


def _target_matrix(df: pd.DataFrame, target: str, freq: str, regions: np.ndarray, p0: int, n_periods: int,
                   notes: list[str]) -> tuple[np.ndarray, dict[str, str]]:
    t = df[df["indicator"] == target]
    ridx = {r: i for i, r in enumerate(regions)}
    mat = np.full((len(regions), n_periods), np.nan)
    have = t[t["freq"] == freq]
    if not have.empty:
        mat[have["region"].map(ridx).to_numpy(int), period_index(have["period"], freq) - p0] = have["value"].to_numpy()
    k = MONTHS_PER[freq]
    why: dict[str, str] = {}
    done = set(have["region"])
    for f in ("M", "Q", "A"):
        if f == freq:
            continue
        rows = t[(t["freq"] == f) & ~t["region"].isin(done)]
        if rows.empty:
            continue
        kf = MONTHS_PER[f]
        if kf < k:   # finer: aggregate complete periods
            sub = rows.assign(p=period_index(rows["period"], f) * kf // k)
            agg = sub.groupby(["region", "p"]).agg(v=("value", "sum"), n=("value", "size")).reset_index()
            agg = agg[agg["n"] == k // kf]
            mat[agg["region"].map(ridx).to_numpy(int), agg["p"].to_numpy(int) - p0] = agg["v"].to_numpy()
            notes.append(f"{rows['region'].nunique()} region(s) with a {FREQ_NAMES[f]} target were aggregated "
                         f"to {FREQ_NAMES[freq]} periods")
            done |= set(agg["region"])
        for r in set(rows["region"]) - done:
            why[r] = (f"its {target} is {FREQ_NAMES[f]} while most regions report it {FREQ_NAMES[freq]}; "
                      "a coarser target cannot be modelled at the finer frequency")
    return mat, why


def build_panel(df: pd.DataFrame, target: str, extra_years: int = 3) -> Panel:
    """Panel from a frame returned by :func:`clean_obs`."""
    notes: list[str] = []
    freq = detect_frequency(df, target)
    regions = np.array(sorted(df["region"].unique()), dtype=object)
    years = df["period"].str[:4].astype(int)
    y0, y1 = int(years.min()), int(years.max()) + extra_years
    m0, n_months = y0 * 12, (y1 - y0 + 1) * 12
    k = MONTHS_PER[freq]
    target_mat, why = _target_matrix(df, target, freq, regions, m0 // k, n_months // k, notes)
    ridx = {r: i for i, r in enumerate(regions)}
    drivers: dict[str, np.ndarray] = {}
    driver_last: dict[str, int] = {}
    driver_freq: dict[str, str] = {}
    for name, rows in df[df["indicator"] != target].groupby("indicator", sort=True):
        f = next(f for f in ("M", "Q", "A") if (rows["freq"] == f).any())
        if (rows["freq"] != f).any():
            notes.append(f"driver {name}: only its {FREQ_NAMES[f]} rows are used")
        rows = rows[rows["freq"] == f]
        kf = MONTHS_PER[f]
        arr = np.full((len(regions), n_months), np.nan)
        r = rows["region"].map(ridx).to_numpy(int)
        first = period_index(rows["period"], f) * kf - m0
        vals = rows["value"].to_numpy() / kf     # flows are spread evenly over their months
        for j in range(kf):
            arr[r, first + j] = vals
        drivers[name] = arr
        driver_last[name] = int(first.max() + kf - 1 + m0)
        driver_freq[name] = f
    return Panel(regions=regions, freq=freq, m0=m0, n_months=n_months, drivers=drivers, driver_last=driver_last,
                 driver_freq=driver_freq, target=target_mat, target_freq_note=why, notes=notes)
