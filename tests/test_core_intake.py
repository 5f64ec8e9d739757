"""Upload row checks (intake/row_checks.py) with literal expectations: number formatting, row lists, range,
non-finite and overflow errors at their edges, and duplicate groups (order, cap, first/second row, values).

``flag`` and ``rep.add`` are the validator's report hooks; here they record what they are given."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from intake import row_checks as rc


def test_fmt_number_and_listed_literal():
    assert rc.fmt_number(1234.5678) == "1,234.57" and rc.fmt_number(12.0) == "12"
    assert rc.fmt_number(-5.0) == "-5" and rc.fmt_number(0.000123456789) == "0.000123457"
    assert rc.fmt_number(999_999.9) == "1e+06"          # below 10^6: six significant digits
    assert rc.fmt_number(1e6) == "1,000,000" and rc.fmt_number(-1_000_000.4) == "-1,000,000"
    assert rc.fmt_number(2e6) == "2,000,000"
    assert rc.listed([2, 3, 4, 5, 6, 7], 7) == "2, 3, 4, 5, 6 …"
    assert rc.listed([2, 3, 4, 5, 6], 5) == "2, 3, 4, 5, 6"
    assert rc.listed([2, 3, 4, 5, 6], 6) == "2, 3, 4, 5, 6 …"
    assert rc.listed(["a"], 1) == "a" and rc.listed([], 0) == ""


class Flags:
    def __init__(self):
        self.calls = {}

    def __call__(self, code, mask, role, **params):
        rows = mask.fillna(False).astype(bool)
        self.calls[code] = (rows[rows].index.tolist(), role, params)


def test_range_errors_non_finite_overflow_and_plausible_range_edges():
    nums = pd.Series([math.inf, 1e308, 5.0, 20.0, -1.0, -2.0, 100.0, np.nan, 10.0, 0.0, 7.0, 2e6])
    val = pd.Series([math.inf, math.inf, 5.0, 20.0, -1.0, -2.0, 100.0, np.nan, 10.0, 0.0, 7.0, 2e6])
    ind = ["e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "unknown", "big"]
    df = pd.DataFrame({"val": val, "unit": ["亿千瓦时"] * 12, "ind_code": ind})
    has_ind = pd.Series([True] * 6 + [False] + [True] * 5)
    negative = pd.Series([False] * 4 + [True] + [False] * 7)
    ranges = pd.DataFrame({"code": ["e", "big"], "min_value": [0.0, 0.0], "max_value": [10.0, 1e6]})
    canon = pd.Series(["亿千瓦时"] * 11 + [None])
    flag = Flags()
    rc.range_errors(df, nums, has_ind, negative, pd.Series(["用电"] * 12), pd.Series(["Electricity"] * 12), canon,
                    ranges, flag)
    rows, role, params = flag.calls["non_finite"]
    assert rows == [0] and role == "value" and params["canonical"].tolist()[11] == ""
    rows, role, params = flag.calls["non_finite_converted"]
    assert rows == [1] and role == "value" and params["unit"].tolist()[1] == "亿千瓦时"
    rows, role, params = flag.calls["out_of_range"]
    assert rows == [3, 5, 11] and role == "value"                # 10 and 0 are inside (edges included)
    assert params["converted"].tolist() == ["20", "-2", "2,000,000"]
    assert params["lo"].tolist() == ["0", "0", "0"] and params["hi"].tolist() == ["10", "10", "1,000,000"]
    assert params["indicator"].tolist()[3] == "用电" and params["indicator_en"].tolist()[3] == "Electricity"
    flag = Flags()
    ok = df.iloc[[2, 8, 9]]
    rc.range_errors(ok, nums.iloc[[2, 8, 9]], has_ind.iloc[[2, 8, 9]], negative.iloc[[2, 8, 9]], "x", "x",
                    canon.iloc[[2, 8, 9]], ranges, flag)
    assert "out_of_range" not in flag.calls                      # nothing out of range: no call at all


class Rep:
    def __init__(self):
        self.calls = []

    def add(self, code, rows, column, value, severity, total=None, **params):
        self.calls.append({"code": code, "rows": rows["row"].tolist(), "column": column, "value": value.tolist(),
                           "severity": severity, "total": total, **params})


def _dups(groups):
    rows = []
    for region, values in groups:
        rows += [(region, "2026-01", "e", v, None) for v in values]
    part = pd.DataFrame(rows, columns=["region", "period", "indicator", "value", "row"])
    part["row"] = range(2, 2 + len(part))
    return part


def test_duplicate_groups_one_line_per_group_in_order_of_appearance():
    part = _dups([("B", ["1", "2"]), ("A", ["5", "5", "6", "7", "8", "9", "10"])])
    rep = Rep()
    rc.duplicate_groups(rep, part, ["region", "period", "indicator"], "数值", "duplicate_conflict", "error")
    (c,) = rep.calls
    assert c["code"] == "duplicate_conflict" and c["severity"] == "error" and c["total"] == 2
    assert c["rows"] == [2, 4] and c["value"] == ["1", "5"]          # conflict: reported at each group's first row
    assert c["n"] == ["2", "7"] and c["first"] == [2, 4]
    assert c["listed"] == ["2, 3", "4, 5, 6, 7, 8 …"]
    assert c["values"] == ["1 / 2", "5 / 6 / 7 / 8 / 9 …"]
    assert c["column"] == "数值"
    rep = Rep()
    rc.duplicate_groups(rep, part, ["region", "period", "indicator"], pd.Series("值", index=part.index),
                        "duplicate_identical", "warning")
    (c,) = rep.calls
    assert c["rows"] == [3, 5] and c["severity"] == "warning"           # identical: at the first repeat
    assert c["column"].tolist() == ["值", "值"]
    rep = Rep()
    rc.duplicate_groups(rep, part.iloc[0:0], ["region"], "数值", "duplicate_conflict", "error")
    assert rep.calls == []


def test_duplicate_groups_texts_for_the_first_200_groups_only():
    part = _dups([(f"R{i:03d}", ["1", "2"]) for i in range(201)])
    part = pd.concat([part, _dups([("R000", ["3", "4", "5", "6", "7"])]).assign(row=list(range(900, 905)))])
    rep = Rep()
    rc.duplicate_groups(rep, part, ["region", "period", "indicator"], "数值", "duplicate_conflict", "error")
    (c,) = rep.calls
    assert c["total"] == 201 and len(c["rows"]) == 200 and len(c["n"]) == 200
    assert c["n"][0] == "7" and c["values"][0] == "1 / 2 / 3 / 4 / 5 …"   # 7 values, 7 distinct → capped list
    assert c["listed"][0] == "2, 3, 900, 901, 902 …" and c["rows"][:2] == [2, 4]
    big = _dups([("A", ["1"] * 1500)])
    rep = Rep()
    rc.duplicate_groups(rep, big, ["region"], "v", "duplicate_identical", "warning")
    assert rep.calls[0]["n"] == ["1,500"] and rep.calls[0]["values"] == ["1"]


# ---- meter files (intake/meters_validate.py): every check on its own row, a reading dated today -------------------
import io  # noqa: E402
from datetime import date  # noqa: E402

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from intake import meters_validate as mv  # noqa: E402

TODAY = date(2026, 4, 15)
METERS = b"""enterprise_id,date,kwh
E1,2026-03-01,100
E1,2026-03-03,"1,200"
E2,2026-03-01,abc
E3,2026-03-01,5
E1,2026-13-01,5
E1,2026-04-16,5
E1,2026-04-15,5
E1,1899-12-31,5
E2,2026-03-02,inf
E2,2026-03-03,-1
E2,2026-03-04,300000000
E2,2026-03-05,7
E2,2026-03-05,8
E2,2026-03-06,9
  E2,2026-03-08T10:00,10
