"""Hostile uploads (issue 8, items 5–7): small files that once took the server down are answered with a clear,
bounded report. The outcome is asserted (codes, report size), not the time: benchmarks/hostile_uploads.py
prints time and peak memory."""
from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
import build_upload_fixtures as B  # noqa: E402
import hostile_files as H  # noqa: E402

from cli.main import main  # noqa: E402
from intake import limits  # noqa: E402
from intake.reader import read_upload  # noqa: E402
from intake.sheets import list_sheets  # noqa: E402
from intake.validate import validate  # noqa: E402
from tests.conftest import file_digest  # noqa: E402
from warehouse import regions_io  # noqa: E402

TODAY = dt.date(2026, 4, 15)
REF = B.reference()
NOISE = {"region_not_uploaded", "indicator_not_uploaded"}


def check(data: bytes, name: str):
    raw = read_upload(data, name)
    v = validate(raw, REF, TODAY)
    assert not set(v.report["code"]) & {"unreadable", "internal_error"}
    return raw, v


def own(v):
    return v.report[~v.report["code"].isin(NOISE)]


# ---------------------------------------------------------------- item 5: duplicate groups

def test_ten_thousand_conflicting_rows_are_one_report_line():
    raw, v = check(H.identical_conflicts(10_000), "c.csv")
    rep = own(v)
    assert rep["code"].tolist() == ["duplicate_conflict"] and rep["row"].tolist() == [2]
    line = rep.iloc[0]
    assert "10,000 rows" in line["problem_en"] and "(rows 2, 3, 4, 5, 6 …)" in line["problem_en"]
    assert "850000 / 850001 / 850002 / 850003 / 850004 …" in line["problem_en"]
    assert "10,000 行" in line["problem_zh"]
    assert v.clean.empty and v.error_rows == 10_000                       # every row refused, reported once
    assert v.report.memory_usage(deep=True).sum() < 50_000                 # was 492 MB


def test_ten_thousand_identical_rows_are_kept_once_with_one_warning():
    raw, v = check(H.identical_rows(10_000), "i.csv")
    rep = own(v)
    assert rep["code"].tolist() == ["duplicate_identical"] and rep["severity"].tolist() == ["warning"]
    assert rep["row"].tolist() == [3] and "only row 2 is kept" in rep["problem_en"].iloc[0]
    assert v.ok and v.clean["row"].tolist() == [2]


def test_many_conflict_groups_are_capped_with_a_summary(monkeypatch):
    monkeypatch.setattr(limits, "MAX_REPORT_ROWS_PER_CODE", 20)
    text = "地区,时期,指标,数值,单位\n" + "".join(
        f"杭州市,{y}-{m:02d},全社会用电量,{v},万千瓦时\n" for y in (2024, 2025) for m in range(1, 13) for v in (1, 2))
    raw, v = check(text.encode(), "g.csv")
    rep = own(v)
    assert (rep["code"] == "duplicate_conflict").sum() == 20
    more = rep[rep["code"] == "more_rows"]
    assert len(more) == 1 and "4 more rows have the same problem (duplicate_conflict)" in more["problem_en"].iloc[0]
    assert v.clean.empty and v.error_rows == 48


def test_every_row_level_code_is_capped(monkeypatch):
    monkeypatch.setattr(limits, "MAX_REPORT_ROWS_PER_CODE", 50)
    text = "地区,时期,指标,数值,单位\n" + "".join(f"无此市{i},2026-03,全社会用电量,1,万千瓦时\n" for i in range(1000))
    raw, v = check(text.encode(), "u.csv")
    assert (v.report["code"] == "unknown_region").sum() == 50
    assert "950 more rows" in v.report.query("code == 'more_rows'")["problem_en"].iloc[0]
    assert v.error_rows == 1000 and v.clean.empty


def test_ignored_rows_in_the_reader_are_capped(monkeypatch):
    monkeypatch.setattr(limits, "MAX_REPORT_ROWS_PER_CODE", 10)
    text = "地区,时期,指标,数值,单位\n" + "注,,,,\n" * 300 + "杭州市,2026-03,全社会用电量,1,万千瓦时\n"
    raw = read_upload(text.encode(), "n.csv")
    assert [p.code for p in raw.problems].count("ignored_row") == 10 and raw.problems[-1].code == "more_rows"
    assert "290 more rows" in raw.problems[-1].message_en and raw.ok and len(raw.rows) == 1


def test_a_million_rows_are_refused_by_size_at_once():
    raw = read_upload(H.million_rows(), "m.csv")
    assert [p.code for p in raw.problems] == ["too_large"] and raw.rows.empty


def test_rows_beyond_the_row_limit_are_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 100)
    raw = read_upload(H.identical_rows(1000), "r.csv")
    assert [p.code for p in raw.problems] == ["too_many_rows"] and "100" in raw.problems[0].message_en


# ---------------------------------------------------------------- item 6: merged ranges, columns, sheets

