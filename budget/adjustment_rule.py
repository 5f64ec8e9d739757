"""The dynamic adjustment rule (动态调节机制): the ONE place of its principles, and applying it.

Principles (constants below):

1. **Tolerance.** |deviation| ≤ ``NO_CHANGE_BAND`` (= the status tolerance, 3%) → no change; both
   edges belong to "no change" (deviation = accounted / budget − 1, rounded as in ``budget.status``).
2. **Overspend.** deviation > band → ``DEDUCTION_SHARE`` (1.0 = fully) of the overspend
   (accounted − budget) is deducted from next year's budget, at most ``DEDUCTION_CAP_SHARE`` (5%)
   of next year's budget ("借多少、还多少", capped so that no city is pushed into an impossible year).
3. **Surplus.** deviation < −band → the surplus (budget − accounted) is carried over to next year,
   at most ``CARRYOVER_CAP_SHARE`` (3%) of this year's budget, and only as far as the province's
   reserve for next year can pay it (after the deductions flow back into it).
4. **Major projects.** A city hosting an approved separately-listed project (单列指标) in the year
   is exempt from deduction when ``MAJOR_PROJECT_EXEMPT``: its overspend goes to the project's
   life-cycle review instead; surplus carry-over still applies.
5. **Five-year total.** With ``KEEP_FIVE_YEAR_TOTAL`` the province total of every year is kept:
   deductions return to next year's reserve (transfer city → reserve) and carry-overs are released
   from it (reserve release), so the five-year total never moves. Without it the adjustments move
   the province total (ledger type ``adjustment``) and the proposal says it needs higher approval.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from budget import config
from budget.status import _clean

#: The shipped defaults (a province's own values are rules in the warehouse: ``budget.rules`` keys ``adjust.*``).
NO_CHANGE_BAND = 0.03
DEDUCTION_SHARE = 1.0
#: at most 5% of next year's budget is deducted: symmetric with the advance cap and the Beijing 5% rule
DEDUCTION_CAP_SHARE = 0.05
#: at most 3% of this year's budget is carried over: the width of the tolerance band
CARRYOVER_CAP_SHARE = 0.03
MAJOR_PROJECT_EXEMPT = True
KEEP_FIVE_YEAR_TOTAL = True
#: overspend beyond the deduction cap: "carry" it as a debt into the next close, or "write_off"
DEBT = "carry"

KINDS = ("none", "deduction", "carryover", "exempt", "no_next_budget", "no_data")

RULE = {
    "no_change_band": NO_CHANGE_BAND, "deduction_share": DEDUCTION_SHARE, "deduction_cap_share": DEDUCTION_CAP_SHARE,
    "carryover_cap_share": CARRYOVER_CAP_SHARE, "major_project_exempt": MAJOR_PROJECT_EXEMPT,
    "keep_five_year_total": KEEP_FIVE_YEAR_TOTAL, "debt": DEBT,
}


def rule_from(rules: dict | None) -> dict:
    """The adjustment rule from the province's rules in force (``budget.rules`` keys ``adjust.*``)."""
    if not rules:
        return dict(RULE)
    return {k: rules.get(f"adjust.{k}", v) for k, v in RULE.items()}


def rule_text(rule: dict | None = None, lang: str = "zh") -> list[str]:
    """The rule in words, with the province's values."""
    r = rule_from(None) if rule is None else {**RULE, **rule}
    band, share, dcap, ccap = r["no_change_band"], r["deduction_share"], r["deduction_cap_share"], r["carryover_cap_share"]
    if lang == "zh":
        return [
            f"偏差在 ±{band:.0%} 以内（含边界）不作调整；",
            f"超支超过 {band:.0%}：超支量的 {share:.0%} 从下一年预算中扣减，扣减不超过下一年预算的 {dcap:.0%}；",
            ("超出扣减上限的部分作为欠账结转至下一年度决算继续扣减；" if r["debt"] == "carry" else "超出扣减上限的部分予以核销；"),
            f"盈余超过 {band:.0%}：盈余结转下一年，结转不超过本年预算的 {ccap:.0%}，并以下一年省级储备为限；",
            "承担经批准单列重大项目的城市免于扣减，转入项目全生命周期评估；" if r["major_project_exempt"] else "单列重大项目不设例外；",
            "保持五年总量不变：扣减回收至下一年储备，结转由储备下达。" if r["keep_five_year_total"] else "调整改变省级总量，须报上级批准。",
        ]
    return [
        f"Within ±{band:.0%} (edges included): no change;",
        f"Overspend beyond {band:.0%}: {share:.0%} of the overspend is deducted from next year's budget, at most {dcap:.0%} of it;",
        ("Overspend beyond the deduction cap is carried as a debt into the next close;" if r["debt"] == "carry"
         else "Overspend beyond the deduction cap is written off;"),
        f"Surplus beyond {band:.0%}: carried over to next year, at most {ccap:.0%} of this year's budget and within next year's provincial reserve;",
        "Cities hosting an approved separately-listed major project are exempt from deduction (life-cycle review instead);"
        if r["major_project_exempt"] else "No exception for separately-listed projects;",
        "The five-year total is kept: deductions return to next year's reserve, carry-overs are released from it."
        if r["keep_five_year_total"] else "Adjustments change the province total and need higher approval.",
    ]


