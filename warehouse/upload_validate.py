"""Validate a :class:`RawUpload` against the warehouse's reference tables. Pure pandas, vectorised.

Every problem becomes a report row (row, column, value, severity, code, problem/fix in zh and en);
``clean`` holds only rows without errors, in canonical units. Nothing is split, guessed or dropped silently.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from warehouse import catalog
from warehouse.upload_reader import RawUpload, _SafeDict, norm_key

REPORT_COLUMNS = ["row", "column", "value", "severity", "code", "problem_zh", "problem_en", "fix_zh", "fix_en"]
CLEAN_COLUMNS = ["region", "period", "indicator", "value", "row"]
NEGATIVE_OK = frozenset({"elec_net_import"})
FREQ_KIND = {"monthly": "month", "quarterly": "quarter", "yearly": "year", "annual": "year"}
SLIP_RATIO, YOY_BREAK, MIN_HISTORY = 10.0, 0.5, 3
BLANKS = frozenset({"", "-", "--", "—", "——", "–", "/", "…", "...", "无", "n/a", "na", "null", "none"})
_CN_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_ZH_SUFFIX = re.compile(r"(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|地区|省|市|盟)$")
_EN_SUFFIX = re.compile(r"(city|province|municipality|prefecture|shi|sheng)$")
_FORMULA = r"^\s*(?:[=@]|[+\-][^\d.\s\-]|.*\|.*!)"

MESSAGES: dict[str, tuple[str, str, str, str]] = {
    "formula": ("内容像公式或命令：{value}（不会执行）。", "Formula-like text (never evaluated): {value}.",
                "只填写数值或文字；公式请“选择性粘贴→数值”。", "Enter plain values; paste formulas as values."),
    "missing_region": ("地区为空。", "Region is blank.", "请填写地区名称或代码（合并单元格导出为 CSV 会丢失内容）。",
                       "Fill in the region name or code (merged cells exported to CSV lose their text)."),
    "unknown_region": ("未知地区“{value}”。", "Unknown region '{value}'.", "请检查名称。{suggest_zh}",
                       "Check the name. {suggest_en}"),
    "ambiguous_region": ("地区“{value}”有多个匹配：{candidates}。", "Region '{value}' matches several: {candidates}.",
                         "请写全称（带“市/省”）或代码。", "Use the full name (with 市/省) or the code."),
    "missing_indicator": ("指标为空。", "Indicator is blank.", "请填写指标名称或代码。", "Fill in the indicator name or code."),
    "unknown_indicator": ("未知指标“{value}”。", "Unknown indicator '{value}'.", "请使用模板中的指标名称。{suggest_zh}",
                          "Use an indicator name from the template. {suggest_en}"),
    "missing_unit": ("单位为空。", "Unit is blank.", "请填写单位，如 {canonical}。", "Fill in the unit, e.g. {canonical}."),
    "unknown_unit": ("未知单位“{value}”。", "Unknown unit '{value}'.", "可用单位：{suggest}。", "Accepted units: {suggest}."),
    "unit_mismatch": ("单位“{value}”不适用于“{indicator}”（应折算为 {canonical}）。",
                      "Unit '{value}' does not fit '{indicator}' (canonical {canonical}).",
                      "可用单位：{suggest}。", "Accepted units: {suggest}."),
    "blank_value": ("数值为空，该行未读取。", "Value is blank; row not read.",
                    "如有数据请补填；无数据可删除该行。", "Fill it in if known; otherwise delete the row."),
    "bad_number": ("无法识别的数值“{value}”。", "Unreadable number '{value}'.",
                   "只填写数字（可含千分位逗号），不要写单位或文字。", "Enter digits only (thousands commas allowed), no units or text."),
    "percent_value": ("数值“{value}”是百分比。", "Value '{value}' is a percentage.",
                      "请填写绝对量（按单位列的单位），不要填增速。", "Enter the absolute amount in the stated unit, not a growth rate."),
    "paren_negative": ("数值“{value}”带括号，可能表示负数。", "Value '{value}' is in parentheses (accounting negative?).",
                       "如为负数请写成 -{inner}；否则去掉括号。", "If negative write -{inner}; otherwise remove the parentheses."),
    "excel_error": ("单元格是 Excel 错误值 {value}。", "The cell is an Excel error {value}.",
                    "请在 Excel 中修正公式后按数值粘贴。", "Fix the formula in Excel and paste as values."),
    "missing_period": ("时期为空。", "Period is blank.", "请填写时期，如 2026-03。", "Fill in the period, e.g. 2026-03."),
    "bad_period": ("无法识别的时期“{value}”。", "Unreadable period '{value}'.",
                   "月份写作 2026-03 或 2026年3月，季度写作 2026Q1。", "Write months as 2026-03, quarters as 2026-Q1."),
    "ambiguous_period": ("时期“{value}”有歧义：可能是 1 月或 10 月。", "Period '{value}' is ambiguous: January or October.",
                         "请写作 2026-01 或 2026-10（设为文本格式）。", "Write 2026-01 or 2026-10 (formatted as text)."),
    "combined_period": ("“{value}”是多个月的合计数（{period}），不能作为月度数据存储，系统不会自动拆分。",
                        "'{value}' is a figure for several months combined ({period}); it cannot be stored as "
                        "monthly data and is never split automatically.",
                        "请分别填报各月数据；若只有合计数，请从本表删除该行，另行单独报送合计数。",
                        "Upload each month separately; if only the combined figure exists, remove this row and "
                        "submit the combined figure separately."),
    "period_frequency": ("“{indicator}”是{freq_zh}指标，不能填报时期“{value}”。",
                         "'{indicator}' is {freq} data; period '{value}' does not fit.",
                         "请按{freq_zh}填报。", "Upload it per {expected}."),
    "future_period": ("时期“{value}”晚于当前月份 {today}。", "Period '{value}' is after the current month {today}.",
                      "请检查年份和月份。", "Check the year and month."),
    "negative_value": ("“{indicator}”的数值为负：{value}。", "Negative value for '{indicator}': {value}.",
                       "该指标不能为负；请核实（累计值相减可能出现负数）。",
                       "This indicator cannot be negative; check it (differenced year-to-date figures can go negative)."),
    "duplicate_conflict": ("与第 {others} 行重复（同一地区、时期、指标）但数值不同：{values}。",
                           "Duplicates rows {others} (same region, period, indicator) with different values: {values}.",
                           "请只保留一行正确数值。", "Keep one row with the correct value."),
    "duplicate_identical": ("与第 {others} 行完全重复，只保留一行。", "Identical duplicate of row {others}; kept once.",
                            "可删除重复行。", "You may delete the duplicate row."),
    "unit_slip": ("数值是该地区历史中位数 {median} 的 {ratio} 倍。{guess_zh}",
                  "Value is {ratio}× the region's history median {median}. {guess_en}",
                  "请核对单位（万千瓦时/亿千瓦时、吨/万吨）。", "Check the unit (万 vs 亿, 吨 vs 万吨)."),
    "yoy_break": ("与去年同期 {prev} 相比变化 {change}。", "Changes {change} against the same period last year ({prev}).",
                  "请核实；如属实可忽略。", "Check it; ignore if correct."),
    "revision": ("将修订已存储的数值：{old} → {new}（{change}）。", "Revises a stored value: {old} → {new} ({change}).",
                 "如为修订请确认；否则请核对。", "Confirm if this is a revision; otherwise check it."),
    "region_not_uploaded": ("上次上传包含地区“{region}”，本次缺少（{n} 个指标）。",
                            "Region '{region}' was in the last upload but is missing now ({n} indicators).",
                            "请确认是否漏报。", "Check whether it was left out."),
    "indicator_not_uploaded": ("“{region}”缺少上次上传过的指标：{indicators}。",
                               "'{region}' lacks indicators it had last time: {indicators}.",
                               "请确认是否漏报。", "Check whether they were left out."),
}


def _empty(*cols: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="str") for c in cols})


@dataclass
class Reference:
    regions: pd.DataFrame                       # code, name_zh, name_en, parent, level
    aliases: pd.DataFrame = field(default_factory=lambda: _empty("alias", "code"))
    indicators: pd.DataFrame = field(default_factory=catalog.indicators)
    units: pd.DataFrame = field(default_factory=catalog.units)
    history: pd.DataFrame = field(default_factory=lambda: _empty("region", "period", "indicator", "value"))
    last_upload: pd.DataFrame = field(default_factory=lambda: _empty("region", "indicator"))


@dataclass
class Validation:
    clean: pd.DataFrame     # region, period, indicator, value (canonical unit), row
    report: pd.DataFrame    # REPORT_COLUMNS

    @property
    def ok(self) -> bool:
        return not self.report["severity"].eq("error").any()

    @property
    def n_errors(self) -> int:
        return int(self.report["severity"].eq("error").sum())

    @property
    def n_warnings(self) -> int:
        return int(self.report["severity"].eq("warning").sum())


# ---------------------------------------------------------------- parsing helpers (their one home)

def _nfkc(text: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


def parse_period(text: object) -> tuple[str | None, str | None, str | None]:
    """-> (period, kind, error). kind: month|combined|quarter|year; combined months -> 'YYYY-MM..MM'."""
    s = _nfkc(text).replace("份", "").replace("－", "-")
    if not s:
        return None, None, "missing_period"
    m = (re.fullmatch(r"(\d{4})年?[-/_.]?[Qq]([1-4])", s) or re.fullmatch(r"(\d{4})年?第?([一二三四1-4])季度?", s))
    if m:
        return _year_ok(m[1], f"{m[1]}-Q{_CN_Q[m[2]]}", "quarter")
    m = re.fullmatch(r"[Qq]([1-4])[-/_.]?(\d{4})", s)
    if m:
        return _year_ok(m[2], f"{m[2]}-Q{m[1]}", "quarter")
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T]?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", s)
    if m:
        if int(m[3]) != 1:
            return None, None, "bad_period"
        s = f"{m[1]}-{m[2]}"
    if re.fullmatch(r"\d{4}\.1", s):
        return None, None, "ambiguous_period"
    m = re.fullmatch(r"(\d{4})(?:年|[-/._])?(\d{1,2})月?[-—–~～至到](\d{1,2})月?", s)
    if m:
        a, b = int(m[2]), int(m[3])
        if 1 <= a < b <= 12:
            return _year_ok(m[1], f"{m[1]}-{a:02d}..{b:02d}", "combined")
        return None, None, "bad_period"
    m = re.fullmatch(r"(\d{4})(?:年|[-/._])(\d{1,2})月?", s) or re.fullmatch(r"(\d{4})(\d{2})", s)
    if m:
        if 1 <= int(m[2]) <= 12:
            return _year_ok(m[1], f"{m[1]}-{int(m[2]):02d}", "month")
        return None, None, "bad_period"
    m = re.fullmatch(r"(\d{4})年?(?:度|全年)?", s)
    if m:
        return _year_ok(m[1], m[1], "year")
    return None, None, "bad_period"


def _year_ok(year: str, period: str, kind: str) -> tuple[str | None, str | None, str | None]:
    return (period, kind, None) if 1990 <= int(year) <= 2100 else (None, None, "bad_period")


def _last_month(period: str, kind: str) -> int:
    """Months since year 0 of the last month the period covers."""
    y = int(period[:4])
    m = {"month": lambda: int(period[5:7]), "combined": lambda: int(period[-2:]),
         "quarter": lambda: 3 * int(period[-1]), "year": lambda: 12}[kind]()
    return y * 12 + m - 1


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised: -> (float values, error code or None). Blanks ('', '-', '—') give NaN and no error."""
    return _parse_numbers(values)[:2]


