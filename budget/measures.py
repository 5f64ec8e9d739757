"""Measures (政策调节措施): validation, status rules and the automatic "late" status. Pure.

A measure belongs to one city, uses one instrument of ``data/policy_toolbox.csv`` (its ``code``),
has an owner (department, contact), planned start/end months ('YYYY-MM'), optional actual
start/end, an expected reduction (万吨 CO2 per year, with its basis), a cost (万元) and optionally
the indicator that shows its progress (e.g. ``out_crude_steel``).

Status: ``planned``, ``in_progress``, ``done``, ``late``, ``cancelled``. Every stored change has a
reason (``ALLOWED`` says which moves are allowed). "Late" is also *derived* at every read, as of a
date, from the dates and the quarterly progress reports (:func:`late_reason`):

- not started (no actual start) after the last day of the planned start month;
- started, not finished (no actual end) after the last day of the planned end month;
- a quarterly progress report missed: for a quarter that ended (while the measure had started
  and not yet ended) more than ``REPORT_GRACE_DAYS`` days ago, no report for that quarter.

So with planned start 2026-03 the measure is on time on 2026-03-31 and late on 2026-04-01;
the 2026-Q1 report is due by 2026-04-30 and missed on 2026-05-01.
"""
from __future__ import annotations

import calendar
import math
import re
from datetime import date, timedelta

import pandas as pd

from budget import config
from intake import text_policy

STATUSES = ("planned", "in_progress", "done", "late", "cancelled")
ALLOWED = {  # stored status -> statuses it may move to
    "planned": ("in_progress", "late", "cancelled", "done"),
    "in_progress": ("done", "late", "cancelled"),
    "late": ("in_progress", "done", "cancelled"),
    "done": (),
    "cancelled": (),
}
STATUS_LABELS = {
    "planned": {"zh": "计划中", "en": "Planned"}, "in_progress": {"zh": "实施中", "en": "In progress"},
    "done": {"zh": "已完成", "en": "Done"}, "late": {"zh": "滞后", "en": "Late"},
    "cancelled": {"zh": "已取消", "en": "Cancelled"},
}
REPORT_GRACE_DAYS = 30
#: Plausibility caps: a city's single measure above 10,000 万吨 CO2 a year (≈ a large province's
#: annual total) or a cost above 10^8 万元 is a typing error, not a measure.
MAX_REDUCTION = 10_000.0
MAX_COST = 1e8
MAX_TEXT = 500
YEARS = config.PLAUSIBLE_YEARS
_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
_QUARTER = re.compile(r"(\d{4})-Q([1-4])", re.ASCII)

MESSAGES = {
    "unknown_region": ("未知地区：{value}", "Unknown region: {value}"),
    "unknown_instrument": ("未知政策工具代码：{value}（见 data/policy_toolbox.csv 的 code 列）",
                           "Unknown instrument code: {value} (see the code column of data/policy_toolbox.csv)"),
    "unknown_indicator": ("未知指标：{value}", "Unknown indicator: {value}"),
    "blank": ("{field} 不能为空", "{field} must not be blank"),
    "too_long": ("{field} 超过 {max} 个字符", "{field} is longer than {max} characters"),
    "bad_month": ("{field} 须为 YYYY-MM 月份，收到 {value}", "{field} must be a month YYYY-MM, got {value}"),
    "bad_quarter": ("{field} 须为 YYYY-Qn 季度，收到 {value}", "{field} must be a quarter YYYY-Qn, got {value}"),
    "end_before_start": ("结束月份 {end} 早于开始月份 {start}", "End month {end} is before start month {start}"),
    "future_month": ("{field} {value} 晚于本月", "{field} {value} is after the current month"),
    "period_range": ("季度 {value} 不在该措施的报告期内（{first} 至 {last}）",
                     "Quarter {value} is outside the measure's reporting span ({first} to {last})"),
    "no_budget_year": ("{value} 年没有预算（已有预算的年度：{years}），不能申请",
                       "Year {value} has no budget (years with a budget: {years}); nothing to apply for"),
    "closed_year": ("{value} 年已由批准的年度决算关账，不能再申请", "Year {value} is closed by approved final accounts; no applications"),
    "bad_number": ("{field} 须为有限数值（0 至 {max}），收到 {value}",
                   "{field} must be a finite number from 0 to {max}, got {value}"),
    "bad_status": ("未知状态：{value}", "Unknown status: {value}"),
    "bad_transition": ("状态不能从 {old} 改为 {new}", "The status cannot move from {old} to {new}"),
    "unknown_measure": ("没有编号为 {value} 的措施", "No measure with id {value}"),
    "unknown_report": ("没有编号为 {value} 的进展报告", "No progress report with id {value}"),
    "unknown_application": ("没有编号为 {value} 的申请", "No application with id {value}"),
    "unknown_project": ("没有编号为 {value} 的重大项目", "No major project with id {value}"),
    "already_reviewed": ("申请 {value} 已审核，不能重复审核", "Application {value} has already been reviewed"),
    "bad_decision": ("未知审核决定：{value}", "Unknown decision: {value}"),
    "bad_kind": ("未知申请类型：{value}", "Unknown application kind: {value}"),
    "partly_amount": ("部分批准的额度须大于 0 且小于申请额度 {requested}，收到 {value}",
                      "A partial approval needs an amount above 0 and below the requested {requested}, got {value}"),
    "project_region": ("项目 {project} 位于 {project_region}，不属于 {value}",
                       "Project {project} is in {project_region}, not in {value}"),
    "ledger": ("账目被拒绝：{value}", "Ledger refused: {value}"),
}