RULE_TEXT = {"zh": rule_text(None, "zh"), "en": rule_text(None, "en")}


def _debt_words(debt_in: float, debt: float) -> tuple[str, str]:
    """What the reason says of debts: one brought in from earlier closes (``debt_in``) and what is still owed
    after this one (``debt``) — a debt this close creates is not called an earlier year's."""
    prior, owed = debt_in > 0.005, debt > 0.005
    if prior and owed:
        return (f"；含以前年度欠账 {debt_in:,.2f} 万吨，尚欠 {debt:,.2f} 万吨结转下一年度决算",
                f"; includes {debt_in:,.2f} (10^4 t) owed from earlier closes, {debt:,.2f} (10^4 t) still owed and carried to the next close")
    if owed:
        return (f"；超出上限的 {debt:,.2f} 万吨作为欠账结转下一年度决算",
                f"; {debt:,.2f} (10^4 t) beyond the cap is carried as a debt to the next close")
    if prior:
        return (f"；含以前年度欠账 {debt_in:,.2f} 万吨（已还清）",
                f"; includes {debt_in:,.2f} (10^4 t) owed from earlier closes (now repaid)")
    return "", ""


def _reason(kind: str, dev: float, amount: float, capped: bool, lang: str, r: dict, debt: float = 0.0,
            debt_in: float = 0.0) -> str:
    band, dcap = r["no_change_band"], r["deduction_cap_share"]
    pct = "—" if dev is None or not np.isfinite(dev) else f"{dev:+.1%}"
    debt_zh, debt_en = _debt_words(debt_in, debt) if kind == "deduction" else ("", "")
    if lang == "zh":
        return {
            "none": f"偏差 {pct}，在 ±{band:.0%} 容差内，不作调整",
            "deduction": (f"超支 {pct}，超过 {band:.0%}" if dev is not None and np.isfinite(dev) and dev > band
                          else f"偏差 {pct}，偿还以前年度欠账") + f"：下一年预算扣减 {amount:,.2f} 万吨"
                         + (f"（已达上限：下一年预算的 {dcap:.0%}）" if capped else "") + debt_zh,
            "carryover": f"盈余 {pct}，超过 {band:.0%}：结转 {amount:,.2f} 万吨至下一年"
                         + ("（受结转上限或储备余额限制）" if capped else ""),
            "exempt": f"超支 {pct}，但承担经批准的单列重大项目：免于扣减，转入项目全生命周期评估",
            "no_next_budget": "下一年尚无预算，无法调整",
            "no_data": "缺少核算排放或预算，无法决算",
        }[kind]
    return {
        "none": f"Deviation {pct}, within the ±{band:.0%} tolerance: no change",
        "deduction": (f"Overspend {pct}, beyond {band:.0%}" if dev is not None and np.isfinite(dev) and dev > band
                      else f"Deviation {pct}, repaying an earlier debt") + f": next year's budget reduced by {amount:,.2f} (10^4 t)"
                     + (f" (capped at {dcap:.0%} of next year's budget)" if capped else "") + debt_en,
        "carryover": f"Surplus {pct}, beyond {band:.0%}: {amount:,.2f} (10^4 t) carried over to next year"
                     + (" (limited by the carry-over cap or the reserve)" if capped else ""),
        "exempt": f"Overspend {pct}, but the city hosts an approved separately-listed major project: exempt from deduction, life-cycle review instead",
        "no_next_budget": "No budget for next year yet: nothing to adjust",
        "no_data": "No accounted emissions or no budget: the year cannot be closed",
    }[kind]


