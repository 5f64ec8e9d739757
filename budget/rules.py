"""The province's rules: what each rule means, its default and the national bounds it must stay in.

A province sets its own thresholds, caps, adjustment rule and evaluation weights within national bounds
("从调节原则、调节方式和调节阈值等维度" — the province decides them) and changes them between periods.
The values a province has set live in the warehouse (``warehouse.rules``: every setting kept, each with
who set it, why and from which date); this module holds only the defaults and the bounds, and the pure
logic that checks a value and picks the value in force on a date. Nothing else in the code holds a
rule's value: computations take the rules in force (``in_force``) as a dict.

Kinds: ``share`` (a fraction in [lo, hi]), ``number`` (finite, in [lo, hi]), ``year`` (an integer year),
``bool``, ``choice`` (one of ``choices``), ``weights`` (a dict of non-negative shares summing to 1 over
the listed keys), ``monthday`` (``MM-DD``).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable, Mapping

SIGNOFF_CHOICES = ("none", "admin", "approver")

EVALUATION_INDICATORS = ("total_target", "intensity_target", "budget_accuracy", "alert_response", "nowcast_accuracy",
                         "upload_timeliness", "target_reasonableness", "coordination", "funding_capacity")


@dataclass(frozen=True)
class Rule:
    key: str
    kind: str
    default: Any
    zh: str
    en: str
    lo: float | None = None
    hi: float | None = None
    choices: tuple = ()


def _r(key, kind, default, zh, en, lo=None, hi=None, choices=()):
    return Rule(key, kind, default, zh, en, lo, hi, tuple(choices))


# Defaults are the values this product shipped with; bounds are the national frame (the papers: reserve and
# adjustment quantities of a few percent, the Beijing rule's 5% cap) wide enough for a province's own choice.
RULES: dict[str, Rule] = {r.key: r for r in [
    _r("status.tolerance", "share", 0.03, "执行偏差容差（平衡区间 ±）", "Status tolerance band (±)", 0.0, 0.10),
    _r("warning.red_deviation", "share", 0.08, "一级预警偏差阈值", "Level 1 (red) deviation threshold", 0.0, 0.50),
    _r("warning.red_p_overspend", "share", 0.80, "一级预警超支概率阈值", "Level 1 (red) probability of overspend", 0.5, 1.0),
    _r("warning.orange_deviation", "share", 0.03, "二级预警偏差阈值", "Level 2 (orange) deviation threshold", 0.0, 0.50),
    _r("warning.orange_p_overspend", "share", 0.50, "二级预警超支概率阈值", "Level 2 (orange) probability of overspend", 0.2, 1.0),
    _r("reserve.cap_share", "share", 0.05, "省级储备上限（占年度总量）", "Reserve cap (share of the year's total)", 0.0, 0.10),
    _r("advance.cap_share", "share", 0.05, "预支上限（占下一年预算）", "Advance cap (share of next year's budget)", 0.0, 0.10),
    _r("adjust.no_change_band", "share", 0.03, "决算不调整区间（±）", "Close: no-change band (±)", 0.0, 0.10),
    _r("adjust.deduction_share", "share", 1.0, "超支扣减比例", "Close: share of overspend deducted", 0.0, 1.0),
    _r("adjust.deduction_cap_share", "share", 0.05, "扣减上限（占下一年预算）", "Close: deduction cap (share of next year's budget)", 0.0, 0.20),
    _r("adjust.carryover_cap_share", "share", 0.03, "结转上限（占本年预算）", "Close: carry-over cap (share of this year's budget)", 0.0, 0.10),
    _r("adjust.major_project_exempt", "bool", True, "单列重大项目免于扣减", "Close: separately-listed major projects exempt", ),
    _r("adjust.keep_five_year_total", "bool", True, "保持五年总量不变", "Close: keep the five-year total"),
    _r("adjust.debt", "choice", "carry", "超出扣减上限部分的处理", "Close: overspend beyond the deduction cap",
       choices=("carry", "write_off")),
    _r("dual_control.total_led_from", "year", 2031, "总量控制为主的起始年（此前强度为主）",
       "First year the total leads (intensity leads before)", 2021, 2100),
    _r("evaluation.weights", "weights",
       {"total_target": 0.25, "intensity_target": 0.20, "budget_accuracy": 0.10, "alert_response": 0.10,
        "nowcast_accuracy": 0.05, "upload_timeliness": 0.05, "target_reasonableness": 0.10, "coordination": 0.10,
        "funding_capacity": 0.05},
       "五年考核指标权重", "Five-year evaluation weights", choices=EVALUATION_INDICATORS),
    _r("signoff.plan_approve", "choice", "none", "预算方案批准需确认", "Plan approval needs confirmation by", choices=SIGNOFF_CHOICES),
    _r("signoff.close_approve", "choice", "none", "年度决算批准需确认", "Year close approval needs confirmation by", choices=SIGNOFF_CHOICES),
    _r("signoff.five_year_approve", "choice", "none", "五年决算需确认", "Five-year close needs confirmation by", choices=SIGNOFF_CHOICES),
    _r("signoff.registry_approve", "choice", "none", "重点排放单位名单需确认", "Key-emitter list needs confirmation by", choices=SIGNOFF_CHOICES),
    _r("signoff.budget_total_change", "choice", "admin", "改变省级总量的账目需确认", "Entries changing the province total need confirmation by",
       choices=SIGNOFF_CHOICES),
    # The allowance year of key emitting units (issue 18; budget.allowances, budget.allowance_market).
    _r("allowance.preallocation_share", "share", 0.7, "配额预分配比例（按上年产量核算量）", "Allowance pre-allocation share (of the amount on last year's output)", 0.5, 1.0),
    _r("allowance.unit_advance_cap_share", "share", 0.1, "单位配额预支上限（占其当年已发配额）", "Unit allowance advance cap (share of its issued allowance)", 0.0, 0.5),
    _r("allowance.buyback_cap_share", "share", 0.05, "配额回购上限（占年度配额总量）", "Allowance buy-back cap (share of the annual total)", 0.0, 0.2),
    _r("allowance.price_band_lo", "number", 40.0, "配额价格区间下限（元/吨）", "Allowance price band, lower edge (yuan/t)", 0.0, 1000.0),
    _r("allowance.price_band_hi", "number", 100.0, "配额价格区间上限（元/吨）", "Allowance price band, upper edge (yuan/t)", 1.0, 2000.0),
    _r("allowance.price_market", "choice", "local", "观察价格的市场", "Market whose allowance price is watched", choices=("local", "national")),
    _r("allowance.price_window", "number", 20, "价格观察窗口（最近成交日数）", "Price window (latest trading days)", 1, 250),
    _r("allowance.reserve_share", "share", 0.03, "价格平抑储备（占年度配额总量）", "Price-stabilisation reserve (share of the annual total)", 0.0, 0.1),
    _r("allowance.reserve_release_share", "share", 0.01, "单次释放储备（占年度配额总量）", "One reserve release (share of the annual total)", 0.0, 0.1),
    _r("allowance.reserve_replenish_share", "share", 0.01, "单次补充储备（占年度配额总量）", "One reserve replenishment (share of the annual total)", 0.0, 0.1),
    _r("allowance.buyback_trigger_share", "share", 0.2, "回购触发：价格低于下限的幅度", "Buy-back trigger: price this far below the lower edge", 0.0, 1.0),
    _r("allowance.surrender_deadline", "monthday", "12-31", "配额清缴截止日（次年，月-日）", "Allowance surrender deadline (next year, MM-DD)"),
    _r("allowance.local_control_factor", "share", 0.98, "地方市场控排系数（历史强度法）", "Local market control factor (historical intensity)", 0.8, 1.0),
    _r("signoff.allowance_advance", "choice", "none", "单位配额预支需确认", "A unit's allowance advance needs confirmation by", choices=SIGNOFF_CHOICES),
    _r("signoff.allowance_buyback", "choice", "none", "配额回购需确认", "An allowance buy-back needs confirmation by", choices=SIGNOFF_CHOICES),
]}


class RuleError(ValueError):
    """A rule value or key the province cannot set (English and Chinese message)."""

    def __init__(self, message_en: str, message_zh: str):
        super().__init__(message_en)
        self.message_en, self.message_zh = message_en, message_zh


def rule(key: str) -> Rule:
    if key not in RULES:
        raise RuleError(f"unknown rule {key!r}; known: {', '.join(RULES)}", f"未知规则 {key!r}；可设规则：{', '.join(RULES)}")
    return RULES[key]


def defaults() -> dict[str, Any]:
    return {k: r.default for k, r in RULES.items()}


def bounds_text(r: Rule) -> str:
    if r.kind in ("share", "number", "year"):
        return f"[{r.lo:g}, {r.hi:g}]"
    if r.kind == "bool":
        return "true|false"
    if r.kind == "choice":
        return "|".join(r.choices)
    if r.kind == "weights":
        return "≥0, Σ=1 over " + ",".join(r.choices)
    return "MM-DD"


def _finite(text, r: Rule) -> float:
    try:
        x = float(text)
    except (TypeError, ValueError):
        raise RuleError(f"{r.key}: {text!r} is not a number", f"{r.key}：{text!r} 不是数字") from None
    if not math.isfinite(x):
        raise RuleError(f"{r.key}: {text!r} is not finite", f"{r.key}：{text!r} 不是有限数") from None
    return x


def parse(key: str, value: Any) -> Any:
    """The value of ``key`` from text (CLI) or a Python value, checked against the bounds; raises RuleError."""
    r = rule(key)
    out_of = lambda v: RuleError(f"{key}: {v!r} is outside the national bounds {bounds_text(r)}",
                                 f"{key}：{v!r} 超出国家规定范围 {bounds_text(r)}")
    if r.kind in ("share", "number", "year"):
        x = _finite(value, r)
        if r.kind == "share" and isinstance(value, str) and value.strip().endswith("%"):
            x = _finite(value.strip()[:-1], r) / 100
        if r.kind == "year":
            if x != int(x):
                raise out_of(value)
            x = int(x)
        if not (r.lo <= x <= r.hi):
            raise out_of(value)
        return x
    if r.kind == "bool":
        text = str(value).strip().lower()
        if text in ("true", "1", "yes", "是"):
            return True
        if text in ("false", "0", "no", "否"):
            return False
        raise out_of(value)
    if r.kind == "choice":
        text = str(value).strip()
        if text not in r.choices:
            raise out_of(value)
        return text
    if r.kind == "weights":
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.strip().startswith("{") else \
                    {k.strip(): v for k, v in (p.split("=", 1) for p in value.split(",") if p.strip())}
            except (ValueError, json.JSONDecodeError):
                raise RuleError(f"{key}: write weights as name=share,… or JSON", f"{key}：权重请写作 名称=份额,… 或 JSON") from None
        if not isinstance(value, Mapping):
            raise out_of(value)
        w = {}
        for k, v in value.items():
            if k not in r.choices:
                raise RuleError(f"{key}: unknown indicator {k!r}", f"{key}：未知指标 {k!r}")
            x = _finite(v, r)
            if x < 0 or x > 1:
                raise out_of(value)
            w[k] = x
        if abs(sum(w.values()) - 1.0) > 1e-6:
            raise RuleError(f"{key}: the weights sum to {sum(w.values()):.4f}, not 1", f"{key}：权重之和为 {sum(w.values()):.4f}，应为 1")
        return w
    if r.kind == "monthday":
        text = str(value).strip()
        try:
            m, d = (int(x) for x in text.split("-"))
            date(2001, m, d)
        except (ValueError, TypeError):
            raise out_of(value) from None
        return f"{m:02d}-{d:02d}"
    raise RuleError(f"{key}: unsupported kind {r.kind}", f"{key}：不支持的类型 {r.kind}")


def in_force(settings: Iterable[Mapping], on: date | None = None) -> dict[str, Any]:
    """The rules in force on ``on`` (default: today): the defaults overlaid by the latest setting of each
    key effective on or before ``on`` (later recorded wins among equal dates). ``settings``: records with
    key, value (JSON text or value), effective_from (date or ISO text) and recorded_at."""
    on = on or date.today()
    out = defaults()
    best: dict[str, tuple] = {}
    for s in settings:
        eff = s["effective_from"]
        eff = eff.date() if isinstance(eff, datetime) else eff   # a pandas Timestamp is a datetime
        eff = date.fromisoformat(str(eff)[:10]) if not isinstance(eff, date) else eff
        if eff > on or s["key"] not in RULES:
            continue
        rank = (eff, str(s.get("recorded_at", "")), s.get("rule_id", 0))
        if s["key"] not in best or rank > best[s["key"]][0]:
            value = s["value"]
            best[s["key"]] = (rank, json.loads(value) if isinstance(value, str) else value)
    out.update({k: v for k, (_, v) in best.items()})
    return out


def signoff(rules: Mapping[str, Any], action: str) -> str:
    """Who must confirm ``action`` under ``rules``: 'none', 'admin' (a second admin) or 'approver'."""
    return str(rules.get(f"signoff.{action}", "none"))


def label(key: str, lang: str = "zh") -> str:
    r = RULES.get(key)
    return key if r is None else (r.zh if lang == "zh" else r.en)


def describe(rules: Mapping[str, Any], lang: str = "zh") -> list[tuple[str, str]]:
    """(label, value as text) of every rule, for documents."""
    out = []
    for key, r in RULES.items():
        v = rules.get(key, r.default)
        if r.kind == "share":
            text = f"{float(v):.1%}"
        elif r.kind == "weights":
            text = ", ".join(f"{k} {float(x):.0%}" for k, x in v.items())
        elif r.kind == "bool":
            text = ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")
        else:
            text = str(v)
        out.append((label(key, lang), text))
    return out
