"""The province's regulating tools over its allowance market (authority paper §五(二)其四). Pure.

- A **price band** [lo, hi] (元/吨, rules ``allowance.price_band_lo/hi``) watched on the mean price of the latest
  ``allowance.price_window`` trading days of one market (``allowance.price_market``).
- A **price-stabilisation reserve** (价格平抑储备): set aside as ``allowance.reserve_share`` of the annual total;
  when the price is above the band the rule proposes a **release** of ``allowance.reserve_release_share`` × the
  annual total (at most what the reserve holds); below the band a **replenishment** of
  ``allowance.reserve_replenish_share`` × the annual total (withheld from paid allocation).
- A **buy-back** (回购) when the price is below the band by more than ``allowance.buyback_trigger_share``;
  all buy-backs of a year are capped at ``allowance.buyback_cap_share`` × the annual total.

The annual total is the allowances issued to the province's units for the year plus the reserve set aside.
Amounts t CO2, prices 元/吨.
"""
from __future__ import annotations

import math

import pandas as pd

from budget.allowances import AllowanceError, check_amount

RESERVE_KINDS = ("set_aside", "release", "replenish", "buyback")
PROPOSAL_KINDS = ("release", "replenish", "buyback")


def price_signal(prices: pd.DataFrame, market: str, window: int) -> dict | None:
    """Mean price (volume-weighted when volumes are given) of the latest ``window`` observations of ``market``:
    {mean, n, first, last}; None without observations."""
    p = prices[prices["market"] == market].sort_values("date").tail(int(window))
    if p.empty:
        return None
    vol = pd.to_numeric(p.get("volume"), errors="coerce") if "volume" in p else None
    if vol is not None and vol.notna().all() and vol.sum() > 0:
        mean = float((p["price"] * vol).sum() / vol.sum())
    else:
        mean = float(p["price"].mean())
    return {"mean": round(mean, 4), "n": len(p), "first": str(p["date"].iloc[0])[:10], "last": str(p["date"].iloc[-1])[:10]}


def reserve_balance(ops: pd.DataFrame, year: int) -> float:
    """What the reserve holds for ``year``: set-asides + replenishments + buy-backs − releases."""
    o = ops[ops["year"] == int(year)]
    sign = o["kind"].map({"set_aside": 1.0, "replenish": 1.0, "buyback": 1.0, "release": -1.0}).fillna(0.0)
    return float((o["amount"] * sign).sum())


def proposals(signal: dict | None, rules: dict, annual_total: float, reserve: float, bought: float) -> list[dict]:
    """What the rules propose for the price ``signal``: [{kind, amount, reason_zh, reason_en}] (empty inside the band)."""
    if signal is None or not annual_total > 0:
        return []
    lo, hi, mean, n = rules["allowance.price_band_lo"], rules["allowance.price_band_hi"], signal["mean"], signal["n"]
    span = f"{signal['first']}–{signal['last']}"
    out = []
    if mean > hi:
        amount = min(reserve, rules["allowance.reserve_release_share"] * annual_total)
        if amount > 0:
            out.append(_p("release", amount,
                          f"{span} 最近 {n} 个成交日均价 {mean:.2f} 元/吨，高于价格区间上限 {hi:.2f} 元/吨：释放价格平抑储备（储备现有 {reserve:,.0f} 吨）",
                          f"mean price {mean:.2f} yuan/t over the latest {n} trading days ({span}) is above the band's upper edge "
                          f"{hi:.2f}: release from the price-stabilisation reserve (holding {reserve:,.0f} t)"))
    elif mean < lo:
        out.append(_p("replenish", rules["allowance.reserve_replenish_share"] * annual_total,
                      f"{span} 最近 {n} 个成交日均价 {mean:.2f} 元/吨，低于价格区间下限 {lo:.2f} 元/吨：将有偿分配配额转为价格平抑储备",
                      f"mean price {mean:.2f} yuan/t over the latest {n} trading days ({span}) is below the band's lower edge "
                      f"{lo:.2f}: move paid allocation into the price-stabilisation reserve"))
        trigger = lo * (1 - rules["allowance.buyback_trigger_share"])
        headroom = rules["allowance.buyback_cap_share"] * annual_total - bought
        if mean < trigger and headroom > 0:
            amount = min(headroom, rules["allowance.reserve_replenish_share"] * annual_total)
            out.append(_p("buyback", amount,
                          f"均价 {mean:.2f} 元/吨低于回购触发价 {trigger:.2f} 元/吨：回购（本年剩余回购额度 {headroom:,.0f} 吨）",
                          f"mean price {mean:.2f} yuan/t is below the buy-back trigger {trigger:.2f}: buy back "
                          f"(headroom left this year {headroom:,.0f} t)"))
    return out


def _p(kind: str, amount: float, zh: str, en: str) -> dict:
    return {"kind": kind, "amount": round(float(amount), 1), "reason": f"{zh} / {en}", "reason_zh": zh, "reason_en": en}


def check_price(price) -> float:
    """A price in 元/吨: finite, above 0, at most 10⁵."""
    try:
        p = float(price)
    except (TypeError, ValueError):
        raise AllowanceError("bad_price", {"price": price}) from None
    if not math.isfinite(p) or p <= 0 or p > 1e5:
        raise AllowanceError("bad_price", {"price": price})
    return p


def check_buyback(year: int, amount, price, already: float, annual_total: float, cap_share: float) -> tuple[float, float]:
    """(amount, price) of a buy-back within the cap: cumulative buy-backs of ``year`` ≤ cap_share × annual total."""
    amount, p = check_amount(amount), check_price(price)
    if not annual_total > 0:
        raise AllowanceError("no_annual_total", {"year": year})
    cap = cap_share * annual_total
    if already + amount > cap + 1e-6:
        raise AllowanceError("buyback_over_cap", {"year": year, "total": already + amount, "cap": cap,
                                                  "annual": annual_total, "share": cap_share})
    return amount, p


def check_reserve_op(year: int, kind: str, amount, balance: float) -> float:
    """A reserve operation the province records (release within what the reserve holds)."""
    if kind not in ("release", "replenish", "set_aside"):
        raise AllowanceError("bad_kind", {"kind": kind})
    amount = check_amount(amount)
    if kind == "release" and amount > balance + 1e-6:
        raise AllowanceError("reserve_short", {"year": year, "balance": balance, "amount": amount})
    return amount