def _parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    n = values.fillna("").astype("str").str.normalize("NFKC").str.replace("−", "-", regex=False)
    n = n.str.replace(r"\s+", "", regex=True)
    blank = n.str.lower().isin(BLANKS)
    grouped = n.str.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
    clean = n.where(~grouped, n.str.replace(",", "", regex=False))
    plain = clean.str.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
    nums = pd.to_numeric(clean.where(plain, None), errors="coerce").astype("float64")
    err = np.select(
        [blank | plain, n.str.match(r"#[A-Z/0!?_]+"), n.str.contains("[%‰]", regex=True),
         n.str.fullmatch(r"\([\d.,]+\)")],
        [None, "excel_error", "percent_value", "paren_negative"], "bad_number")
    return nums.where(plain), pd.Series(err, index=values.index, dtype="object"), clean


def parse_number(text: object) -> tuple[float | None, str | None]:
    """'１２３，４５６．７' -> (123456.7, None); blank/'-' -> (None, None); '5%' -> (None, 'percent_value')."""
    vals, errs = parse_numbers(pd.Series([text if text is not None else ""], dtype="object"))
    v = vals.iloc[0]
    return (None if pd.isna(v) else float(v)), errs.iloc[0]


def report_for_export(report: pd.DataFrame) -> pd.DataFrame:
    """Copy of the report safe to write to CSV/xlsx: formula-like text is prefixed with an apostrophe."""
    out = report.copy()
    for col in ("value", "problem_zh", "problem_en", "column"):
        s = out[col].astype("str")
        out[col] = s.where(~s.str.match(r"^\s*[=+\-@]"), "'" + s)
    return out