FIELD_LABELS = {
    "region": ("地区", "region"), "title": ("标题", "title"), "instrument": ("政策工具", "instrument"),
    "owner": ("责任部门", "owner"), "contact": ("联系人", "contact"), "start": ("开始月份", "start"),
    "end": ("结束月份", "end"), "reduction": ("预期年减排量（万吨）", "reduction (10^4 t/yr)"),
    "cost": ("成本（万元）", "cost (10^4 yuan)"), "basis": ("测算依据", "basis"), "reason": ("理由", "reason"),
    "text": ("报告内容", "report text"), "value": ("累计减排量（万吨）", "achieved reduction (10^4 t)"),
    "amount": ("额度（万吨）", "amount (10^4 t)"), "comment": ("审核意见", "comment"), "name": ("名称", "name"),
    "sector": ("行业", "sector"), "co2": ("预计排放（万吨）", "expected emissions (10^4 t)"), "period": ("季度", "quarter"), "indicator": ("指标", "indicator"),
}


class MeasureError(ValueError):
    """Refused input: ``code`` keys ``MESSAGES``; ``message(lang)`` in zh or en; nothing was stored."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        zh, en = MESSAGES.get(self.code, (self.code, self.code))
        params = dict(self.params)
        if "field" in params:
            params["field"] = FIELD_LABELS.get(params["field"], (params["field"],) * 2)[0 if lang == "zh" else 1]
        try:
            return (zh if lang == "zh" else en).format(**params)
        except (KeyError, ValueError, IndexError):
            return f"{self.code}: {self.params}"

    @property
    def message_zh(self) -> str:
        return self.message("zh")

    @property
    def message_en(self) -> str:
        return self.message("en")


def parse_month(value, field: str = "month") -> tuple[int, int]:
    m = _MONTH.fullmatch(str(value or "").strip())
    if not m or not (1 <= int(m.group(2)) <= 12) or not (YEARS[0] <= int(m.group(1)) <= YEARS[1]):
        raise MeasureError("bad_month", field=field, value=value)
    return int(m.group(1)), int(m.group(2))


def parse_quarter(value, field: str = "period") -> tuple[int, int]:
    m = _QUARTER.fullmatch(str(value or "").strip())
    if not m or not (YEARS[0] <= int(m.group(1)) <= YEARS[1]):
        raise MeasureError("bad_quarter", field=field, value=value)
    return int(m.group(1)), int(m.group(2))


def _ym(value) -> tuple[int, int]:
    """A stored month read back: the format only (a month stored before the year bounds still reads)."""
    m = _MONTH.fullmatch(str(value or "").strip())
    if not m or not (1 <= int(m.group(2)) <= 12) or int(m.group(1)) < 1:
        raise MeasureError("bad_month", field="month", value=value)
    return int(m.group(1)), int(m.group(2))


def month_index(value) -> int:
    y, m = _ym(value)
    return y * 12 + m - 1


def month_end(value) -> date:
    y, m = _ym(value)
    return date(y, m, calendar.monthrange(y, m)[1])


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def text_field(value, field: str, required: bool = True, max_len: int = MAX_TEXT, multiline: bool | None = None) -> str | None:
    """A stored text through the one text policy (``intake.text_policy.normalize``: NFC, no control or
    bidi characters); ``multiline`` defaults to one line for short fields (names, titles, owners)."""
    one_line = (max_len <= text_policy.MAX_NAME) if multiline is None else not multiline
    s = text_policy.normalize(value, multiline=not one_line).strip()
    if not s:
        if required:
            raise MeasureError("blank", field=field)
        return None
    if len(s) > max_len:
        raise MeasureError("too_long", field=field, max=max_len)
    return s


def number(value, field: str, maximum: float, required: bool = True, positive: bool = False) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise MeasureError("bad_number", field=field, max=maximum, value=value)
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise MeasureError("bad_number", field=field, max=maximum, value=value) from None
    if not math.isfinite(x) or x < 0 or x > maximum or (positive and x == 0):
        raise MeasureError("bad_number", field=field, max=maximum, value=value)
    return x


def parse_emissions(text) -> dict[int, float]:
    """'2026=300, 2027=420' → {2026: 300.0, 2027: 420.0} (万吨 CO2 by year) or MeasureError."""
    out: dict[int, float] = {}
    for part in str(text or "").replace("，", ",").split(","):
        if not part.strip():
            continue
        year, _, value = part.partition("=")
        try:
            y = int(year.strip())
        except ValueError:
            raise MeasureError("bad_number", field="co2", max=MAX_REDUCTION, value=part.strip()) from None
        out[y] = number(value.strip(), "co2", MAX_REDUCTION)
    if not out:
        raise MeasureError("blank", field="co2")
    return out


def validate_measure(rec: dict, regions, instrument_codes, indicators=()) -> dict:
    """A cleaned copy of a new measure ``rec`` or MeasureError (the first problem)."""
    region = text_field(rec.get("region"), "region", max_len=64)
    if region not in set(regions):
        raise MeasureError("unknown_region", value=region)
    instrument = text_field(rec.get("instrument"), "instrument", max_len=64)
    if instrument not in set(instrument_codes):
        raise MeasureError("unknown_instrument", value=instrument)
    start, end = rec.get("planned_start"), rec.get("planned_end")
    parse_month(start, "start"), parse_month(end, "end")
    if month_index(end) < month_index(start):
        raise MeasureError("end_before_start", start=start, end=end)
    indicator = text_field(rec.get("indicator"), "indicator", required=False, max_len=64)
    if indicator is not None and indicator not in set(indicators):
        raise MeasureError("unknown_indicator", value=indicator)
    return {
        "region": region, "instrument": instrument,
        "title": text_field(rec.get("title"), "title", max_len=200),
        "owner_dept": text_field(rec.get("owner_dept"), "owner", max_len=200),
        "owner_contact": text_field(rec.get("owner_contact"), "contact", required=False, max_len=200),
        "planned_start": str(start).strip(), "planned_end": str(end).strip(),
        "reduction": number(rec.get("reduction"), "reduction", MAX_REDUCTION),
        "reduction_basis": text_field(rec.get("reduction_basis"), "basis", required=False),
        "cost": number(rec.get("cost"), "cost", MAX_COST, required=False),
        "indicator": indicator,
    }


def check_transition(old: str, new: str, reason, actual_start=None, actual_end=None, *, previous_start=None,
                     today: date | None = None) -> dict:
    """The cleaned status change (status, reason, actual_start, actual_end) or MeasureError: actual months
    not after ``today``'s month, and the end not before the start (``actual_start`` or, when it is not
    given, the measure's ``previous_start``)."""
    if new not in STATUSES:
        raise MeasureError("bad_status", value=new)
    if new not in ALLOWED.get(old, ()):
        raise MeasureError("bad_transition", old=old, new=new)
    out = {"status": new, "reason": text_field(reason, "reason"), "actual_start": None, "actual_end": None}
    for key, value in (("actual_start", actual_start), ("actual_end", actual_end)):
        if value not in (None, ""):
            parse_month(value, key)
            out[key] = str(value).strip()
            if today is not None and month_index(out[key]) > today.year * 12 + today.month - 1:
                raise MeasureError("future_month", field=key, value=out[key])
    start = out["actual_start"] or (str(previous_start).strip() if _given(previous_start) else None)
    if start and out["actual_end"] and month_index(out["actual_end"]) < month_index(start):
        raise MeasureError("end_before_start", start=start, end=out["actual_end"])
    return out


