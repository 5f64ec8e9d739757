"""Additive LMDI (log-mean Divisia index, LMDI-I of Ang 2005) decomposition of a change in CO2.

Identity (documented in docs/guide/accounts.md and used by the year close), over the three sectors
i = primary, secondary, tertiary (三次产业)::

    C = Σ_i C_i,   C_i = G · S_i · I_i · F
    G   = GDP (亿元, activity)
    S_i = VA_i / G (structure: the sector's share of value added, 三次产业增加值占比)
    I_i = E_i / VA_i (energy intensity of the sector)
    F   = C / E (carbon intensity of energy: fuel mix, grid factor, non-fossil share)
    E   = energy use in 万吨标准煤 (see :func:`energy_tce`)
    E_i = E · q_i / Σ_j q_j with q_i the sector's electricity use: monthly fuel statistics are not kept by
          sector, so a sector's energy follows its electricity (households' energy is spread pro rata)

For a change from state 0 to state T, each factor's effect is ``Σ_i L(C_i^T, C_i^0) · ln(x_i^T / x_i^0)``
with the logarithmic mean ``L(a, b) = (a − b) / (ln a − ln b)`` and ``L(a, a) = a``. Because the logs
of each sector's factor ratios add up to ``ln(C_i^T / C_i^0)``, the effects sum to ``C_T − C_0`` exactly
(up to floating point; the last rounding residual is given to the largest effect so the sum is the change).
The structure effect is zero when no sector's value-added share moves; with unmoving shares and an
unmoving energy split, a flat E/G leaves the energy-intensity effect at zero too.

**Without sector value added** (or sector electricity) for a region in either year the decomposition
falls back to the aggregate identity ``C = G · (E/G) · (C/E)``: activity, energy intensity (E/G) and
carbon intensity, and **no structure term** (NaN, ``method`` 'aggregate'): a structure effect that is an
artefact of the identity is worse than none.

Zero and negative values (Ang 2005; Ang & Liu 2007): a zero is replaced by ``DELTA`` (1e-20), whose
limit gives the whole change to the factor that was zero; values of one sign are handled through
their absolute values (``L(−a, −b) = −L(a, b)``); a factor that changes sign cannot be logged, so the
change is given to the sign-changing factor(s) in equal parts (the path C_0 → 0 → C_T of the limit).
Everything is vectorised over rows (regions).

Printed figures: :func:`round_effects` rounds the effects so that they add up exactly to the change as
printed (largest remainder).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

FACTORS = ("activity", "structure", "energy_intensity", "carbon_intensity")
DELTA = 1e-20

#: Standard-coal equivalents (万吨标准煤 per canonical unit) of the fuels: GB/T 2589-2020 appendix A
#: reference values (raw coal 0.7143 kgce/kg, coke 0.9714, gasoline and kerosene 1.4714, diesel
#: 1.4571, fuel oil 1.4286, LPG 1.7143, natural gas 1.2143 kgce/m³ → 万m³: 12.143 tce = 0.0012143 万tce).
TCE_PER_UNIT = {
    "fuel_raw_coal": 0.7143, "fuel_coke": 0.9714, "fuel_gasoline": 1.4714, "fuel_diesel": 1.4571,
    "fuel_kerosene": 1.4714, "fuel_fuel_oil": 1.4286, "fuel_lpg": 1.7143, "fuel_natural_gas": 0.0012143,
}
#: Electricity at its calorific equivalent, 0.1229 kgce/kWh → 1.229 tce per 万kWh = 1.229e-4 万tce.
TCE_PER_10K_KWH = 1.229e-4
#: Electricity that enters the energy balance without a fuel in the province: net imports and
#: non-fossil local generation (thermal power is already counted through its coal and gas).
PRIMARY_ELECTRICITY = ("elec_net_import", "gen_hydro", "gen_wind", "gen_solar", "gen_nuclear")


def energy_tce(values: pd.DataFrame) -> pd.Series:
    """Energy use (万吨标准煤) per row of a wide frame whose columns are indicator codes.

    E = Σ fuel × standard-coal factor + (net imported + non-fossil generated electricity) × 1.229e-4.
    Missing columns count as 0; a negative net import (net export) lowers E.
    """
    e = pd.Series(0.0, index=values.index)
    for code, f in TCE_PER_UNIT.items():
        if code in values:
            e = e + values[code].fillna(0.0).astype(float) * f
    for code in PRIMARY_ELECTRICITY:
        if code in values:
            e = e + values[code].fillna(0.0).astype(float) * TCE_PER_10K_KWH
    return e


def log_mean(a, b) -> np.ndarray:
    """L(a, b) = (a − b)/(ln a − ln b), L(a, a) = a, for positive a, b (elementwise)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.log(a) - np.log(b)
        out = np.where(np.abs(d) > 1e-12, (a - b) / np.where(d == 0, 1.0, d), (a + b) / 2.0)
    return out


