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
from warehouse.periods import JAN_FEB_SUFFIX
from intake import limits
from intake.reader import RawUpload, norm_key
from intake.row_checks import duplicate_groups, range_errors
from intake.templates import message

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
    ranges: pd.DataFrame = field(default_factory=catalog.ranges)    # code, min_value, max_value (canonical)


@dataclass
class Validation:
    clean: pd.DataFrame     # region, period, indicator, value (canonical unit), row
    report: pd.DataFrame    # REPORT_COLUMNS (at most limits.MAX_REPORT_ROWS_PER_CODE lines per code + a summary)
    error_rows: int | None = None   # rows with an error (the report may list only the first ones)

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


def _resolve(values: pd.Series, pairs, strip: bool) -> tuple[pd.Series, pd.Series, dict[str, set[str]]]:
    """Map raw names to codes over the unique values: exact key first, then without 市/省/city suffixes.

    Returns (code or NA, number of matching codes, {raw value: codes})."""
    keys: dict[str, set[str]] = {}
    stripped: dict[str, set[str]] = {}
    for name, code in pairs:
        if isinstance(name, str) and (k := norm_key(name)):
            keys.setdefault(k, set()).add(str(code))
            stripped.setdefault(_strip_suffix(k) if strip else k, set()).add(str(code))
    found = {u: keys.get(norm_key(u)) or stripped.get(_strip_suffix(norm_key(u)) if strip else "") or set()
             for u in values.unique()}
    codes = values.map({u: next(iter(c)) for u, c in found.items() if len(c) == 1}).astype("str")
    return codes, values.map({u: len(c) for u, c in found.items()}), found


def _suggest(values: pd.Series, names: dict[str, str], n: int = 3) -> tuple[pd.Series, pd.Series]:
    """'Did you mean' texts (zh, en) per raw value, from difflib over names, aliases and codes."""
    lower = {k.lower(): v for k, v in names.items()}
    out = {}
    for text in values.unique()[:limits.MAX_SUGGESTIONS]:   # difflib is slow: the first values reported only
        hits = difflib.get_close_matches(_nfkc(text), list(names), n=n, cutoff=0.5)
        hits += difflib.get_close_matches(_nfkc(text).lower(), list(lower), n=n, cutoff=0.6)
        labels = list(dict.fromkeys(names.get(h) or lower[h] for h in hits))[:n]
        out[text] = (f"是否为：{'、'.join(labels)}？", f"Did you mean: {', '.join(labels)}?") if labels else ("", "")
    return values.map({k: v[0] for k, v in out.items()}), values.map({k: v[1] for k, v in out.items()})


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
    def __init__(self, problems=()) -> None:
        self.parts: list[pd.DataFrame] = [pd.DataFrame([{
            "row": p.row, "column": p.column or "", "value": p.value or "", "severity": p.severity, "code": p.code,
            "problem_zh": p.message_zh, "problem_en": p.message_en, "fix_zh": p.fix_zh, "fix_en": p.fix_en}
            for p in problems])] if problems else []

    def add(self, code: str, rows: pd.DataFrame, column, value, severity: str = "error", total: int | None = None,
            **params) -> None:
        """One line per row, at most ``limits.MAX_REPORT_ROWS_PER_CODE`` (texts are built for those only);
        the rest (``total`` when the caller already cut ``rows``) are summarised in one ``more_rows`` line."""
        if (n := len(rows)) == 0:
            return
        cap, total = limits.MAX_REPORT_ROWS_PER_CODE, n if total is None else total
        rest = rows.iloc[cap:]
        rows, n = rows.iloc[:cap], min(n, cap)
        cols = {k: (list(v)[:n] if isinstance(v, (pd.Series, pd.Index, list, np.ndarray)) else [v] * n)
                for k, v in dict(params, value=value, column=column).items()}
        if total > n:
            listed = [str(r) for r in (rest["row"] if "row" in rest else [])[:limits.MAX_LISTED_ROWS]]
            self.add("more_rows", pd.DataFrame({"row": [None]}), "", "", severity, n=f"{total - n:,}", of=code,
                     listed=(", ".join(listed) + (" …" if total - n > len(listed) else "")) or "—")
        texts = [message(code, {k: cols[k][i] for k in cols}) for i in range(n)]
        self.parts.append(pd.DataFrame({
            "row": list(rows["row"]) if "row" in rows else [None] * n, "column": cols["column"],
            "value": cols["value"], "severity": severity, "code": code,
            **{c: [x[j] for x in texts] for j, c in enumerate(REPORT_COLUMNS[5:])}}))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({c: pd.Series([], dtype="Int64" if c == "row" else "str") for c in REPORT_COLUMNS})
        rep = pd.concat([p.astype({"row": "Int64", **{c: "str" for c in REPORT_COLUMNS[1:]}}) for p in self.parts],
                        ignore_index=True)
        rep["_s"] = rep["severity"].ne("error")     # errors first, then by row (file-level rows first)
        rep = rep.sort_values(["_s", "row", "code"], na_position="first", kind="stable")
        return rep.drop(columns="_s").reset_index(drop=True)[REPORT_COLUMNS]