def report_span(m: dict, today: date) -> tuple[str, str]:
    """(first, last) quarter a progress report on measure ``m`` may be for: from the quarter of its planned
    or actual start, whichever is earlier, to the current quarter."""
    starts = [m.get("planned_start")] + ([m["actual_start"]] if _given(m.get("actual_start")) else [])
    first = min(month_index(x) for x in starts)
    return f"{first // 12}-Q{(first % 12) // 3 + 1}", quarter_of(today)


def check_report_period(period, m: dict, today: date) -> str:
    """``period`` ('YYYY-Qn') when it lies in ``report_span(m, today)``, else MeasureError."""
    y, q = parse_quarter(period, "period")
    first, last = report_span(m, today)
    if not (parse_quarter(first) <= (y, q) <= parse_quarter(last)):
        raise MeasureError("period_range", value=f"{y}-Q{q}", first=first, last=last)
    return f"{y}-Q{q}"


def check_application_year(year: int, kind: str, budget_years, closed_years) -> int:
    """An application's year has a budget in the books (for an advance, the next year too, which it draws
    on) and is not closed by approved final accounts; else MeasureError."""
    years = sorted(int(y) for y in budget_years)
    listed = ", ".join(map(str, years)) or "—"
    needed = (year, year + 1) if kind == "advance" else (year,)
    for y in needed:
        if y not in set(years):
            raise MeasureError("no_budget_year", value=y, years=listed)
    for y in needed:
        if y in set(int(c) for c in closed_years):
            raise MeasureError("closed_year", value=y)
    return int(year)


