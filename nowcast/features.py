"""Features for the log year-on-year ratio of the target, one row per (region, target period).

Every driver enters twice: its log yoy ratio over the months known in both years, and its yoy
change scaled by the target of the same period last year ((d_p - d_{p-L}) / C_{p-L}, a linear
"contribution" form: for a driver with emission factor b, b times this is its share of the yoy
change of CO2). Calendar terms (working days, Spring Festival shift) and the carbon intensity of
electricity known a year earlier complete the set. Drivers are masked after the month they are
known until, so no feature can see the future.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from nowcast.calendar_cn import period_calendar
from nowcast.frames import Panel

ELEC = "elec_total"
GROUPS = ("electricity", "industry", "power_mix", "energy_fuel", "calendar", "intensity_trend", "region_other")
_PREFIX_GROUPS = (("elec_", "electricity"), ("gen_", "power_mix"), ("out_", "industry"), ("fuel_", "energy_fuel"))
_CATEGORY_GROUPS = {"power": "electricity", "industry": "industry", "energy": "energy_fuel",
                    "economy": "region_other", "emissions": "energy_fuel"}
CALENDAR_COLS = ("workdays_yoy", "days_yoy", "sf_holiday_days", "sf_holiday_shift", "sf_slowdown_shift")
INTENSITY_COLS = ("int_lag", "int_yoy_lag", "c_yoy_lag", "c_yoy_recent", "int_yoy_recent")
RECENT_MONTHS = 3
YOY_CLIP = 3.0


@lru_cache(maxsize=1)
def _categories() -> dict[str, str]:
    try:
        from warehouse import catalog
        return catalog.indicators().set_index("code")["category"].to_dict()
    except Exception:   # the catalog is optional for a pure package
        return {}


def driver_group(name: str) -> str:
    """Driver group of an indicator: by code prefix, else by its catalog category."""
    for prefix, group in _PREFIX_GROUPS:
        if name.startswith(prefix):
            return group
    return _CATEGORY_GROUPS.get(_categories().get(name, ""), "region_other")


def feature_group(col: str) -> str:
    if col.startswith(("yoy__", "chg__")):
        return driver_group(col.split("__", 1)[1])
    if col in CALENDAR_COLS or col == "season":
        return "calendar"
    if col in INTENSITY_COLS:
        return "intensity_trend"
    return "region_other"


@dataclass
class DriverPeriods:
    """Drivers aggregated to target periods under one availability mask (arrays [R, P])."""
    yoy: dict[str, np.ndarray]      # log ratio over months known in both years
    chg: dict[str, np.ndarray]      # (sum now - sum last year) scaled to whole period, same months
    level: dict[str, np.ndarray]    # whole-period value (partial periods: last year x yoy ratio)
    count: dict[str, np.ndarray]    # months known in the period


def _lag(a: np.ndarray, n: int, axis: int = 1) -> np.ndarray:
    out = np.full_like(a, np.nan)
    if n < a.shape[axis]:
        src = [slice(None)] * a.ndim
        dst = [slice(None)] * a.ndim
        src[axis], dst[axis] = slice(0, a.shape[axis] - n), slice(n, None)
        out[tuple(dst)] = a[tuple(src)]
    return out


def aggregate_drivers(panel: Panel, known_until: dict[str, int], names: list[str] | None = None) -> DriverPeriods:
    """Aggregate each monthly driver to the target's periods using only months <= known_until[name]."""
    k, L = panel.k, panel.L
    R, P = len(panel.regions), panel.n_periods
    out = DriverPeriods({}, {}, {}, {})
    for name in names if names is not None else sorted(panel.drivers):
        arr = panel.drivers[name].copy()
        cut = known_until.get(name, panel.driver_last[name]) - panel.m0
        if cut + 1 < arr.shape[1]:
            arr[:, max(cut + 1, 0):] = np.nan
        cur = arr.reshape(R, P, k)
        prev = _lag(cur, L, axis=1)
        both = np.isfinite(cur) & np.isfinite(prev)
        cnt = both.sum(axis=2)
        sc = np.where(both, cur, 0.0).sum(axis=2)
        sp = np.where(both, prev, 0.0).sum(axis=2)
        with np.errstate(divide="ignore", invalid="ignore"):
            ok = (cnt > 0) & (sc > 0) & (sp > 0)
            yoy = np.where(ok, np.log(np.where(ok, sc, 1.0) / np.where(ok, sp, 1.0)), np.nan)
            chg = np.where(cnt > 0, (sc - sp) * k / np.maximum(cnt, 1), np.nan)
            n_cur = np.isfinite(cur).sum(axis=2)
            level = np.where(n_cur > 0, np.nansum(cur, axis=2) * k / np.maximum(n_cur, 1), np.nan)
        if k > 1:   # partial period: last year's whole period times the growth of the months known
            full_prev = np.where(np.isfinite(prev).all(axis=2), prev.sum(axis=2), np.nan)
            est = full_prev * np.exp(yoy)
            level = np.where((n_cur < k) & np.isfinite(est), est, level)
        out.yoy[name] = np.clip(yoy, -YOY_CLIP, YOY_CLIP)
        out.chg[name] = chg
        out.level[name] = level
        out.count[name] = cnt
    return out