def test_merged_cell_over_a_million_rows_reads_the_real_extent():
    data = H.merged_column_xlsx()
    raw, v = check(data, "m.xlsx")
    assert raw.ok and len(raw.rows) == 2 and raw.rows["region"].tolist() == ["杭州市", "杭州市"]  # filled down
    assert v.ok and sorted(v.clean["period"]) == ["2026-02", "2026-03"]


def test_listing_sheets_reads_no_cells():
    assert list_sheets(H.merged_column_xlsx()) == ["数据", "说明"]
    assert list_sheets(b"not a workbook") == [] and list_sheets(b"PK\x03\x04broken") == []


def test_twenty_thousand_columns_are_refused_with_the_limit():
    raw, v = check(H.wide_columns_csv(20_000), "w.csv")
    assert [p.code for p in raw.problems] == ["too_many_columns"]
    msg = raw.problems[0].message_en
    assert "20,002 columns" in msg and f"limit of {limits.MAX_COLUMNS}" in msg and "删除多余的列" in raw.problems[0].fix_zh
    assert len(v.report) == 1 and v.clean.empty


def test_trailing_empty_cells_do_not_count_as_columns():
    text = "地区,时期,指标,数值,单位" + "," * 1000 + "\n杭州市,2026-03,全社会用电量,1,万千瓦时" + "," * 1000 + "\n"
    raw, v = check(text.encode(), "t.csv")
    assert raw.ok and len(v.clean) == 1


def test_xlsx_with_a_cell_beyond_the_column_limit_is_refused():
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(B.LONG_HEADER)
    wb.active.append(["杭州市", "2026-03", "全社会用电量", 1, "万千瓦时"])
    wb.active.cell(row=2, column=limits.MAX_COLUMNS + 5, value="x")
    buf = io.BytesIO()
    wb.save(buf)
    raw, _ = check(buf.getvalue(), "c.xlsx")
    assert [p.code for p in raw.problems] == ["too_many_columns"]


# ---------------------------------------------------------------- item 7: duplicated headers

def test_duplicated_header_is_an_error_not_a_dropped_column():
    raw, v = check("地区,时期,指标,数值,数值,单位\n杭州市,2026-03,全社会用电量,1,2,万千瓦时\n".encode(), "d.csv")
    assert [p.code for p in raw.problems] == ["duplicate_header"]
    assert "'数值' appears 2 times (columns D, E)" in raw.problems[0].message_en and v.clean.empty and not v.ok


def test_duplicated_indicator_column_in_a_wide_table_is_an_error():
    raw, _ = check("地区,时期,全社会用电量(万千瓦时),全社会用电量(万千瓦时)\n杭州市,2026-03,1,2\n".encode(), "w.csv")
    assert [p.code for p in raw.problems] == ["duplicate_header"]


def test_a_second_column_of_the_same_meaning_is_named_in_a_warning():
    raw, v = check("地区,城市,时期,指标,数值,单位\n杭州市,宁波,2026-03,全社会用电量,1,万千瓦时\n".encode(), "s.csv")
    assert [(p.code, p.severity) for p in raw.problems] == [("ignored_column", "warning")]
    assert "only '地区' is read" in raw.problems[0].message_en
    assert v.ok and v.clean["region"].tolist() == ["CN-ZJ-HZ"]


# ---------------------------------------------------------------- through the CLI: refused, nothing changed

@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    regions = tmp_path / "regions.csv"
    regions.write_text("code,name_zh,name_en,parent,level\nCN-ZJ,浙江省,Zhejiang,,province\n"
                       "CN-ZJ-HZ,杭州市,Hangzhou,CN-ZJ,city\n", encoding="utf-8")
    assert regions_io.load_regions_file(str(path), str(regions))["errors"] == []
    return path


@pytest.mark.parametrize("name, make, code", [
    ("conflicts.csv", lambda: H.identical_conflicts(10_000), "duplicate_conflict"),
    ("columns.csv", lambda: H.wide_columns_csv(20_000), "too_many_columns"),
    ("header.csv", lambda: "地区,时期,指标,数值,数值,单位\n杭州市,2026-03,全社会用电量,1,2,万千瓦时\n".encode(), "duplicate_header"),
])
def test_cli_refuses_hostile_files_and_changes_nothing(warehouse, tmp_path, capsys, name, make, code):
    upload = tmp_path / name
    upload.write_bytes(make())
    before = file_digest(warehouse)
    assert main(["--db", str(warehouse), "ingest", str(upload), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "rejected" and [e["code"] for e in out["errors"]] == [code]
    assert file_digest(warehouse) == before


def test_cli_loads_the_merged_cell_workbook(warehouse, tmp_path, capsys):
    upload = tmp_path / "merged.xlsx"
    upload.write_bytes(H.merged_column_xlsx())
    assert main(["--db", str(warehouse), "ingest", str(upload), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "loaded" and out["rows_loaded"] == 2