def _quarters_between(first: date, last: date):
    """Quarters (year, q, first_day, last_day) overlapping [first, last]."""
    y, q = first.year, (first.month - 1) // 3 + 1
    while True:
        q_first = date(y, 3 * q - 2, 1)
        if q_first > last:
            return
        q_last = date(y, 3 * q, calendar.monthrange(y, 3 * q)[1])
        yield y, q, q_first, q_last
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)


def late_reason(m: dict, reported_quarters, today: date) -> tuple[str, str] | None:
    """(reason_zh, reason_en) when measure ``m`` is late on ``today``, else None (see module docs).

    ``m``: stored status, planned_start, planned_end, actual_start, actual_end (months or None).
    ``reported_quarters``: the quarters ('YYYY-Qn') with a progress report.
    """
    if m.get("status") in ("done", "cancelled"):
        return None
    started, ended = _given(m.get("actual_start")), _given(m.get("actual_end"))
    if not started and today > month_end(m["planned_start"]):
        return (f"计划 {m['planned_start']} 开始，至今未开始", f"planned to start in {m['planned_start']}, not started")
    if started and not ended and today > month_end(m["planned_end"]):
        return (f"计划 {m['planned_end']} 完成，至今未完成", f"planned to finish in {m['planned_end']}, not finished")
    if started:
        first = date(*_ym(m["actual_start"]), 1)
        last = month_end(m["actual_end"]) if ended else today
        done = set(reported_quarters or ())
        for y, q, _, q_last in _quarters_between(first, min(last, today)):
            label = f"{y}-Q{q}"
            if today > q_last + timedelta(days=REPORT_GRACE_DAYS) and label not in done:
                return (f"{label} 季度进展报告逾期未报", f"the {label} progress report is overdue")
    if m.get("status") == "late":
        return (str(m.get("reason") or "已标为滞后"), str(m.get("reason") or "marked late"))
    return None


def _given(x) -> bool:
    return isinstance(x, str) and bool(x.strip())


def measure_states(measures: pd.DataFrame, reports: pd.DataFrame | None, today: date) -> pd.DataFrame:
    """``measures`` (stored status and reason per measure) with ``effective_status``,
    ``status_reason_zh``/``_en`` and ``auto_late`` (late derived from dates and reports)."""
    out = measures.copy()
    by_measure: dict = {}
    if reports is not None and len(reports):
        for mid, period in zip(reports["measure_id"], reports["period"]):
            by_measure.setdefault(int(mid), set()).add(str(period))
    eff, rzh, ren, auto = [], [], [], []
    for rec in out.to_dict("records"):
        why = late_reason(rec, by_measure.get(int(rec["measure_id"]), set()), today)
        stored = rec.get("status") or "planned"
        if why is not None:
            eff.append("late")
            rzh.append(why[0]), ren.append(why[1]), auto.append(stored != "late" or why[1] != str(rec.get("reason")))
        else:
            reason = "" if rec.get("reason") is None else str(rec.get("reason"))
            eff.append(stored), rzh.append(reason), ren.append(reason), auto.append(False)
    out["effective_status"], out["status_reason_zh"], out["status_reason_en"], out["auto_late"] = eff, rzh, ren, auto
    return out


def status_label(status: str, lang: str = "zh") -> str:
    return STATUS_LABELS.get(status, {}).get(lang, str(status))
