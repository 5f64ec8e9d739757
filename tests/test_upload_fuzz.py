"""Malformed bytes never raise: read_upload and validate always return a report."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
import build_upload_fixtures as B  # noqa: E402

from intake.reader import read_upload  # noqa: E402
from intake.validate import REPORT_COLUMNS, validate  # noqa: E402

REF = B.reference()
TOKENS = ["地区", "时期", "指标", "数值", "单位", "region", "period", "indicator", "value", "unit", "杭州市", "Ningbo",
          "2026-03", "2026年1-2月", "2026Q1", "全社会用电量", "elec_total", "万千瓦时", "亿千瓦时", "(万吨)", "1,234", "１２",
          "-", "—", "=cmd|' /C calc'!A0", "@x", '"', '""', "%", "(1)", "#N/A", "\x00", "\ufeff", "", " ", "x"]
SEPS = [",", ",", ";", "\t", "\n", "\r\n", ""]


def check(data: bytes, name: str) -> None:
    raw = read_upload(data, name)
    assert not any(p.code == "unreadable" for p in raw.problems), raw.problems   # no internal exception
    v = validate(raw, REF, dt.date(2026, 4, 1))
    assert list(v.report.columns) == REPORT_COLUMNS
    assert "internal_error" not in set(v.report["code"])
    if len(raw.rows) == 0:
        assert not v.ok or not raw.problems or all(p.severity == "warning" for p in raw.problems)


csv_text = st.lists(st.tuples(st.sampled_from(TOKENS), st.sampled_from(SEPS)), max_size=60).map(
    lambda parts: "".join(t + s for t, s in parts))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_text, st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
       st.sampled_from(["a.csv", "b.txt", "c.xlsx", "noext"]))
def test_malformed_csv_text_never_raises(text, encoding, name):
    check(text.encode(encoding, errors="ignore"), name)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["a.csv", "b.xlsx"]))
def test_random_bytes_never_raise(data, name):
    raw = read_upload(data, name)
    validate(raw, REF, dt.date(2026, 4, 1))


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=3000), st.binary(min_size=1, max_size=20))
def test_corrupted_xlsx_never_raises(pos, junk):
    data = bytearray(B.FIXTURES["merged_title.xlsx"]())
    data[pos:pos + len(junk)] = junk
    raw = read_upload(bytes(data), "a.xlsx")
    v = validate(raw, REF, dt.date(2026, 4, 1))
    assert list(v.report.columns) == REPORT_COLUMNS