def decompose(x0: np.ndarray, xT: np.ndarray) -> np.ndarray:
    """Additive LMDI effects (rows × factors) of the change from ``Π x0`` to ``Π xT`` per row.

    ``x0``, ``xT``: arrays rows × k of factor values (any sign, zeros allowed, no NaN). The effects of
    a row sum to ``Π xT − Π x0``. A row with NaN anywhere gets NaN effects.
    """
    x0 = np.atleast_2d(np.asarray(x0, dtype=float))
    xT = np.atleast_2d(np.asarray(xT, dtype=float))
    n, k = x0.shape
    bad = ~(np.isfinite(x0).all(axis=1) & np.isfinite(xT).all(axis=1))
    s0, sT = np.where(np.isnan(x0), 1.0, x0), np.where(np.isnan(xT), 1.0, xT)
    change = np.prod(sT, axis=1) - np.prod(s0, axis=1)
    # sign handling: a factor that is zero at one end takes the sign of the other end
    sign0, signT = np.sign(s0), np.sign(sT)
    sign0 = np.where(sign0 == 0, np.where(signT == 0, 1.0, signT), sign0)
    signT = np.where(signT == 0, sign0, signT)
    flips = sign0 != signT
    a0, aT = np.maximum(np.abs(s0), DELTA), np.maximum(np.abs(sT), DELTA)
    c0, cT = np.prod(a0, axis=1), np.prod(aT, axis=1)
    row_sign = np.prod(sign0, axis=1)  # = prod(signT) where no factor flips
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        w = log_mean(np.maximum(cT, DELTA ** k), np.maximum(c0, DELTA ** k)) * row_sign
        effects = w[:, None] * (np.log(aT) - np.log(a0))
    any_flip = flips.any(axis=1)
    if any_flip.any():
        nflip = flips.sum(axis=1, keepdims=True)
        share = np.where(flips, 1.0 / np.maximum(nflip, 1), 0.0)
        effects = np.where(any_flip[:, None], share * change[:, None], effects)
    effects = np.where(np.isfinite(effects), effects, 0.0)
    # the residual of floating point (and of DELTA) goes to the largest effect: Σ effects = change
    resid = change - effects.sum(axis=1)
    j = np.argmax(np.abs(effects), axis=1)
    effects[np.arange(n), j] += resid
    effects[bad] = np.nan
    return effects


SECTORS = ("primary", "secondary", "tertiary")
VA_INDICATORS = tuple(f"va_{x}" for x in SECTORS)          # quarterly value added, 亿元
ELEC_INDICATORS = tuple(f"elec_{x}" for x in SECTORS)      # monthly electricity use by sector
METHODS = ("sectoral", "aggregate")


@dataclass
class State:
    """The factors of one year for every row (region). ``s`` and ``i`` are rows × sectors (NaN where
    the sector data are missing); ``ei`` = E/G is the aggregate energy intensity."""
    g: np.ndarray
    s: np.ndarray
    i: np.ndarray
    ei: np.ndarray
    f: np.ndarray
    c: np.ndarray

    @property
    def sectoral(self) -> np.ndarray:
        """Rows whose sector factors are all known (finite, value added positive)."""
        return np.isfinite(self.s).all(axis=1) & np.isfinite(self.i).all(axis=1) & (self.s > 0).all(axis=1)


def _arr(x, n=None) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    return a if n is None else np.broadcast_to(a, (n,)).astype(float)


def state(gdp, energy, co2, value_added=None, electricity=None) -> State:
    """The factors from their raw parts (arrays over rows): ``gdp`` (亿元), ``energy`` (万tce), ``co2``;
    ``value_added`` and ``electricity``: rows × 3 (primary, secondary, tertiary), or None (no sector data).
    Zero energy leaves F at 0 (handled as a zero by :func:`decompose`)."""
    g, e, c = _arr(gdp), _arr(energy), _arr(co2)
    n = len(g)
    va = np.full((n, 3), np.nan) if value_added is None else np.asarray(value_added, dtype=float).reshape(n, 3)
    q = np.full((n, 3), np.nan) if electricity is None else np.asarray(electricity, dtype=float).reshape(n, 3)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(e != 0, c / np.where(e == 0, 1, e), 0.0)
        ei = np.where(g != 0, e / np.where(g == 0, 1, g), np.nan)
        qs = q.sum(axis=1, keepdims=True)
        ok = np.isfinite(va).all(axis=1) & (va > 0).all(axis=1) & np.isfinite(q).all(axis=1) & (q >= 0).all(axis=1) \
            & (qs[:, 0] > 0) & np.isfinite(g) & (g > 0)
        s = np.where(ok[:, None], va / g[:, None], np.nan)
        ei_sector = e[:, None] * q / np.where(qs > 0, qs, 1.0)
        i = np.where(ok[:, None], ei_sector / np.where(va > 0, va, 1.0), np.nan)
    return State(g, s, i, ei, f, c)