# ---------------------------------------------------------------- lookups

def _strip_suffix(key: str) -> str:
    return _EN_SUFFIX.sub("", _ZH_SUFFIX.sub("", key)) or key


def _lookup(keys: dict[str, set[str]], stripped: dict[str, set[str]], key: str) -> set[str]:
    return keys.get(key) or stripped.get(_strip_suffix(key)) or set()


def _index(pairs: list[tuple[str, str]], strip: bool) -> tuple[dict, dict]:
    keys: dict[str, set[str]] = {}
    stripped: dict[str, set[str]] = {}
    for name, code in pairs:
        k = norm_key(name)
        if k:
            keys.setdefault(k, set()).add(code)
            if strip:
                stripped.setdefault(_strip_suffix(k), set()).add(code)
    return keys, stripped


def _suggest(text: str, names: dict[str, str], n: int = 3) -> tuple[str, str]:
    hits = difflib.get_close_matches(_nfkc(text), list(names), n=n, cutoff=0.5)
    hits += [h for h in difflib.get_close_matches(_nfkc(text).lower(), [k.lower() for k in names], n=n, cutoff=0.6)
             if h not in hits]
    lower = {k.lower(): v for k, v in names.items()}
    labels = list(dict.fromkeys(names.get(h) or lower[h] for h in hits))[:n]
    return (f"是否为：{'、'.join(labels)}？", f"Did you mean: {', '.join(labels)}?") if labels else ("", "")


