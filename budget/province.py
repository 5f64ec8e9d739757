"""The province as general contractor (总承包人): the pure rules of objections (异议), filings upward
(备案), public notices (公示), assessment consequences (奖优罚劣) and capacity funding. No I/O.

Config block (the one place of these constants):

- ``OBJECTION_KINDS``: what a city may object to — its allocation in a ``plan`` (id = plan id), a
  year's ``close`` adjustment (id = year), its five-year ``assessment`` (id = YYYY-YYYY), or a plan
  ``comment`` it made that was not taken up (id = comment id).
- ``DECISIONS``: an admin's answer (accepted, partly, refused), always with reasons.
- ``FILING_KINDS`` and ``FILING_DUE_DAYS``: what is filed with the centre and within how many days of
  its approval (an approved item not filed by then is overdue). ``FILING_RECIPIENT``: to whom.
- ``ACTION_MEASURES``: the consequences of an assessment by kind; ``GRADE_KINDS``: which kinds a
  grade admits (reward the good, hold the bad to account; 合格 may get either).
- ``FUND_PURPOSES``: capacity funding (monitoring, verification, reporting), amounts in 万元.
"""
from __future__ import annotations

import math
import re

OBJECTION_KINDS = ("plan", "close", "assessment", "comment")
DECISIONS = ("accepted", "partly", "refused")
FILING_KINDS = ("plan", "registry", "close", "five-year")
FILING_DUE_DAYS = 30
FILING_RECIPIENT = "生态环境部 / Ministry of Ecology and Environment"
ACTION_KINDS = ("reward", "accountability")
ACTION_MEASURES = {
    "reward": ("special_funds", "policy_tilt", "commendation"),
    "accountability": ("criticism", "interview", "restriction"),
}
GRADE_KINDS = {"excellent": ("reward",), "good": ("reward",), "pass": ("reward", "accountability"),
               "fail": ("accountability",)}
FUND_PURPOSES = ("monitoring", "verification", "reporting")
MAX_TEXT = 4000
#: Largest plausible single capacity grant or special fund (万元): 10^7 万元 = 1,000 亿元.
MAX_FUNDS = 1e7
#: Largest plausible requested amount in an objection (万吨 CO2), as the ledger's cap.
MAX_REQUEST = 5e6

LABELS = {
    "plan": ("预算方案分配", "plan allocation"), "close": ("年度决算调节", "year-close adjustment"),
    "assessment": ("五年考核", "five-year assessment"), "comment": ("对草案的意见", "comment on a draft"),
    "accepted": ("采纳", "accepted"), "partly": ("部分采纳", "partly accepted"), "refused": ("不予采纳", "refused"),
    "registry": ("重点排放单位名录", "key-emitter list"), "five-year": ("五年决算与考核", "five-year close and assessment"),
    "reward": ("奖励", "reward"), "accountability": ("问责", "accountability"),
    "special_funds": ("专项资金支持", "special funds"), "policy_tilt": ("政策倾斜", "policy tilt"),
    "commendation": ("通报表扬", "public commendation"), "criticism": ("通报批评", "public criticism"),
    "interview": ("约谈", "interview with the leadership"), "restriction": ("区域限批", "regional approval restriction"),
    "monitoring": ("监测", "monitoring"), "verification": ("核查", "verification"), "reporting": ("报告", "reporting"),
    "open": ("待答复", "open"),
}

MESSAGES = {
    "bad_kind": ("{field} 须为 {allowed} 之一，收到 {value}", "{field} must be one of {allowed}, got {value}"),
    "bad_about": ("--about 须为 KIND:ID（KIND 为 {allowed}），收到 {value}",
                  "--about must be KIND:ID (KIND one of {allowed}), got {value}"),
    "blank": ("{field} 不能为空", "{field} must not be blank"),
    "too_long": ("{field} 超过 {max} 个字符", "{field} is longer than {max} characters"),
    "bad_number": ("{field} 须为 0 至 {max} 的有限数值，收到 {value}", "{field} must be a finite number from 0 to {max}, got {value}"),
    "bad_year": ("年份无效：{value}", "Not a year: {value}"),
    "bad_period": ("期间须为 YYYY-YYYY，收到 {value}", "The period must be YYYY-YYYY, got {value}"),
    "unknown_region": ("没有代码为 {value} 的地区", "No region with code {value}"),
    "not_found": ("没有{what}：{value}", "No {what_en}: {value}"),
    "not_approved": ("{what}尚未批准，不能{act}：{value}", "{what_en} is not approved yet; cannot {act_en}: {value}"),
    "wrong_region": ("{what} {value} 不属于地区 {region}", "{what_en} {value} does not concern region {region}"),
    "already_answered": ("{what} {value} 已答复，不能重复答复", "{what_en} {value} has already been answered"),
    "already_received": ("备案 {value} 已登记回执", "Filing {value} already has its receipt"),
    "grade_kind": ("等级为{grade}的城市不适用{kind}措施（{allowed}）",
                   "A city graded {grade_en} cannot get a {kind_en} action (allowed: {allowed})"),
    "no_grade": ("{region} 在 {period} 尚无考核结果，不能记录奖惩", "{region} has no assessment for {period}: no action can be recorded"),
    "amount_needed": ("专项资金须填写金额（万元）", "Special funds need an amount (10^4 yuan)"),
    "list_changed": ("名录在提交后已变化，请重新提交审定", "The list changed after it was proposed; propose it again"),
    "empty_list": ("名录为空，无可审定的内容", "The key-emitter list is empty: nothing to approve"),
    "bad_email": ("邮箱地址无效：{value}", "Not an e-mail address: {value}"),
    "no_smtp": ("未配置邮件服务器：请设置环境变量 {var}", "No mail server configured: set the environment variable {var}"),
    "no_address": ("用户 {value} 没有登记邮箱", "User {value} has no e-mail address on record"),
    "out_dir": ("输出目录无效：{value}", "Bad output folder: {value}"),
}
FIELDS = {"text": ("内容", "text"), "amount": ("金额", "amount"), "decision": ("答复决定", "decision"),
          "kind": ("类型", "kind"), "purpose": ("用途", "purpose"), "measure": ("措施", "measure"),
          "requested": ("申请量", "requested amount"), "receipt": ("回执", "receipt"), "id": ("编号", "id")}