def _fmt(x: float) -> str:
    return f"{x:,.6g}" if abs(x) < 1e6 else f"{x:,.0f}"


# ---------------------------------------------------------------- validate

def validate(raw: RawUpload, ref: Reference, today: dt.date) -> Validation:
    """Check every row; ``clean`` holds the rows without errors (canonical units), ``report`` every problem."""
    try:
        return _validate(raw, ref, today)
    except Exception as exc:  # noqa: BLE001 - a bug must block the upload, not crash the page
        rep = _Report()
        rep.add("internal_error", pd.DataFrame({"row": [None]}), "", "", detail=f"{type(exc).__name__}: {exc}"[:300])
        return Validation(_empty_clean(), rep.frame())


def _empty_clean() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="int64" if c == "row" else "float64" if c == "value" else "str")
                         for c in CLEAN_COLUMNS})


def _validate(raw: RawUpload, ref: Reference, today: dt.date) -> Validation:
    rep = _Report(raw.problems)
    df = raw.rows.reset_index(drop=True)
    if len(df) == 0:
        return Validation(_empty_clean(), rep.frame())
    cols = raw.columns
    colname = {"region": cols.get("region", "region"), "period": cols.get("period", "period"),
               "indicator": cols.get("indicator", df["column"]), "value": df["column"], "unit": df["unit_column"]}
    bad = df["row"].isin({p.row for p in raw.problems if p.severity == "error" and p.row is not None})

    def flag(code: str, mask: pd.Series, role: str, severity: str = "error", **params) -> None:
        nonlocal bad
        if not (mask := mask.fillna(False).astype(bool)).any():
            return
        c = colname[role]
        p = {k: (v.reindex(mask.index[mask]).astype(object).fillna("") if isinstance(v, pd.Series) else v)
             for k, v in params.items()}
        rep.add(code, df[mask], c[mask] if isinstance(c, pd.Series) else c, df.loc[mask, role], severity, **p)
        bad = bad | mask if severity == "error" else bad

    formula = {}                      # formula-like text in any field is flagged and never parsed further
    for r in ("region", "period", "indicator", "value", "unit"):
        m = df[r].str.contains(r"[=@+|\-]", regex=True)
        formula[r] = df.loc[m, r].astype(object).str.match(_FORMULA).reindex(df.index, fill_value=False).astype(bool)
        flag("formula", formula[r], r)

    # regions: code, Chinese or English name, alias; with or without 市/省
    rg = ref.regions.astype({"code": "str"})
    pairs = list(zip(rg["code"], rg["code"])) + list(zip(rg["name_zh"], rg["code"])) + list(
        zip(rg["name_en"], rg["code"])) + list(zip(ref.aliases["alias"], ref.aliases["code"]))
    df["region_code"], hits, found = _resolve(df["region"], pairs, strip=True)
    label = {c: f"{z} ({c})" for c, z in zip(rg["code"], rg["name_zh"])}
    flag("missing_region", df["region"].eq(""), "region")
    unknown = hits.eq(0) & df["region"].ne("") & ~formula["region"]
    sug_zh, sug_en = _suggest(df.loc[unknown, "region"], {str(a): label.get(str(b), str(b)) for a, b in pairs
                                                          if isinstance(a, str) and a})
    flag("unknown_region", unknown, "region", suggest_zh=sug_zh, suggest_en=sug_en)
    flag("ambiguous_region", hits.gt(1), "region",
         candidates=df["region"].map({u: "、".join(sorted(label.get(x, x) for x in c)) for u, c in found.items()}))

    # indicators: code, Chinese or English name
    ind = ref.indicators.set_index("code")
    df["ind_code"], _, _ = _resolve(df["indicator"], list(zip(ind.index, ind.index)) + list(
        zip(ind["name_zh"], ind.index)) + list(zip(ind["name_en"], ind.index)), strip=False)
    has_ind = df["ind_code"].notna()
    flag("missing_indicator", df["indicator"].eq(""), "indicator")
    unknown = ~has_ind & df["indicator"].ne("") & ~formula["indicator"]
    sug_zh, sug_en = _suggest(df.loc[unknown, "indicator"], {
        **{c: f"{c} {z}" for c, z in zip(ind.index, ind["name_zh"])}, **{
            z: f"{c} {z}" for c, z in zip(ind.index, ind["name_zh"])}, **{
            e: f"{c} {e}" for c, e in zip(ind.index, ind["name_en"])}})
    flag("unknown_indicator", unknown, "indicator", suggest_zh=sug_zh, suggest_en=sug_en)
    canon = df["ind_code"].map(ind["unit"])
    ind_zh = df["ind_code"].map(ind["name_zh"]).fillna(df["indicator"])
    ind_en = df["ind_code"].map(ind["name_en"]).fillna(df["indicator"])
    accepted = canon.map(ref.units.groupby("canonical_unit")["unit"].agg("、".join)).fillna(
        "、".join(ref.units["unit"]))

    # units
    utable = _unit_table(ref.units)
    uu = {u: utable.get(_unit_key(u)) for u in df["unit"].unique()}
    ucanon = df["unit"].map({u: v[0] for u, v in uu.items() if v}).astype("str")
    factor = df["unit"].map({u: v[1] for u, v in uu.items() if v}).astype("float64")
    flag("missing_unit", df["unit"].eq(""), "unit", canonical=canon.fillna(accepted))
    flag("unknown_unit", ucanon.isna() & df["unit"].ne("") & ~formula["unit"], "unit", suggest=accepted)
    flag("unit_mismatch", ucanon.notna() & has_ind & ucanon.ne(canon), "unit", indicator=ind_zh, indicator_en=ind_en,
         canonical=canon, suggest=accepted)

    # values
    nums, err, vtext = _parse_numbers(df["value"])
    blank = nums.isna() & err.isna()
    flag("blank_value", blank & ~formula["value"], "value", severity="warning")
    for code in ("bad_number", "percent_value", "paren_negative", "excel_error"):
        flag(code, err.eq(code) & ~formula["value"], "value", inner=vtext.str.strip("()"))
    flag("negative_value", nums.lt(0) & has_ind & ~df["ind_code"].isin(NEGATIVE_OK), "value", indicator=ind_zh,
         indicator_en=ind_en)

    # periods
    parsed = {u: parse_period(u) for u in df["period"].unique()}
    df["period_n"], kind, perr = (df["period"].map({u: v[i] for u, v in parsed.items() if v[i]}).astype("str")
                                  for i in range(3))
    for code in ("missing_period", "bad_period", "ambiguous_period"):
        flag(code, perr.eq(code) & ~formula["period"], "period")
    jan_feb = kind.eq("combined") & df["period_n"].str.endswith(JAN_FEB_SUFFIX)   # 1–2月合计: stored as one period
    flag("combined_period", kind.eq("combined") & ~jan_feb, "period", period=df["period_n"])
    kind = kind.mask(jan_feb, "month")   # a monthly indicator's period; never split
    freq = df["ind_code"].map(ind["frequency"])
    expected = freq.map(FREQ_KIND).fillna("month")
    flag("period_frequency", has_ind & kind.notna() & kind.ne("combined") & kind.ne(expected), "period",
         indicator=ind_zh, indicator_en=ind_en, freq=freq, expected=expected,
         freq_zh=freq.map({"monthly": "月度", "quarterly": "季度", "yearly": "年度", "annual": "年度"}))
    last = {u: _last_month(p, k) for u, (p, k, e) in parsed.items() if p}
    flag("future_period", df["period"].map(last).gt(today.year * 12 + today.month - 1), "period",
         today=f"{today.year}-{today.month:02d}")

    # canonical values, rounded to the decimals the input and the factor carry (no float artefacts)
    dot = vtext.str.find(".")
    fdec = {f: len(f"{f:.12f}".rstrip("0").split(".")[1]) for f in factor.dropna().unique()}
    dec = (pd.Series(np.where(dot.ge(0), vtext.str.len() - dot - 1, 0), index=df.index)
           + factor.map(fdec).fillna(0)).where(~vtext.str.contains("e", case=False, regex=False), 99)
    scale = 10.0 ** dec.clip(upper=15)
    with np.errstate(over="ignore", invalid="ignore"):
        df["val"] = np.where(dec <= 15, np.round(nums * factor * scale) / scale, nums * factor)
    range_errors(df, nums, has_ind, nums.lt(0) & ~df["ind_code"].isin(NEGATIVE_OK), ind_zh, ind_en, canon,
                 ref.ranges, flag)

    # duplicates on (region, period, indicator): conflicting values are errors, identical ones kept once
    key = ["region_code", "period_n", "ind_code"]
    keyed = df[key + ["val"]].notna().all(axis=1)
    d = df[keyed & df[keyed].duplicated(key, keep=False).reindex(df.index, fill_value=False)]
    conflict = d.groupby(key, sort=False)["val"].transform("nunique").gt(1)
    repeat = df.index.isin(d.index[~conflict & d.duplicated(key, keep="first")])
    duplicate_groups(rep, d[conflict], key, colname["value"], "duplicate_conflict", "error")
    duplicate_groups(rep, d[~conflict], key, colname["value"], "duplicate_identical", "warning")
    bad = bad | df.index.isin(d.index[conflict])    # every row of a conflict group, each reported once per group

    good = ~bad & ~blank & ~repeat & keyed
    clean = df.loc[good, ["region_code", "period_n", "ind_code", "val", "row"]].set_axis(CLEAN_COLUMNS, axis=1)
    clean = clean.astype({"region": "str", "period": "str", "indicator": "str", "value": "float64"})
    _history_warnings(df, good, kind, nums, ref, flag)
    _missing_warnings(df, ref, ind, rep, colname["region"])
    return Validation(clean.reset_index(drop=True), rep.frame(), error_rows=int(df.loc[bad, "row"].nunique()))