def along(base: State, gdp, total) -> State:
    """``base`` carried to activity ``gdp`` and emissions ``total`` with its structure and carbon intensity
    of energy kept: the energy intensities (every sector's alike) close the identity (the budget path)."""
    g, tot = _arr(gdp), _arr(total)
    with np.errstate(divide="ignore", invalid="ignore"):
        k_agg = tot / (g * base.ei * base.f)
        sect = (base.s * base.i).sum(axis=1)
        k_sec = tot / (g * sect * base.f)
    i = base.i * k_sec[:, None]
    return State(g, base.s.copy(), i, base.ei * k_agg, base.f.copy(), tot)


def decompose_states(s0: State, sT: State, target_change=None) -> pd.DataFrame:
    """Effects (columns ``FACTORS`` and ``method``) of the change from ``s0`` to ``sT`` per row.

    Rows with sector data at both ends: the sectoral identity (module doc); else the aggregate identity
    with ``structure`` NaN. ``target_change`` (optional, per row): when the product of the factors differs
    from the change to explain, the effects are rescaled to sum to it; where every effect is 0 the whole
    target goes to the carbon-intensity factor; a row without a target (NaN) gets NaN effects."""
    n = len(s0.g)
    sect = s0.sectoral & sT.sectoral
    eff = np.full((n, 4), np.nan)
    agg = decompose(np.column_stack([s0.g, s0.ei, s0.f]), np.column_stack([sT.g, sT.ei, sT.f]))
    eff[:, 0], eff[:, 2], eff[:, 3] = agg[:, 0], agg[:, 1], agg[:, 2]
    if sect.any():
        tot = np.zeros((int(sect.sum()), 4))
        for j in range(3):
            x0 = np.column_stack([s0.g[sect], s0.s[sect, j], s0.i[sect, j], s0.f[sect]])
            xT = np.column_stack([sT.g[sect], sT.s[sect, j], sT.i[sect, j], sT.f[sect]])
            tot += decompose(x0, xT)
        eff[sect] = tot
    if target_change is not None:
        eff = _rescale(eff, np.asarray(target_change, dtype=float).copy(), sect)
    out = pd.DataFrame(eff, columns=list(FACTORS))
    out["method"] = np.where(sect, "sectoral", "aggregate")
    return out


def _rescale(eff: np.ndarray, tgt: np.ndarray, sect: np.ndarray) -> np.ndarray:
    cols = [0, 1, 2, 3]
    e = np.where(np.isnan(eff), 0.0, eff)
    tgt[~np.isfinite(eff[:, [0, 2, 3]]).all(axis=1)] = np.nan   # a factor without data: no decomposition
    tot = e.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(np.abs(tot) > 1e-12, tgt / np.where(tot == 0, 1, tot), np.nan)
    e = np.where(np.isfinite(scale)[:, None], e * scale[:, None], 0.0)
    zero = ~np.isfinite(scale) & np.isfinite(tgt)
    e[zero, 3] = tgt[zero]
    resid = tgt - e.sum(axis=1)
    j = np.argmax(np.abs(e[:, cols]), axis=1)
    ok = np.isfinite(resid)
    e[np.flatnonzero(ok), j[ok]] += resid[ok]
    e[~np.isfinite(tgt)] = np.nan
    e[~sect, 1] = np.nan                                          # no structure term without sector data
    return e


def round_effects(effects, total, decimals: int = 2) -> np.ndarray:
    """Effects rounded to ``decimals`` so that, per row, they add up exactly to ``total`` rounded to
    ``decimals`` (largest remainder: the rounded-down effects get the missing units in order of their
    remainders). NaN effects stay NaN and take no units; a row with a NaN total is rounded plainly."""
    x = np.atleast_2d(np.asarray(effects, dtype=float))
    t = np.atleast_1d(np.asarray(total, dtype=float))
    scale = 10.0 ** decimals
    out = np.full(x.shape, np.nan)
    for r in range(x.shape[0]):
        ok = np.isfinite(x[r])
        if not np.isfinite(t[r]):
            out[r, ok] = np.round(x[r, ok], decimals)
            continue
        units = x[r, ok] * scale
        base = np.floor(units)
        left = int(round(round(t[r] * scale) - base.sum()))
        order = np.argsort(-(units - base), kind="stable")
        if left >= 0:
            base[order[:left % max(len(base), 1)]] += 1
            base += left // max(len(base), 1)
        else:
            base[order[::-1][:(-left) % max(len(base), 1)]] -= 1
            base -= (-left) // max(len(base), 1)
        out[r, ok] = base / scale
    return out if np.ndim(effects) > 1 else out[0]