def _unit_key(text: object) -> str:
    return norm_key(text).replace("小时", "时").replace("•", "")


def _unit_table(units: pd.DataFrame) -> dict[str, tuple[str, float, str]]:
    table: dict[str, tuple[str, float, str]] = {}
    for u, cu, f in units[["unit", "canonical_unit", "factor"]].itertuples(index=False):
        for k in {_unit_key(u), _unit_key(u).replace("千瓦时", "kwh")}:
            table.setdefault(k, (cu, float(f), u))
    return table


# ---------------------------------------------------------------- report building

class _Report:
    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def add(self, code: str, rows: pd.DataFrame, column, value, severity: str = "error", **params) -> None:
        if len(rows) == 0:
            return
        n = len(rows)
        cols = {k: (list(v) if isinstance(v, (pd.Series, list, np.ndarray)) else [v] * n)
                for k, v in dict(params, value=value, column=column).items()}
        recs = [_SafeDict({k: cols[k][i] for k in cols}) for i in range(n)]
        zh, en, fzh, fen = MESSAGES[code]
        self.parts.append(pd.DataFrame({
            "row": pd.array(list(rows["row"]) if "row" in rows else [None] * n, dtype="Int64"),
            "column": cols["column"], "value": cols["value"], "severity": severity, "code": code,
            "problem_zh": [zh.format_map(r) for r in recs], "problem_en": [en.format_map(r) for r in recs],
            "fix_zh": [fzh.format_map(r) for r in recs], "fix_en": [fen.format_map(r) for r in recs]}))

    def frame(self) -> pd.DataFrame:
        parts = [p.astype({c: "str" for c in REPORT_COLUMNS if c != "row"}) for p in self.parts]
        if not parts:
            return pd.DataFrame({c: pd.Series([], dtype="Int64" if c == "row" else "str") for c in REPORT_COLUMNS})
        rep = pd.concat(parts, ignore_index=True)
        rep["_s"] = rep["severity"].ne("error")
        rep = rep.sort_values(["row", "_s", "code"], na_position="first", kind="stable")
        return rep.drop(columns="_s").reset_index(drop=True)[REPORT_COLUMNS]


