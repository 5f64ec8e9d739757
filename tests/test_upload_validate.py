"""Validating uploads: every problem is reported (row, column, value, zh/en problem and fix).

Nothing is stored silently."""
from __future__ import annotations

import datetime as dt
import math
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
import build_upload_fixtures as B  # noqa: E402

from intake.reader import read_upload  # noqa: E402
from intake.validate import (  # noqa: E402
    CLEAN_COLUMNS, REPORT_COLUMNS, Reference, parse_number, parse_period, report_for_export, validate)
from tests.tool_util import require_path  # noqa: E402

TODAY = dt.date(2026, 4, 15)
REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "china-provinces-monthly"


@pytest.fixture(scope="module")
def ref():
    return B.reference()


def check(name, ref, **kw):
    v = validate(read_upload(B.FIXTURES[name](), name), ref, kw.get("today", TODAY))
    assert list(v.report.columns) == REPORT_COLUMNS and list(v.clean.columns) == CLEAN_COLUMNS
    texts = v.report[["problem_zh", "problem_en", "fix_zh", "fix_en"]]
    assert texts.ne("").all().all()
    assert not texts.apply(lambda c: c.str.contains(r"\{|\bnan\b|<NA>|None")).any().any()
    return v


def issues(v, severity=None):
    rep = v.report if severity is None else v.report[v.report["severity"] == severity]
    rep = rep[~rep["code"].isin(["region_not_uploaded", "indicator_not_uploaded"])]
    return sorted(zip(rep["row"].astype(object), rep["code"]))


@pytest.mark.parametrize("text, expected", [
    ("2026-03", ("2026-03", "month", None)), ("2026/3", ("2026-03", "month", None)),
    ("202603", ("2026-03", "month", None)), ("2026年3月", ("2026-03", "month", None)),
    ("2026.03", ("2026-03", "month", None)), ("２０２６年３月份", ("2026-03", "month", None)),
    ("2026-03-01", ("2026-03", "month", None)), ("2026-03-15", (None, None, "bad_period")),
    ("2026年1-2月", ("2026-01..02", "combined", None)), ("2026年1—2月", ("2026-01..02", "combined", None)),
    ("2026Q1", ("2026-Q1", "quarter", None)), ("2026-Q1", ("2026-Q1", "quarter", None)),
    ("2026年第一季度", ("2026-Q1", "quarter", None)), ("2026年一季度", ("2026-Q1", "quarter", None)),
    ("2026", ("2026", "year", None)), ("2026年", ("2026", "year", None)),
    ("2026.1", (None, None, "ambiguous_period")), ("2026-13", (None, None, "bad_period")),
    ("3月", (None, None, "bad_period")), ("", (None, None, "missing_period")), ("1850-01", (None, None, "bad_period")),
])
def test_parse_period(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("１２３，４５６．７", (123456.7, None)), ("1,234,567", (1234567.0, None)), ("-12.5", (-12.5, None)),
    (" 88 ", (88.0, None)), ("1.5e3", (1500.0, None)), ("", (None, None)), ("-", (None, None)),
    ("—", (None, None)), ("12%", (None, "percent_value")), ("(1,200)", (None, "paren_negative")),
    ("81,2", (None, "bad_number")), ("12万", (None, "bad_number")), ("#DIV/0!", (None, "excel_error")),
    ("nan", (None, "bad_number")), ("inf", (None, "bad_number")),
])
def test_parse_number(text, expected):
    assert parse_number(text) == expected


def test_clean_file_canonical_units(ref):
    v = check("bom_long_tab.csv", ref)
    assert v.ok and v.n_errors == 0
    assert v.clean["value"].tolist() == [867000.0] * 4     # 86.7 亿千瓦时 -> 万千瓦时, no float artefact
    assert v.clean["region"].tolist() == ["CN-ZJ-HZ", "CN-ZJ-HZ", "CN-ZJ-NB", "CN-ZJ-NB"]
    assert v.clean["period"].tolist() == ["2026-02", "2026-03"] * 2


def test_combined_jan_feb_is_one_period_never_split(ref):
    v = check("combined_jan_feb.csv", ref)
    assert issues(v, "error") == []
    assert v.clean["period"].tolist() == ["2026-01..02", "2026-01..02", "2026-03"]   # one value each, not split
    assert v.clean["value"].tolist() == [1720000.0, 1650000.0, 880000.0]