class ProvinceError(ValueError):
    """Refused input (``code`` keys ``MESSAGES``); ``message_zh`` / ``message_en``; nothing was stored."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        zh, en = MESSAGES.get(self.code, (self.code, self.code))
        p = dict(self.params)
        if "field" in p:
            p["field"] = FIELDS.get(p["field"], (p["field"],) * 2)[0 if lang == "zh" else 1]
        try:
            return (zh if lang == "zh" else en).format(**p)
        except (KeyError, ValueError, IndexError):
            return f"{self.code}: {self.params}"

    @property
    def message_zh(self) -> str:
        return self.message("zh")

    @property
    def message_en(self) -> str:
        return self.message("en")


def label(key: str, lang: str = "zh") -> str:
    return LABELS.get(key, (key, key))[0 if lang == "zh" else 1]


def choice(value, allowed, field: str) -> str:
    v = str(value or "").strip()
    if v not in allowed:
        raise ProvinceError("bad_kind", field=field, allowed=", ".join(allowed), value=value)
    return v


def text(value, field: str = "text", required: bool = True, max_len: int = MAX_TEXT) -> str | None:
    v = " ".join(str(value).split()) if value is not None else ""
    if not v:
        if required:
            raise ProvinceError("blank", field=field)
        return None
    if len(v) > max_len:
        raise ProvinceError("too_long", field=field, max=max_len)
    return v


def number(value, field: str, maximum: float, required: bool = False, positive: bool = False) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ProvinceError("blank", field=field)
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ProvinceError("bad_number", field=field, max=f"{maximum:g}", value=value) from None
    if not math.isfinite(x) or x < 0 or x > maximum or (positive and x == 0):
        raise ProvinceError("bad_number", field=field, max=f"{maximum:g}", value=value)
    return x


def year(value) -> int:
    try:
        y = int(str(value).strip())
    except (TypeError, ValueError):
        raise ProvinceError("bad_year", value=value) from None
    if not 1900 <= y <= 2200:
        raise ProvinceError("bad_year", value=value)
    return y


def period(value) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{4})\s*[-–]\s*(\d{4})\s*", str(value or ""), re.ASCII)
    if not m or not (1900 <= int(m.group(1)) <= int(m.group(2)) <= 2200) or int(m.group(2)) - int(m.group(1)) > 9:
        raise ProvinceError("bad_period", value=value)
    return int(m.group(1)), int(m.group(2))


def parse_about(value) -> tuple[str, str]:
    """``KIND:ID`` → (kind, normalised id): plan id as is, a year, a YYYY-YYYY period, a comment number."""
    kind, sep, ident = str(value or "").partition(":")
    kind, ident = kind.strip(), ident.strip()
    if not sep or kind not in OBJECTION_KINDS or not ident:
        raise ProvinceError("bad_about", allowed="|".join(OBJECTION_KINDS), value=value)
    if kind == "close":
        ident = str(year(ident))
    elif kind == "assessment":
        a, b = period(ident)
        ident = f"{a}-{b}"
    elif kind == "comment":
        if not ident.isdigit():
            raise ProvinceError("bad_about", allowed="|".join(OBJECTION_KINDS), value=value)
        ident = str(int(ident))
    return kind, ident


def check_action(kind: str, measure: str | None, grade: str | None, amount) -> tuple[str, str, float | None]:
    """(kind, measure, amount) for an assessment action on a city graded ``grade`` (see GRADE_KINDS)."""
    kind = choice(kind, ACTION_KINDS, "kind")
    measure = choice(measure or ACTION_MEASURES[kind][0], ACTION_MEASURES[kind], "measure")
    allowed = GRADE_KINDS.get(str(grade), ())
    if kind not in allowed:
        raise ProvinceError("grade_kind", grade=label_grade(grade, "zh"), grade_en=label_grade(grade, "en"),
                            kind=label(kind, "zh"), kind_en=label(kind, "en"), allowed=", ".join(allowed) or "—")
    amt = number(amount, "amount", MAX_FUNDS)
    if measure == "special_funds" and not amt:
        raise ProvinceError("amount_needed")
    return kind, measure, amt


def label_grade(grade, lang: str = "zh") -> str:
    from budget.evaluation import GRADE_LABELS

    return GRADE_LABELS.get(str(grade), {}).get(lang, "—")


_EMAIL = re.compile(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+", re.ASCII)


def email(value) -> str:
    v = str(value or "").strip()
    if len(v) > 254 or not _EMAIL.fullmatch(v):
        raise ProvinceError("bad_email", value=value)
    return v