def _fmt(x: float) -> str:
    return f"{x:,.6g}" if abs(x) < 1e6 else f"{x:,.0f}"


# ---------------------------------------------------------------- validate

def validate(raw: RawUpload, ref: Reference, today: dt.date) -> Validation:
    rep = _Report()
    for p in raw.problems:
        rep.parts.append(pd.DataFrame({
            "row": pd.array([p.row], dtype="Int64"), "column": [p.column or ""], "value": [p.value or ""],
            "severity": [p.severity], "code": [p.code], "problem_zh": [p.message_zh], "problem_en": [p.message_en],
            "fix_zh": [p.fix_zh], "fix_en": [p.fix_en]}))
    df = raw.rows.reset_index(drop=True)
    if len(df) == 0:
        return Validation(pd.DataFrame({c: pd.Series([], dtype="int64" if c == "row" else
                                                     "float64" if c == "value" else "str") for c in CLEAN_COLUMNS}),
                          rep.frame())
    cols = raw.columns
    colname = {"region": cols.get("region", "region"), "period": cols.get("period", "period"),
               "indicator": cols["indicator"] if "indicator" in cols else df["column"],
               "value": df["column"], "unit": df["unit_column"]}
    bad = pd.Series(False, index=df.index)

    def flag(code: str, mask: pd.Series, role: str, severity: str = "error", **params) -> None:
        nonlocal bad
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        c = colname[role]
        p = {k: (v[mask] if isinstance(v, pd.Series) else v) for k, v in params.items()}
        rep.add(code, df[mask], c[mask] if isinstance(c, pd.Series) else c, df.loc[mask, role], severity, **p)
        if severity == "error":
            bad = bad | mask

    # formula-like text in any field is never parsed further
    formula = {}
    for r in ("region", "period", "indicator", "value", "unit"):
        m = df[r].str.contains(r"[=@+|\-]", regex=True)
        formula[r] = df.loc[m, r].astype(object).str.match(_FORMULA).reindex(df.index, fill_value=False).astype(bool)
    for r, m in formula.items():
        flag("formula", m, r)

    # regions
    rg = ref.regions.astype({"code": "str"})
    pairs = [(c, c) for c in rg["code"]] + list(zip(rg["name_zh"], rg["code"])) + list(zip(rg["name_en"], rg["code"]))
    pairs += list(zip(ref.aliases["alias"], ref.aliases["code"]))
    keys, stripped = _index([(str(a), str(b)) for a, b in pairs if isinstance(a, str)], strip=True)
    label = {c: f"{z} ({c})" for c, z in zip(rg["code"], rg["name_zh"])}
    names = {str(a): label.get(str(b), str(b)) for a, b in pairs if isinstance(a, str) and a}
    uniq = {u: _lookup(keys, stripped, norm_key(u)) for u in df["region"].unique()}
    hits = df["region"].map({u: len(c) for u, c in uniq.items()})
    df["region_code"] = df["region"].map({u: next(iter(c)) for u, c in uniq.items() if len(c) == 1})
    flag("missing_region", df["region"].eq(""), "region")
    unknown = hits.eq(0) & df["region"].ne("") & ~formula["region"]
    sug = {u: _suggest(u, names) for u in df.loc[unknown, "region"].unique()}
    flag("unknown_region", unknown, "region", suggest_zh=df["region"].map({u: v[0] for u, v in sug.items()}),
         suggest_en=df["region"].map({u: v[1] for u, v in sug.items()}))
    flag("ambiguous_region", hits.gt(1), "region",
         candidates=df["region"].map({u: "、".join(sorted(label.get(x, x) for x in c)) for u, c in uniq.items()}))

    # indicators
    ind = ref.indicators.set_index("code")
    ikeys, _ = _index(list(zip(ind.index, ind.index)) + list(zip(ind["name_zh"], ind.index))
                      + list(zip(ind["name_en"], ind.index)), strip=False)
    iuniq = {u: ikeys.get(norm_key(u), set()) for u in df["indicator"].unique()}
    df["ind_code"] = df["indicator"].map({u: next(iter(c)) for u, c in iuniq.items() if len(c) == 1})
    has_ind = df["ind_code"].notna()
    flag("missing_indicator", df["indicator"].eq(""), "indicator")
    unknown = ~has_ind & df["indicator"].ne("") & ~formula["indicator"]
    inames = {**{c: f"{c} {z}" for c, z in zip(ind.index, ind["name_zh"])},
              **{z: f"{c} {z}" for c, z in zip(ind.index, ind["name_zh"])},
              **{e: f"{c} {e}" for c, e in zip(ind.index, ind["name_en"])}}
    sug = {u: _suggest(u, inames) for u in df.loc[unknown, "indicator"].unique()}
    flag("unknown_indicator", unknown, "indicator",
         suggest_zh=df["indicator"].map({u: v[0] for u, v in sug.items()}),
         suggest_en=df["indicator"].map({u: v[1] for u, v in sug.items()}))
    canon = df["ind_code"].map(ind["unit"])
    ind_label = df["ind_code"].map(ind["name_zh"]).fillna(df["indicator"])
    accepted = ref.units.groupby("canonical_unit")["unit"].agg(lambda s: "、".join(s))
    suggest_units = canon.map(accepted).fillna("、".join(ref.units["unit"]))

    # units
    utable = _unit_table(ref.units)
    uu = {u: utable.get(_unit_key(u)) for u in df["unit"].unique()}
    ucanon = df["unit"].map({u: v[0] for u, v in uu.items() if v})
    factor = df["unit"].map({u: v[1] for u, v in uu.items() if v}).astype("float64")
    flag("missing_unit", df["unit"].eq(""), "unit", canonical=canon.fillna("万千瓦时"))
    flag("unknown_unit", ucanon.isna() & df["unit"].ne("") & ~formula["unit"], "unit", suggest=suggest_units)
    flag("unit_mismatch", ucanon.notna() & has_ind & ucanon.ne(canon), "unit", indicator=ind_label,
         canonical=canon, suggest=suggest_units)

    # values
    nums, err, vtext = _parse_numbers(df["value"])
    blank = nums.isna() & err.isna()
    flag("blank_value", blank & ~formula["value"], "value", severity="warning")
    for code in ("bad_number", "percent_value", "paren_negative", "excel_error"):
        flag(code, err.eq(code) & ~formula["value"], "value",
             inner=vtext.str.strip("()"))
    flag("negative_value", nums.lt(0) & has_ind & ~df["ind_code"].isin(NEGATIVE_OK), "value", indicator=ind_label)

    # periods
    puniq = {u: parse_period(u) for u in df["period"].unique()}
    df["period_n"] = df["period"].map({u: v[0] for u, v in puniq.items() if v[0]})
    kind = df["period"].map({u: v[1] for u, v in puniq.items() if v[1]})
    perr = df["period"].map({u: v[2] for u, v in puniq.items() if v[2]})
    for code in ("missing_period", "bad_period", "ambiguous_period"):
        flag(code, perr.eq(code) & ~formula["period"], "period")
    flag("combined_period", kind.eq("combined"), "period", period=df["period_n"])
    freq = df["ind_code"].map(ind["frequency"])
    expected = freq.map(FREQ_KIND).fillna("month")
    flag("period_frequency", has_ind & kind.notna() & kind.ne("combined") & kind.ne(expected), "period",
         indicator=ind_label, freq=freq, expected=expected,
         freq_zh=freq.map({"monthly": "月度", "quarterly": "季度", "yearly": "年度", "annual": "年度"}))
    now = today.year * 12 + today.month - 1
    last = {u: _last_month(p, k) for u, (p, k, e) in puniq.items() if p}
    flag("future_period", df["period"].map(last).gt(now), "period", today=f"{today.year}-{today.month:02d}")

    # canonical values, rounded to the decimals the input and factor carry (no float artefacts)
    dot = vtext.str.find(".")
    fdec = {f: len(f"{f:.12f}".rstrip("0").split(".")[1]) for f in factor.dropna().unique()}
    dec = (pd.Series(np.where(dot.ge(0), vtext.str.len() - dot - 1, 0), index=df.index)
           + factor.map(fdec).fillna(0)).where(~vtext.str.contains("e", case=False, regex=False), 99)
    val = nums * factor
    scale = 10.0 ** dec.clip(upper=15)
    df["val"] = np.where(dec <= 15, np.round(val * scale) / scale, val)

    # duplicates on (region, period, indicator)
    keyed = df["region_code"].notna() & df["ind_code"].notna() & df["period_n"].notna() & df["val"].notna()
    k = df[keyed]
    dupmask = k.duplicated(["region_code", "period_n", "ind_code"], keep=False)
    first_only = pd.Series(True, index=df.index)
    if dupmask.any():
        d = k[dupmask]
        g = d.groupby(["region_code", "period_n", "ind_code"], sort=False)
        conflict = g["val"].transform("nunique").gt(1)
        rows_of = g["row"].transform(lambda s: ",".join(map(str, s)))
        vals_of = g["value"].transform(lambda s: " / ".join(s))
        others = pd.Series([",".join(x for x in r.split(",") if x != str(me)) for r, me in zip(rows_of, d["row"])],
                           index=d.index)
        flag("duplicate_conflict", df.index.to_series().isin(d.index[conflict]), "value",
             others=others.reindex(df.index), values=vals_of.reindex(df.index))
        repeat = d.index[~conflict & d.duplicated(["region_code", "period_n", "ind_code"], keep="first")]
        flag("duplicate_identical", df.index.to_series().isin(repeat), "value", severity="warning",
             others=others.reindex(df.index))
        first_only[repeat] = False

    good = ~bad & ~blank & first_only & keyed
    clean = df.loc[good, ["region_code", "period_n", "ind_code", "val", "row"]]
    clean.columns = CLEAN_COLUMNS
    clean = clean.astype({"region": "str", "period": "str", "indicator": "str", "value": "float64"})
    _history_warnings(df, good, kind, nums, factor, ref, flag)
    _missing_warnings(df, ref, ind, rep, colname["region"])
    return Validation(clean.reset_index(drop=True), rep.frame())