E2,,5
,2026-03-09,5
"""


def test_meter_file_every_problem_on_its_row_and_today_is_allowed():
    raw, rep = mv.read_meter_file(METERS, "m.csv")
    assert rep.empty and raw["row"].tolist() == list(range(2, 19))
    stored = pd.DataFrame({"enterprise_id": ["E2"], "date": ["2026-03-06"]})
    chk = mv.validate_meters(raw, {"E1", "E2"}, TODAY, stored)
    got = chk.report[["row", "code", "value", "severity"]].values.tolist()
    assert got == [[5, "unknown_enterprise", "E3", "error"], [18, "unknown_enterprise", "", "error"],
                   [6, "bad_date", "2026-13-01", "error"], [17, "bad_date", "", "error"],
                   [7, "future_date", "2026-04-16", "error"], [9, "too_old", "1899-12-31", "error"],
                   [4, "bad_kwh", "abc", "error"], [10, "non_finite", "inf", "error"],
                   [11, "negative", "-1", "error"], [12, "implausible", "300000000", "error"],
                   [13, "duplicate", "E2", "error"], [14, "duplicate", "E2", "error"],
                   [15, "already_stored", "E2", "error"],
                   [2, "gap", "E1", "warning"], [4, "gap", "E2", "warning"]]
    rep = chk.report.set_index("code")
    assert rep.loc["future_date", "problem_en"] == "Date 2026-04-16 is in the future"
    assert rep.loc["too_old", "problem_zh"] == "日期 1899-12-31 早于可信范围（1990-01-01 起）"
    assert rep.loc["implausible", "problem_en"] == "Daily use of 300000000 kWh is implausible"
    assert rep.loc["already_stored", "fix_en"] == "Upload only new days (ask an admin for a revision)"
    assert rep.loc["gap", "problem_en"].tolist() == [
        "Enterprise E1 misses 43 days (between 2026-03-01 and 2026-04-15)",     # refused days are not counted
        "Enterprise E2 misses 1 days (between 2026-03-01 and 2026-03-08)"]
    assert rep.loc["negative", "column"] == "kwh" and rep.loc["bad_date", "column"].tolist() == ["date", "date"]
    assert rep.loc["unknown_enterprise", "column"].tolist() == ["enterprise_id"] * 2
    assert rep.loc["future_date", "column"] == "date" and rep.loc["already_stored", "column"] == "date"
    assert rep.loc["duplicate", "column"].tolist() == ["date", "date"]
    assert chk.clean.values.tolist() == [["E1", pd.Timestamp("2026-03-01"), 100.0], ["E1", pd.Timestamp("2026-03-03"), 1200.0],
                                         ["E1", pd.Timestamp("2026-04-15"), 5.0], ["E2", pd.Timestamp("2026-03-08"), 10.0]]
    assert not chk.ok and len(chk.errors) == 13 and chk.rows_in == 17
    fine = mv.validate_meters(raw.iloc[[0, 1, 6]], {"E1"}, TODAY)
    assert fine.ok and fine.errors.empty and len(fine.clean) == 3
    assert fine.report["code"].tolist() == ["gap"]


def test_meter_checks_list_fifty_rows_then_count_the_rest():
    body = "enterprise_id,date,kwh\n" + "".join(f"X{i},2026-03-01,1\n" for i in range(60))
    raw, _ = mv.read_meter_file(body.encode(), "m.csv")
    chk = mv.validate_meters(raw, set(), TODAY)
    assert len(chk.report) == 51 and (chk.report["code"] == "unknown_enterprise").all()
    last = chk.report.iloc[-1]
    assert pd.isna(last["row"]) and last["problem_en"] == "10 more rows with the same problem are not listed"
    assert last["severity"] == "error"
    assert last["problem_zh"] == "另有 10 行同类问题未列出" and chk.report.iloc[49]["value"] == "X49"


def test_reading_meter_files():
    raw, rep = mv.read_meter_file(b" Enterprise_ID , Date,KWH,extra\nE1,2026-03-01,5,x\n", "m.csv")
    assert list(raw.columns) == ["enterprise_id", "date", "kwh", "row"] and rep.empty
    raw, rep = mv.read_meter_file(b"enterprise_id,day\nE1,2026-03-01\n", "m.csv")
    assert raw is None and rep[["row", "column", "code"]].values.tolist() == [[1, "date", "missing_column"],
                                                                             [1, "kwh", "missing_column"]]
    assert rep.iloc[0]["problem_en"] == "Column date is missing"
    raw, rep = mv.read_meter_file(b"enterprise_id,date,kwh\n", "m.csv")
    assert raw is None and rep["code"].tolist() == ["empty"] and rep["severity"].tolist() == ["error"]
    raw, rep = mv.read_meter_file(b"PAR1 not really parquet", "m.bin")
    assert raw is None and rep["code"].tolist() == ["unreadable"]
    assert rep.iloc[0]["problem_en"].startswith("The file cannot be read: ")
    assert rep.iloc[0]["problem_en"] not in ("The file cannot be read: ", "The file cannot be read: None")
    buf = io.BytesIO()
    pq.write_table(pa.table({"enterprise_id": ["E1", None], "date": ["2026-03-01", "2026-03-02"], "kwh": [5, 6.5]}), buf)
    raw, rep = mv.read_meter_file(buf.getvalue(), "M.PARQUET")
    chk = mv.validate_meters(raw, {"E1"}, TODAY)
    assert chk.clean["kwh"].tolist() == [5.0] and chk.report["code"].tolist() == ["unknown_enterprise"]
    assert chk.report.iloc[0]["row"] == 3 and chk.report.iloc[0]["value"] == ""
    assert list(mv.template_frame().columns) == ["enterprise_id", "date", "kwh"] and mv.template_frame().empty
    reg = pd.DataFrame({"code": ["E1"], "name_zh": ["甲厂"], "name_en": ["Plant A"], "region": ["A"], "sector": ["steel"]})
    assert mv.enterprise_list(reg, "en").values.tolist() == [["E1", "Plant A", "A", "steel"]]
    assert mv.enterprise_list(reg.drop(columns="name_en"), "en").values.tolist() == [["E1", "甲厂", "A", "steel"]]


def test_a_nan_reading_is_not_finite_and_a_big_file_is_refused_with_its_size(monkeypatch):
    raw, _ = mv.read_meter_file(b"enterprise_id,date,kwh\nE1,2026-03-01,nan\nE1,2026-03-02,Infinity\n", "m.csv")
    chk = mv.validate_meters(raw, {"E1"}, TODAY)
    assert chk.report[["row", "code", "value"]].values.tolist()[:2] == [[2, "non_finite", "nan"], [3, "non_finite", "Infinity"]]
    monkeypatch.setattr(mv, "MAX_BYTES", 2 * 2**20)
    raw, rep = mv.read_meter_file(b"x" * (3 * 2**20), "m.csv")
    assert raw is None and rep[["row", "code", "problem_en"]].values.tolist() == [[None, "too_big", "The file is too large (3 MB)"]]
