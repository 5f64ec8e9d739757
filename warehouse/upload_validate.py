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
from warehouse.upload_reader import RawUpload, norm_key
from warehouse.upload_templates import message

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
        texts = [message(code, {k: cols[k][i] for k in cols}) for i in range(n)]
        self.parts.append(pd.DataFrame({
            "row": pd.array(list(rows["row"]) if "row" in rows else [None] * n, dtype="Int64"),
            "column": cols["column"], "value": cols["value"], "severity": severity, "code": code,
            **{c: [x[j] for x in texts] for j, c in enumerate(REPORT_COLUMNS[5:])}}))

    def frame(self) -> pd.DataFrame:
        parts = [p.astype({c: "str" for c in REPORT_COLUMNS if c != "row"}) for p in self.parts]
        if not parts:
            return pd.DataFrame({c: pd.Series([], dtype="Int64" if c == "row" else "str") for c in REPORT_COLUMNS})
        rep = pd.concat(parts, ignore_index=True)
        rep["_s"] = rep["severity"].ne("error")
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
    rep = _Report()
    for p in raw.problems:
        rep.parts.append(pd.DataFrame({
            "row": pd.array([p.row], dtype="Int64"), "column": [p.column or ""], "value": [p.value or ""],
            "severity": [p.severity], "code": [p.code], "problem_zh": [p.message_zh], "problem_en": [p.message_en],
            "fix_zh": [p.fix_zh], "fix_en": [p.fix_en]}))
    df = raw.rows.reset_index(drop=True)
    if len(df) == 0:
        return Validation(_empty_clean(), rep.frame())
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
        p = {k: (v.reindex(mask.index[mask]) if isinstance(v, pd.Series) else v) for k, v in params.items()}
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
    df["region_code"] = df["region"].map({u: next(iter(c)) for u, c in uniq.items() if len(c) == 1}).astype("str")
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
    df["ind_code"] = df["indicator"].map({u: next(iter(c)) for u, c in iuniq.items() if len(c) == 1}).astype("str")
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
    ind_en = df["ind_code"].map(ind["name_en"]).fillna(df["indicator"])
    accepted = ref.units.groupby("canonical_unit")["unit"].agg(lambda s: "、".join(s))
    suggest_units = canon.map(accepted).fillna("、".join(ref.units["unit"]))

    # units
    utable = _unit_table(ref.units)
    uu = {u: utable.get(_unit_key(u)) for u in df["unit"].unique()}
    ucanon = df["unit"].map({u: v[0] for u, v in uu.items() if v}).astype("str")
    factor = df["unit"].map({u: v[1] for u, v in uu.items() if v}).astype("float64")
    flag("missing_unit", df["unit"].eq(""), "unit", canonical=canon.fillna("万千瓦时"))
    flag("unknown_unit", ucanon.isna() & df["unit"].ne("") & ~formula["unit"], "unit", suggest=suggest_units)
    flag("unit_mismatch", ucanon.notna() & has_ind & ucanon.ne(canon), "unit", indicator=ind_label, indicator_en=ind_en,
         canonical=canon, suggest=suggest_units)

    # values
    nums, err, vtext = _parse_numbers(df["value"])
    blank = nums.isna() & err.isna()
    flag("blank_value", blank & ~formula["value"], "value", severity="warning")
    for code in ("bad_number", "percent_value", "paren_negative", "excel_error"):
        flag(code, err.eq(code) & ~formula["value"], "value",
             inner=vtext.str.strip("()"))
    flag("negative_value", nums.lt(0) & has_ind & ~df["ind_code"].isin(NEGATIVE_OK), "value", indicator=ind_label,
         indicator_en=ind_en)

    # periods
    puniq = {u: parse_period(u) for u in df["period"].unique()}
    df["period_n"] = df["period"].map({u: v[0] for u, v in puniq.items() if v[0]}).astype("str")
    kind = df["period"].map({u: v[1] for u, v in puniq.items() if v[1]}).astype("str")
    perr = df["period"].map({u: v[2] for u, v in puniq.items() if v[2]}).astype("str")
    for code in ("missing_period", "bad_period", "ambiguous_period"):
        flag(code, perr.eq(code) & ~formula["period"], "period")
    flag("combined_period", kind.eq("combined"), "period", period=df["period_n"])
    freq = df["ind_code"].map(ind["frequency"])
    expected = freq.map(FREQ_KIND).fillna("month")
    flag("period_frequency", has_ind & kind.notna() & kind.ne("combined") & kind.ne(expected), "period",
         indicator=ind_label, indicator_en=ind_en, freq=freq, expected=expected,
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
            cjk = bool(re.search(r"[\u4e00-\u9fff]", df.at[i, "unit"]))
            cand = cand.iloc[np.argsort([not bool(re.search(r"[\u4e00-\u9fff]", u)) == cjk for u in cand["unit"]],
                                        kind="stable")]
            fit = np.abs(np.log10(nums[i] * cand["factor"].astype(float) / m[i]))
            if len(fit) and fit.min() < np.log10(3) and cand["unit"].iloc[int(fit.argmin())] != df.at[i, "unit"]:
                best = cand["unit"].iloc[int(fit.argmin())]
                guess_zh[i] = f"看起来是把 {best} 的数填成了 {df.at[i, 'unit']}。"
                guess_en[i] = f"Looks like {best} entered as {df.at[i, 'unit']}."
        flag("unit_slip", slip, "value", "warning", median=m[slip].map(_fmt), ratio=ratio[slip].map(lambda x: f"{x:.3g}"),
             guess_zh=guess_zh, guess_en=guess_en)
    stored = df[["region_code", "period_n", "ind_code"]].merge(
        h.rename(columns={"region": "region_code", "period": "period_n", "indicator": "ind_code"}),
        how="left", on=["region_code", "period_n", "ind_code"], validate="m:1")["value"].set_axis(df.index)
    revised = good & stored.notna() & ~np.isclose(df["val"], stored, rtol=1e-9, atol=1e-12)
    old, new = stored[revised], df.loc[revised, "val"]
    flag("revision", revised, "value", "warning", old=old.map(_fmt), new=new.map(_fmt),
         change=((new / old - 1) * 100).map(lambda x: f"{x:+.1f}%" if np.isfinite(x) else "n/a"))
    p = df["period_n"].fillna("")
    prev_p = np.where(kind.isin(["month", "quarter"]), (p.str[:4].replace("", "0").astype(int) - 1).astype(str)
                      + p.str[4:], "")
    prev = df[["region_code", "ind_code"]].assign(period_n=prev_p).merge(
        h.rename(columns={"region": "region_code", "period": "period_n", "indicator": "ind_code"}),
        how="left", on=["region_code", "period_n", "ind_code"], validate="m:1")["value"].set_axis(df.index)
    change = df["val"] / prev - 1
    brk = good & ~slip & prev.gt(0) & change.abs().gt(YOY_BREAK)
    flag("yoy_break", brk, "value", "warning", prev=prev[brk].map(_fmt),
         change=(change[brk] * 100).map(lambda x: f"{x:+.0f}%"))


def _missing_warnings(df, ref: Reference, ind, rep: _Report, region_column: str) -> None:
    last = ref.last_upload
    if len(last) == 0:
        return
    last = last[["region", "indicator"]].astype("str").drop_duplicates()
    seen = df[["region_code", "ind_code"]].dropna().drop_duplicates().set_axis(["region", "indicator"], axis=1)
    seen_regions = set(seen["region"])
    rg = ref.regions.astype({"code": "str"}).set_index("code")["name_zh"]
    rg_en = ref.regions.astype({"code": "str"}).set_index("code")["name_en"]
    gone = last[~last["region"].isin(seen_regions)]
    per = gone.groupby("region").size()
    rep.add("region_not_uploaded", pd.DataFrame(index=per.index), region_column,
            [rg.get(r, r) for r in per.index], "warning", region=[rg.get(r, r) for r in per.index],
            region_en=[rg_en.get(r, r) for r in per.index], n=list(per))
    part = last[last["region"].isin(seen_regions)]
    lacking = part.merge(seen, how="left", indicator=True).query("_merge == 'left_only'")
    lists = lacking.groupby("region")["indicator"].agg(lambda s: "、".join(ind["name_zh"].get(i, i) for i in s))
    lists_en = lacking.groupby("region")["indicator"].agg(lambda s: ", ".join(ind["name_en"].get(i, i) for i in s))
    rep.add("indicator_not_uploaded", pd.DataFrame(index=lists.index), region_column,
            [rg.get(r, r) for r in lists.index], "warning", region=[rg.get(r, r) for r in lists.index],
            region_en=[rg_en.get(r, r) for r in lists.index], indicators=list(lists), indicators_en=list(lists_en))
