"""Fuzzing the upload check. Reading and validation catch every exception (so a page never crashes), which
means "it did not raise" proves nothing: these properties assert what comes back instead.

- well-formed input (generated valid rows, any layout the reader accepts) reads and validates with no
  ``unreadable`` / ``internal_error`` and every row comes out, value for value;
- malformed input gets the specific file-level or row-level codes, never ``unreadable`` / ``internal_error``
  (a reader or validator that always raised, or that swallowed its own bug, fails here).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
import build_upload_fixtures as B  # noqa: E402

from intake.reader import read_upload  # noqa: E402
from intake.templates import MESSAGES  # noqa: E402
from intake.validate import REPORT_COLUMNS, validate  # noqa: E402

REF = B.reference()
TODAY = dt.date(2026, 4, 1)
CRASH = {"unreadable", "internal_error"}
FILE_CODES = {"empty_file", "too_large", "not_spreadsheet", "legacy_xls", "encoding", "no_header", "missing_columns",
              "no_data", "duplicate_header", "too_many_columns", "too_many_rows", "sheet_not_found"}
TOKENS = ["地区", "时期", "指标", "数值", "单位", "region", "period", "indicator", "value", "unit", "杭州市", "Ningbo",
          "2026-03", "2026年1-2月", "2026Q1", "全社会用电量", "elec_total", "万千瓦时", "亿千瓦时", "(万吨)", "1,234", "１２",
          "-", "—", "=cmd|' /C calc'!A0", "@x", '"', '""', "%", "(1)", "#N/A", "\x00", "\ufeff", "", " ", "x",
          "1e308", "1e400", "inf", "nan"]
SEPS = [",", ",", ";", "\t", "\n", "\r\n", ""]


def codes(v) -> set[str]:
    return set(v.report["code"])


def checked(data: bytes, name: str):
    raw = read_upload(data, name)
    v = validate(raw, REF, TODAY)
    assert list(v.report.columns) == REPORT_COLUMNS
    assert not (codes(v) & CRASH), v.report[v.report["code"].isin(CRASH)]["problem_en"].tolist()
    assert set(v.report["code"]) <= set(MESSAGES)                      # every code has its bilingual text
    assert v.report[["problem_zh", "problem_en"]].ne("").all().all()
    return raw, v


# ---------------------------------------------------------------- well-formed input: everything comes out

CITY = st.sampled_from(B.CITIES)
MONTH = st.tuples(st.integers(2024, 2026), st.integers(1, 12)).filter(lambda ym: ym < (2026, 4))
VALUE = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
# plausible values: at most 1e5 in any unit here, 1e9 万千瓦时 at 亿千瓦时 (the range admits 5e9)
INDICATOR = st.sampled_from([("全社会用电量", "elec_total", "万千瓦时", 1.0), ("elec_total", "elec_total", "亿千瓦时", 1e4),
                             ("粗钢产量", "out_crude_steel", "万吨", 1.0), ("Crude steel output", "out_crude_steel", "t", 1e-4)])
rows_strategy = st.lists(st.tuples(CITY, MONTH, INDICATOR, VALUE), min_size=1, max_size=25,
                         unique_by=lambda r: (r[0][0], r[1], r[2][1]))


def _write(rows, header, delimiter, encoding, name_col) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    for (code, zh, en), (y, m), (ind, _, unit, _), value in rows:
        w.writerow([{"zh": zh, "en": en, "code": code}[name_col], f"{y}-{m:02d}", ind, str(value), unit])
    return buf.getvalue().encode(encoding)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows_strategy, st.sampled_from([["地区", "时期", "指标", "数值", "单位"], ["region", "period", "indicator", "value", "unit"]]),
       st.sampled_from([",", "\t", ";"]), st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
       st.sampled_from(["zh", "en", "code"]))
def test_well_formed_csv_reads_every_row_exactly(rows, header, delimiter, encoding, name_col):
    raw, v = checked(_write(rows, header, delimiter, encoding, name_col), "a.csv")
    assert raw.ok and raw.shape == "long" and v.ok, v.report[["code", "problem_en"]].values.tolist()
    assert len(v.clean) == len(rows)
    got = {(r.region, r.period, r.indicator): r.value for r in v.clean.itertuples()}
    for (code, _, _), (y, m), (_, ind, _, factor), value in rows:
        assert abs(got[(code, f"{y}-{m:02d}", ind)] - float(value) * factor) <= 1e-6 * max(1.0, float(value) * factor)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows_strategy)
def test_well_formed_xlsx_reads_every_row(rows):
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(B.LONG_HEADER)
    for (_, zh, _), (y, m), (ind, _, unit, _), value in rows:
        wb.active.append([zh, f"{y}-{m:02d}", ind, float(value), unit])
    buf = io.BytesIO()
    wb.save(buf)
    raw, v = checked(buf.getvalue(), "a.xlsx")
    assert raw.ok and v.ok and len(v.clean) == len(rows)


# ---------------------------------------------------------------- malformed input: specific codes

csv_text = st.lists(st.tuples(st.sampled_from(TOKENS), st.sampled_from(SEPS)), max_size=60).map(
    lambda parts: "".join(t + s for t, s in parts))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_text, st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
       st.sampled_from(["a.csv", "b.txt", "c.xlsx", "noext"]))
def test_malformed_csv_text_gets_specific_codes(text, encoding, name):
    raw, v = checked(text.encode(encoding, errors="ignore"), name)
    if not raw.ok:                      # refused as a file: the reader says why, with a file-level code
        assert {p.code for p in raw.problems if p.severity == "error"} <= FILE_CODES | {"unit_conflict"}
        assert v.clean.empty
    if len(raw.rows) == 0:              # nothing read: never an empty, silent "ok"
        assert not v.ok or v.report["code"].isin(["ignored_row", "more_rows"]).any() or not text.strip("\x00 ,;\t\r\n")


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["a.csv", "b.xlsx"]))
def test_random_bytes_are_refused_with_a_file_level_code(data, name):
    raw, v = checked(data, name)
    if len(raw.rows) == 0:
        assert not v.ok and set(v.report["code"]) & FILE_CODES, v.report["code"].tolist()
    assert v.clean.empty or raw.ok      # whatever was read passed the same row checks


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=5000), st.binary(min_size=1, max_size=20))
def test_corrupted_xlsx_is_damaged_not_internal(pos, junk):
    data = bytearray(B.FIXTURES["merged_title.xlsx"]())
    data[pos:pos + len(junk)] = junk
    raw, v = checked(bytes(data), "a.xlsx")
    if not raw.ok:
        assert {p.code for p in raw.problems if p.severity == "error"} <= FILE_CODES, raw.problems
        assert v.clean.empty
    else:                               # the damage missed the data: the same rows as the intact file
        assert len(raw.rows) <= 6 and v.clean["region"].isin({c for c, _, _ in B.CITIES}).all()