def _history_warnings(df, good, kind, nums, factor, ref: Reference, flag) -> None:
    h = ref.history
    if len(h) == 0:
        return
    h = h.assign(value=pd.to_numeric(h["value"], errors="coerce").astype("float64"))
    key = ["region_code", "ind_code"]
    hp = h[h["value"] > 0]
    med = hp.groupby(["region", "indicator"])["value"].agg(["median", "count"])
    med = med[med["count"] >= MIN_HISTORY]["median"].rename_axis(key)
    m = df[key].join(med, on=key)["median"]
    ratio = df["val"] / m
    slip = good & m.gt(0) & df["val"].gt(0) & (ratio.ge(SLIP_RATIO) | ratio.le(1 / SLIP_RATIO))
    if slip.any():
        guess_zh, guess_en = pd.Series("", index=df.index), pd.Series("", index=df.index)
        units, table = ref.units, _unit_table(ref.units)
        for i in df.index[slip]:
            ucanon = table.get(_unit_key(df.at[i, "unit"]))
            cand = units[units["canonical_unit"] == ucanon[0]] if ucanon else units.iloc[0:0]
            fit = np.abs(np.log10(nums[i] * cand["factor"].astype(float) / m[i]))
            if len(fit) and fit.min() < np.log10(3) and cand["unit"].iloc[int(fit.argmin())] != df.at[i, "unit"]:
                best = cand["unit"].iloc[int(fit.argmin())]
                guess_zh[i] = f"看起来是把 {best} 的数填成了 {df.at[i, 'unit']}。"
                guess_en[i] = f"Looks like {best} entered as {df.at[i, 'unit']}."
        flag("unit_slip", slip, "value", "warning", median=m.map(lambda x: _fmt(x) if x == x else ""),
             ratio=ratio.map(lambda x: f"{x:.3g}" if x == x else ""), guess_zh=guess_zh, guess_en=guess_en)
    stored = df[["region_code", "period_n", "ind_code"]].merge(
        h.rename(columns={"region": "region_code", "period": "period_n", "indicator": "ind_code"}),
        how="left", on=["region_code", "period_n", "ind_code"], validate="m:1")["value"].set_axis(df.index)
    revised = good & stored.notna() & ~np.isclose(df["val"], stored, rtol=1e-9, atol=1e-12)
    flag("revision", revised, "value", "warning", old=stored.map(_fmt, na_action="ignore"),
         new=df["val"].map(_fmt, na_action="ignore"),
         change=((df["val"] / stored - 1) * 100).map(lambda x: f"{x:+.1f}%" if np.isfinite(x) else "n/a"))
    p = df["period_n"].fillna("")
    prev_p = np.where(kind.isin(["month", "quarter"]), (p.str[:4].replace("", "0").astype(int) - 1).astype(str)
                      + p.str[4:], "")
    prev = df[["region_code", "ind_code"]].assign(period_n=prev_p).merge(
        h.rename(columns={"region": "region_code", "period": "period_n", "indicator": "ind_code"}),
        how="left", on=["region_code", "period_n", "ind_code"], validate="m:1")["value"].set_axis(df.index)
    change = df["val"] / prev - 1
    flag("yoy_break", good & ~slip & prev.gt(0) & change.abs().gt(YOY_BREAK), "value", "warning",
         prev=prev.map(_fmt, na_action="ignore"), change=(change * 100).map(lambda x: f"{x:+.0f}%", na_action="ignore"))