def test_other_combined_months_are_errors_never_split(ref):
    rows = [["地区", "时期", "指标", "数值", "单位"], ["杭州市", "2026年3-5月", "全社会用电量", "2640000", "万千瓦时"],
            ["杭州市", "2026年1-2月", "地区生产总值", "3000", "亿元"]]
    v = validate(read_upload("\n".join(",".join(r) for r in rows).encode(), "c.csv"), ref, dt.date(2026, 6, 15))
    assert issues(v, "error") == [(2, "combined_period"), (3, "period_frequency")]   # GDP is quarterly
    assert v.clean.empty
    assert "不会自动拆分" in v.report.query("row == 2")["problem_zh"].iloc[0]


def test_unit_slips_revisions_and_breaks_are_warnings(ref):
    v = check("unit_slip.csv", ref)
    assert v.n_errors == 0
    assert issues(v) == [(2, "unit_slip"), (3, "unit_slip"), (5, "revision"), (6, "yoy_break")]
    rep = v.report.set_index("row")
    assert "亿千瓦时 entered as 万千瓦时" in rep.loc[2, "problem_en"]
    assert "看起来是把 亿千瓦时 的数填成了 万千瓦时" in rep.loc[2, "problem_zh"]
    assert "吨 entered as 万吨" in rep.loc[3, "problem_en"]
    assert "850,000 → 900,000 (+5.9%)" in rep.loc[5, "problem_en"]
    assert rep.loc[5, "column"] == "数值"


def test_duplicates(ref):
    v = check("duplicates.csv", ref)
    # one line per group (issue 8 item 5): the conflict of rows 4 and 5 is reported once, at row 4
    assert issues(v) == [(3, "duplicate_identical"), (4, "duplicate_conflict")]
    assert v.clean["row"].tolist() == [2]               # identical duplicate kept once (88 亿 = 880000 万)
    assert v.error_rows == 2                            # both conflicting rows are refused
    assert "(rows 4, 5): 870000 / 871000" in v.report.query("row == 4")["problem_en"].iloc[0]


def test_unknown_regions_with_suggestions_and_aliases(ref):
    v = check("unknown_cities.csv", ref)
    assert issues(v, "error") == [(2, "unknown_region"), (5, "unknown_region"), (6, "unknown_indicator")]
    fix = v.report.query("row == 2")
    assert "杭州市 (CN-ZJ-HZ)" in fix["fix_zh"].iloc[0] and "Did you mean" in fix["fix_en"].iloc[0]
    assert "全社会用电量" in v.report.query("row == 6")["fix_zh"].iloc[0]
    assert sorted(v.clean["region"]) == ["CN-ZJ-HZ", "CN-ZJ-NB"]    # 'Ningbo' and alias '杭城'


def test_ambiguous_region_without_suffix():
    regions = pd.DataFrame({"code": ["JL", "JL-C"], "name_zh": ["吉林省", "吉林市"], "name_en": ["Jilin", "Jilin City"],
                            "parent": ["", "JL"], "level": ["province", "city"]})
    text = "地区,时期,指标,数值,单位\n吉林,2026-03,粗钢产量,1,万吨\n吉林市,2026-03,粗钢产量,1,万吨\njl-c,2026-02,粗钢产量,1,万吨\n"
    v = validate(read_upload(text.encode(), "a.csv"), Reference(regions=regions), TODAY)
    assert issues(v) == [(2, "ambiguous_region")]
    assert v.clean["region"].tolist() == ["JL-C", "JL-C"]


def test_formula_text_is_an_error_and_export_is_defused(ref):
    v = check("formula.csv", ref)
    assert issues(v) == [(2, "formula"), (3, "formula"), (4, "negative_value")]
    assert v.clean.empty
    safe = report_for_export(v.report)
    assert safe.query("row == 2")["value"].iloc[0] == "'" + B.FORMULA
    assert not safe["value"].str.match(r"^[=+\-@]").any()


def test_formula_in_xlsx(ref):
    v = check("formula.xlsx", ref)
    assert issues(v) == [(2, "formula"), (3, "formula"), (4, "percent_value")]


def test_fullwidth_percent_parentheses_blank_future_and_quarters(ref):
    v = check("fullwidth_gbk.csv", ref)
    assert issues(v) == [(4, "percent_value"), (5, "paren_negative"), (6, "blank_value"), (7, "future_period"),
                         (8, "bad_period")]
    assert v.report.query("row == 6")["severity"].iloc[0] == "warning"
    assert v.clean[["region", "period", "indicator", "value"]].values.tolist() == [
        ["CN-ZJ-HZ", "2026-03", "elec_total", 875000.5], ["CN-ZJ-NB", "2026-Q1", "gdp", 3800.0]]