def _stored(keys: pd.DataFrame, h: pd.DataFrame) -> pd.Series:
    """History value for each (region_code, period_n, ind_code) row, NaN when none."""
    h = h.set_axis(["region_code", "period_n", "ind_code", "value"], axis=1)
    return keys.merge(h, how="left", on=["region_code", "period_n", "ind_code"])["value"].set_axis(keys.index)


def _history_warnings(df, good, kind, nums, ref: Reference, flag) -> None:
    """Unit slips (10× / 0.1× the history median), revisions of stored values, breaks against last year."""
    h = ref.history[["region", "period", "indicator", "value"]].astype(
        {"region": "str", "period": "str", "indicator": "str"}).drop_duplicates(
        ["region", "period", "indicator"], keep="last")
    if len(h) == 0:
        return
    h["value"] = pd.to_numeric(h["value"], errors="coerce").astype("float64")
    med = h[h["value"] > 0].groupby(["region", "indicator"])["value"].agg(["median", "count"])
    med = med[med["count"] >= MIN_HISTORY]["median"].rename_axis(["region_code", "ind_code"])
    m = df[["region_code", "ind_code"]].join(med, on=["region_code", "ind_code"])["median"]
    ratio = df["val"] / m
    slip = good & m.gt(0) & df["val"].gt(0) & (ratio.ge(SLIP_RATIO) | ratio.le(1 / SLIP_RATIO))
    guess_zh, guess_en, table = {}, {}, _unit_table(ref.units)
    for i in df.index[slip][:limits.MAX_REPORT_ROWS_PER_CODE]:   # per reported row only: which unit would fit?
        unit = df.at[i, "unit"]
        cand = ref.units[ref.units["canonical_unit"] == (table.get(_unit_key(unit)) or ("",))[0]]
        cjk = re.search(r"[\u4e00-\u9fff]", unit) is not None      # prefer 吨 over t for a Chinese upload
        cand = cand.iloc[np.argsort([(re.search(r"[\u4e00-\u9fff]", u) is None) == cjk for u in cand["unit"]],
                                    kind="stable")]
        fit = np.abs(np.log10(nums[i] * cand["factor"].astype(float) / m[i]))
        if len(fit) and fit.min() < np.log10(3) and (best := cand["unit"].iloc[int(fit.argmin())]) != unit:
            guess_zh[i], guess_en[i] = f"看起来是把 {best} 的数填成了 {unit}。", f"Looks like {best} entered as {unit}."
    flag("unit_slip", slip, "value", "warning", median=m[slip].map(_fmt), ratio=ratio[slip].map(lambda x: f"{x:.3g}"),
         guess_zh=pd.Series(guess_zh, dtype="object"), guess_en=pd.Series(guess_en, dtype="object"))
    stored = _stored(df[["region_code", "period_n", "ind_code"]], h)
    revised = good & stored.notna() & ~np.isclose(df["val"], stored, rtol=1e-9, atol=1e-12)
    old, new = stored[revised], df.loc[revised, "val"]
    flag("revision", revised, "value", "warning", old=old.map(_fmt), new=new.map(_fmt),
         change=((new / old - 1) * 100).map(lambda x: f"{x:+.1f}%" if np.isfinite(x) else "n/a"))
    p = df["period_n"].fillna("0000")
    prev_p = np.where(kind.isin(["month", "quarter"]), (p.str[:4].astype(int) - 1).astype(str) + p.str[4:], "")
    prev = _stored(df[["region_code", "ind_code"]].assign(period_n=prev_p)[["region_code", "period_n", "ind_code"]],
                   h)
    change = df["val"] / prev - 1
    brk = good & ~slip & prev.gt(0) & change.abs().gt(YOY_BREAK)
    flag("yoy_break", brk, "value", "warning", prev=prev[brk].map(_fmt),
         change=(change[brk] * 100).map(lambda x: f"{x:+.0f}%"))