def _missing_warnings(df, ref: Reference, ind, rep: _Report, region_column: str) -> None:
    last = ref.last_upload
    if len(last) == 0:
        return
    last = last[["region", "indicator"]].astype("str").drop_duplicates()
    seen = set(zip(df["region_code"].dropna(), df.loc[df["region_code"].notna(), "ind_code"].fillna("")))
    seen_regions = set(df["region_code"].dropna())
    rg = ref.regions.astype({"code": "str"}).set_index("code")["name_zh"]
    gone = last[~last["region"].isin(seen_regions)]
    per = gone.groupby("region").size()
    rep.add("region_not_uploaded", pd.DataFrame(index=per.index), region_column,
            [rg.get(r, r) for r in per.index], "warning", region=[rg.get(r, r) for r in per.index], n=list(per))
    part = last[last["region"].isin(seen_regions)]
    lacking = part[[(r, i) not in seen for r, i in zip(part["region"], part["indicator"])]]
    lists = lacking.groupby("region")["indicator"].agg(lambda s: "、".join(ind["name_zh"].get(i, i) for i in s))
    rep.add("indicator_not_uploaded", pd.DataFrame(index=lists.index), region_column,
            [rg.get(r, r) for r in lists.index], "warning", region=[rg.get(r, r) for r in lists.index],
            indicators=list(lists))
