"""Additive LMDI (log-mean Divisia index, LMDI-I of Ang 2005) decomposition of a change in CO2.

Identity (documented in docs/readme/accounts.md and used by the year close)::

    C = G · S · I · F
    G = GDP (亿元, activity)
    S = elec_secondary / elec_total (structure: the secondary industry's share of electricity use,
        the sector-mix signal the monthly data carry; sector value added is not in the data)
    I = E / (G · S) (energy intensity, net of the structure effect)
    F = C / E (carbon intensity of energy: fuel mix, grid factor, non-fossil share)
    E = energy use in 万吨标准煤 (see :func:`energy_tce`)

For a change from state 0 to state T, each factor's effect is ``L(C_T, C_0) · ln(x_T / x_0)`` with
the logarithmic mean ``L(a, b) = (a − b) / (ln a − ln b)`` and ``L(a, a) = a``. Because the logs of the
factor ratios add up to ``ln(C_T / C_0)``, the effects sum to ``C_T − C_0`` exactly (up to floating
point; the last rounding residual is given to the largest effect so the sum is the change).

Zero and negative values (Ang 2005; Ang & Liu 2007): a zero is replaced by ``DELTA`` (1e-20), whose
limit gives the whole change to the factor that was zero; values of one sign are handled through
their absolute values (``L(−a, −b) = −L(a, b)``); a factor that changes sign cannot be logged, so the
change is given to the sign-changing factor(s) in equal parts (the path C_0 → 0 → C_T of the limit).
Everything is vectorised over rows (regions).
"""
from __future__ import annotations

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


def factor_frame(gdp, elec_secondary, elec_total, energy, co2) -> pd.DataFrame:
    """The four factors G, S, I, F of the identity from their raw parts (arrays or Series).

    Zero electricity or energy leave the shares at 0 (handled as zeros by :func:`decompose`)."""
    g = np.asarray(gdp, dtype=float)
    es, et = np.asarray(elec_secondary, dtype=float), np.asarray(elec_total, dtype=float)
    e, c = np.asarray(energy, dtype=float), np.asarray(co2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(et != 0, es / np.where(et == 0, 1, et), 0.0)
        gs = g * s
        i = np.where(gs != 0, e / np.where(gs == 0, 1, gs), 0.0)
        f = np.where(e != 0, c / np.where(e == 0, 1, e), 0.0)
    return pd.DataFrame({"activity": g, "structure": s, "energy_intensity": i, "carbon_intensity": f})


def decompose_frames(state0: pd.DataFrame, stateT: pd.DataFrame, target_change=None) -> pd.DataFrame:
    """Effects (columns ``FACTORS``) of the change between two factor frames (as :func:`factor_frame`).

    ``target_change`` (optional, per row): when the product of the factors differs from the change
    to explain (e.g. a zero share made one factor 0), the effects are rescaled to sum to it; where
    every effect is 0 the whole target goes to the carbon-intensity factor.
    """
    eff = decompose(state0[list(FACTORS)].to_numpy(dtype=float), stateT[list(FACTORS)].to_numpy(dtype=float))
    if target_change is not None:
        tgt = np.asarray(target_change, dtype=float).copy()
        tgt[~np.isfinite(eff).all(axis=1)] = np.nan  # a factor without data: no decomposition
        tot = eff.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(np.abs(tot) > 1e-12, tgt / np.where(tot == 0, 1, tot), np.nan)
        eff = np.where(np.isfinite(scale)[:, None], eff * scale[:, None], 0.0)
        zero = ~np.isfinite(scale) & np.isfinite(tgt)
        eff[zero, 3] = tgt[zero]
        resid = tgt - eff.sum(axis=1)
        j = np.argmax(np.abs(eff), axis=1)
        ok = np.isfinite(resid)
        eff[np.flatnonzero(ok), j[ok]] += resid[ok]
        eff[~np.isfinite(tgt)] = np.nan
    return pd.DataFrame(eff, columns=list(FACTORS), index=stateT.index)