def take(a: np.ndarray, ri: np.ndarray, pi: np.ndarray) -> np.ndarray:
    """a[ri, pi] with NaN where pi falls outside the array."""
    ok = (pi >= 0) & (pi < a.shape[1])
    out = np.full(len(ri), np.nan)
    out[ok] = a[ri[ok], pi[ok]]
    return out


def rolling_intensity(target: np.ndarray, elec: np.ndarray, L: int) -> np.ndarray:
    """Target / electricity over the year ending at each period (periods where both are known;
    NaN when fewer than half of the year's periods are)."""
    both = np.isfinite(target) & np.isfinite(elec) & (elec > 0)
    c = np.cumsum(np.where(both, target, 0.0), axis=1)
    e = np.cumsum(np.where(both, elec, 0.0), axis=1)
    n = np.cumsum(both, axis=1)
    c, e, n = (np.concatenate([np.zeros((a.shape[0], 1)), a], axis=1) for a in (c, e, n))
    cs, es, ns = c[:, L:] - c[:, :-L], e[:, L:] - e[:, :-L], n[:, L:] - n[:, :-L]
    out = np.full(target.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[:, L - 1:] = np.where((ns * 2 >= L) & (es > 0) & (cs > 0), cs / es, np.nan)
    return out


def _rolling_sum(a: np.ndarray, w: int) -> np.ndarray:
    c = np.concatenate([np.zeros((a.shape[0], 1)), np.cumsum(a, axis=1)], axis=1)
    out = np.full(a.shape, np.nan)
    out[:, w - 1:] = c[:, w:] - c[:, :-w]
    return out


def recent_yoy(target: np.ndarray, elec: np.ndarray | None, L: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Per period T: log yoy of the target over the ``w`` periods ending at T, and the same for the
    carbon intensity of electricity (months where target and electricity are known in both years)."""
    prev = _lag(target, L)
    ok = np.isfinite(target) & np.isfinite(prev) & (target > 0) & (prev > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.log(_rolling_sum(np.where(ok, target, 0), w) / _rolling_sum(np.where(ok, prev, 0), w))
        if elec is None:
            return c, np.full(target.shape, np.nan)
        eprev = _lag(elec, L)
        ok2 = ok & np.isfinite(elec) & np.isfinite(eprev) & (elec > 0) & (eprev > 0)
        parts = [_rolling_sum(np.where(ok2, a, 0), w) for a in (target, prev, elec, eprev)]
        i = np.log(parts[0] / parts[1]) - np.log(parts[2] / parts[3])
    return np.where(np.isfinite(c), c, np.nan), np.where(np.isfinite(i), i, np.nan)


class FeatureBuilder:
    """Builds feature frames for rows (region index, relative period index) of one panel."""

    def __init__(self, panel: Panel):
        self.panel = panel
        self.cal = period_calendar(panel.m0, panel.n_months, panel.k, panel.L)

    def build(self, dp: DriverPeriods, target: np.ndarray, ri: np.ndarray, pi: np.ndarray,
              drivers: list[str], horizon: np.ndarray | None = None) -> pd.DataFrame:
        """Features for rows; ``target`` is the known (or recursively predicted) target [R, P].

        ``horizon`` (periods after the last known target) adds the origin-dependent features: the
        horizon itself and the recent yoy of the target and of its electricity intensity, measured
        over the last RECENT_MONTHS months known at the origin (p - horizon)."""
        L = self.panel.L
        with np.errstate(divide="ignore", invalid="ignore"):
            base = take(target, ri, pi - L)
            cols: dict[str, np.ndarray] = {"region": ri.astype(float)}
            if self.panel.k < 12:
                cols["season"] = self.cal["season"][pi]
            for c in CALENDAR_COLS:
                cols[c] = self.cal[c][pi]
            if ELEC in dp.level:
                i12 = rolling_intensity(target, dp.level[ELEC], L)
                cols["int_lag"] = np.log(take(i12, ri, pi - L))
                cols["int_yoy_lag"] = cols["int_lag"] - np.log(take(i12, ri, pi - 2 * L))
            cols["c_yoy_lag"] = np.log(base / take(target, ri, pi - 2 * L))
            if horizon is not None:
                w = max(1, RECENT_MONTHS // self.panel.k)
                c_rec, i_rec = recent_yoy(target, dp.level.get(ELEC), L, w)
                cols["horizon"] = horizon.astype(float)
                cols["c_yoy_recent"] = take(c_rec, ri, pi - horizon)
                cols["int_yoy_recent"] = take(i_rec, ri, pi - horizon)
            for d in drivers:
                cols[f"yoy__{d}"] = dp.yoy[d][ri, pi]
                cols[f"chg__{d}"] = dp.chg[d][ri, pi] / base
        frame = pd.DataFrame(cols)
        num = frame.columns.drop("region")
        frame[num] = frame[num].where(np.isfinite(frame[num].to_numpy()))

        return frame