def test_unit_and_frequency_mismatch(ref):
    text = ("地区,时期,指标,数值,单位\n杭州市,2026-03,全社会用电量,1,万吨\n杭州市,2026-03,粗钢产量,1,furlong\n"
            "杭州市,2026-03,地区生产总值,1,亿元\n杭州市,2026Q1,elec_total,1,GWh\n杭州市,2026-03,Crude steel output,2,kt\n")
    v = validate(read_upload(text.encode(), "a.csv"), ref, TODAY)
    assert issues(v, "error") == [(2, "unit_mismatch"), (3, "unknown_unit"), (4, "period_frequency"),
                                  (5, "period_frequency")]
    assert "万千瓦时" in v.report.query("row == 2")["problem_zh"].iloc[0]
    assert v.clean["value"].tolist() == [0.2]


def test_wide_and_merged_files_validate(ref):
    v = check("wide_header_units.xlsx", ref)
    assert v.n_errors == 0
    assert v.clean[["indicator", "value"]].values.tolist() == [
        ["elec_total", 880000.0], ["elec_secondary", 555000.0], ["out_crude_steel", 80.2], ["elec_total", 870000.0]]
    assert v.report.query("code == 'blank_value'")["column"].tolist() == ["粗钢产量（万吨）"]
    v = check("merged_title.xlsx", ref)
    assert v.n_errors == 0 and len(v.clean) == 6


def test_missing_regions_and_indicators_against_last_upload(ref):
    v = check("gbk_long.csv", ref)
    rep = v.report
    gone = rep[rep["code"] == "region_not_uploaded"]
    assert len(gone) == 8 and gone["severity"].eq("warning").all() and gone["row"].isna().all()
    assert sorted(gone["value"])[0] == "丽水市"
    assert "Region 'Lishui' was in the last upload" in " ".join(gone["problem_en"])
    lacking = rep[rep["code"] == "indicator_not_uploaded"]
    assert "Crude steel output" in lacking["problem_en"].iloc[0]


def test_file_problems_become_report_rows(ref):
    v = validate(read_upload(b"", "a.csv"), ref, TODAY)
    assert v.report["code"].tolist() == ["empty_file"] and not v.ok and v.clean.empty


def test_real_china_provinces_file():
    require_path(REAL / "observations.csv", "the shared real data")
    raw = read_upload((REAL / "observations.csv").read_bytes(), "observations.csv")
    assert raw.ok and raw.shape == "long"
    regions = pd.read_csv(REAL / "regions.csv", dtype=str, keep_default_na=False)
    v = validate(raw, Reference(regions=regions), dt.date(2026, 4, 15))
    raw_values = pd.to_numeric(raw.rows["value"])
    negative = set(raw.rows.loc[raw_values < 0, "row"])
    assert len(negative) > 0
    assert set(v.report["code"]) == {"negative_value"} and set(v.report["row"]) == negative
    assert len(v.clean) == len(raw.rows) - len(negative)
    hz = v.clean[(v.clean["region"] == "CN-SH") & (v.clean["period"] == "2019-01")].set_index("indicator")["value"]
    assert hz["elec_total"] == 1_490_000.0 and math.isclose(hz["gen_solar"], 215.0, rel_tol=0, abs_tol=0)


def test_region_spellings_and_net_imports_may_be_negative():
    regions = pd.DataFrame({"code": ["CN-SH"], "name_zh": ["上海"], "name_en": ["Shanghai"], "parent": ["CN"],
                            "level": ["province"]})
    text = "region,period,indicator,value,unit\n" + "".join(
        f"{r},2026-0{i + 1},elec_net_import,-5,亿千瓦时\n"
        for i, r in enumerate(["上海市", "SHANGHAI", "cn-sh", "Shanghai Shi", " 上海 "]))
    v = validate(read_upload(text.encode(), "a.csv"), Reference(regions=regions), TODAY)
    assert issues(v) == [(6, "future_period")]
    assert v.clean["region"].tolist() == ["CN-SH"] * 4 and v.clean["value"].tolist() == [-50000.0] * 4
    assert v.clean["row"].tolist() == [2, 3, 4, 5]          # 2026-05 (row 6) is in the future


def test_reader_row_errors_keep_rows_out_of_clean(ref):
    text = "地区,时期,指标,数值,单位\n杭州市,2026-03,全社会用电量(亿千瓦时),88,万千瓦时\n宁波市,2026-03,粗钢产量,80,万吨\n"
    v = validate(read_upload(text.encode(), "a.csv"), ref, TODAY)
    assert issues(v, "error") == [(2, "unit_conflict")]
    assert v.clean["row"].tolist() == [3]