def _missing_warnings(df, ref: Reference, ind, rep: _Report, region_column: str) -> None:
    """Regions, or indicators of a region, present in the previous quarter's upload but not in this one."""
    last = ref.last_upload[["region", "indicator"]].astype("str").drop_duplicates()
    if len(last) == 0:
        return
    seen = df[["region_code", "ind_code"]].dropna().drop_duplicates().set_axis(["region", "indicator"], axis=1)
    names = ref.regions.astype({"code": "str"}).set_index("code")
    zh, en = (lambda r: names["name_zh"].get(r, r)), (lambda r: names["name_en"].get(r, r))
    per = last[~last["region"].isin(seen["region"])].groupby("region").size()
    rep.add("region_not_uploaded", pd.DataFrame(index=per.index), region_column, per.index.map(zh), "warning",
            region=per.index.map(zh), region_en=per.index.map(en), n=list(per))
    lacking = last[last["region"].isin(seen["region"])].merge(seen, how="left", indicator=True)
    by = lacking[lacking["_merge"] == "left_only"].groupby("region")["indicator"]
    lists, lists_en = by.agg(lambda s: "、".join(ind["name_zh"].get(i, i) for i in s)), by.agg(
        lambda s: ", ".join(ind["name_en"].get(i, i) for i in s))
    rep.add("indicator_not_uploaded", pd.DataFrame(index=lists.index), region_column, lists.index.map(zh), "warning",
            region=lists.index.map(zh), region_en=lists.index.map(en), indicators=list(lists),
            indicators_en=list(lists_en))