def propose(frame: pd.DataFrame, reserve_next: float | None = None, rule: dict | None = None) -> pd.DataFrame:
    """Apply the rule to cities.

    ``frame``: region, budget, accounted, next_budget (NaN = none), major_project (bool), optional debt_in
    (overspend still owed from earlier closes, 万吨 ≥ 0). ``reserve_next``: the province reserve of next year
    before any adjustment (None = unlimited). ``rule``: ``rule_from(rules in force)`` (None: the defaults).
    Returns region, deviation, adjustment_kind, adjustment (signed 万吨: < 0 deduction, > 0 carry-over),
    proposed_next_budget, capped, debt (owed after this close), reason_zh, reason_en.
    """
    r = rule_from(None) if rule is None else {**RULE, **rule}
    band, dshare, dcap_s, ccap_s = r["no_change_band"], r["deduction_share"], r["deduction_cap_share"], r["carryover_cap_share"]
    f = frame.reset_index(drop=True)
    budget = f["budget"].to_numpy(dtype=float)
    acc = f["accounted"].to_numpy(dtype=float)
    nxt = f["next_budget"].to_numpy(dtype=float)
    debt_in = f["debt_in"].fillna(0.0).to_numpy(dtype=float) if "debt_in" in f else np.zeros(len(f))
    major = f.get("major_project", pd.Series(False, index=f.index)).fillna(False).astype(bool).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = np.where(budget > 0, acc / np.where(budget > 0, budget, 1.0) - 1, np.nan)
    kinds, amounts, capped = [], np.zeros(len(f)), np.zeros(len(f), dtype=bool)
    debt_out = np.zeros(len(f))
    for i in range(len(f)):
        d = _clean(dev[i])
        if d is None or not np.isfinite(acc[i]):
            kinds.append("no_data")
            debt_out[i] = debt_in[i]
        elif not np.isfinite(nxt[i]):
            kinds.append("no_next_budget")
            debt_out[i] = debt_in[i]
        elif d > band and r["major_project_exempt"] and major[i]:
            kinds.append("exempt")
            debt_out[i] = debt_in[i]
        elif d < -band and debt_in[i] > 0.005 and min(budget[i] - acc[i], ccap_s * budget[i]) >= debt_in[i]:
            # a surplus pays the debt first; the rest is carried over
            amounts[i] = round(min(budget[i] - acc[i], ccap_s * budget[i]) - debt_in[i], 2)
            kinds.append("carryover" if amounts[i] > 0 else "none")
        elif d > band or debt_in[i] > 0.005:
            want = (dshare * (acc[i] - budget[i]) if d > band else 0.0) + debt_in[i]
            if d < -band:   # a surplus smaller than the debt pays part of it
                want = max(want - min(budget[i] - acc[i], ccap_s * budget[i]), 0.0)
            cap = dcap_s * nxt[i]
            capped[i] = want > cap + config.LEDGER_TOLERANCE
            amounts[i] = -round(min(want, cap), 2)
            debt_out[i] = round(max(want - cap, 0.0), 2) if (capped[i] and r["debt"] == "carry") else 0.0
            kinds.append("deduction" if amounts[i] < 0 else "none")
        elif abs(d) <= band:
            kinds.append("none")
        else:
            want = budget[i] - acc[i]
            cap = ccap_s * budget[i]
            capped[i] = want > cap + config.LEDGER_TOLERANCE
            amounts[i] = round(min(want, cap), 2)
            kinds.append("carryover")
    carry = amounts > 0
    if reserve_next is not None and r["keep_five_year_total"] and carry.any():
        available = float(reserve_next) + float(-amounts[amounts < 0].sum())
        wanted = float(amounts[carry].sum())
        if wanted > available + config.LEDGER_TOLERANCE:
            scale = max(available, 0.0) / wanted
            amounts[carry] = np.floor(amounts[carry] * scale * 100) / 100
            capped[carry] = True
    out = pd.DataFrame({
        "region": f["region"].astype(str), "deviation": dev, "adjustment_kind": kinds, "adjustment": amounts,
        "proposed_next_budget": np.where(np.isfinite(nxt), nxt + amounts, np.nan), "capped": capped, "debt": debt_out,
    })
    out.loc[out["adjustment"] == 0, "adjustment"] = 0.0
    out["reason_zh"] = [_reason(k, d, abs(a), c, "zh", r, b, bi) for k, d, a, c, b, bi in zip(kinds, dev, amounts, capped, debt_out, debt_in)]
    out["reason_en"] = [_reason(k, d, abs(a), c, "en", r, b, bi) for k, d, a, c, b, bi in zip(kinds, dev, amounts, capped, debt_out, debt_in)]
    return out


def ledger_moves(net_new: dict[str, float], net_applied: dict[str, float], keep_five_year_total: bool = KEEP_FIVE_YEAR_TOTAL) -> list[tuple[str, str, float]]:
    """Ledger moves that take each region from the adjustment already applied to the new one.

    Returns (type, region, amount > 0): with ``KEEP_FIVE_YEAR_TOTAL``, 'transfer' (city → reserve,
    a deduction) and 'reserve_release' (reserve → city, a carry-over); otherwise 'adjustment' with a
    signed amount. Transfers come first so that the reserve can pay the releases.
    """
    moves = []
    for region in sorted(set(net_new) | set(net_applied)):
        delta = round(float(net_new.get(region, 0.0)) - float(net_applied.get(region, 0.0)), 2)
        if abs(delta) < 0.005:
            continue
        if not keep_five_year_total:
            moves.append(("adjustment", region, delta))
        elif delta < 0:
            moves.append(("transfer", region, -delta))
        else:
            moves.append(("reserve_release", region, delta))
    order = {"transfer": 0, "adjustment": 1, "reserve_release": 2}
    return sorted(moves, key=lambda m: order[m[0]])
