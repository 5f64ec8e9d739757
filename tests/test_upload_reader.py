"""Reading analysts' uploads: encodings, delimiters, title rows, merged cells, wide shapes, bad files."""
from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
import build_upload_fixtures as B  # noqa: E402

from intake.reader import ROW_COLUMNS, read_upload, split_unit  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return B.build_all(tmp_path_factory.mktemp("uploads"))


def read(corpus, name, **kw):
    return read_upload(corpus[name].read_bytes(), name, **kw)


def codes(raw):
    return [p.code for p in raw.problems]


def test_gbk_csv_with_chinese_headers(corpus):
    raw = read(corpus, "gbk_long.csv")
    assert raw.ok and raw.shape == "long" and raw.encoding == "gb18030"
    assert list(raw.rows.columns) == ROW_COLUMNS
    assert raw.rows["row"].tolist() == [2, 3, 4, 5, 6, 7]
    assert raw.rows.loc[0, ["region", "indicator", "unit"]].tolist() == ["杭州市", "全社会用电量", "万千瓦时"]
    assert len(raw.sha256) == 64


def test_utf8_bom_tab_delimited_english_headers(corpus):
    raw = read(corpus, "bom_long_tab.csv")
    assert raw.ok and raw.encoding == "utf-8-sig"
    assert raw.columns["region"] == "region"          # BOM does not stick to the first header
    assert raw.rows["period"].tolist() == ["2026/2", "202603", "2026/2", "202603"]


def test_semicolon_gb18030_and_header_synonyms(corpus):
    raw = read(corpus, "semicolon_gb18030.csv")
    assert raw.ok
    assert raw.columns == {"region": "城市", "period": "月份", "indicator": "指标名称", "value": "值", "unit": "计量单位"}
    assert raw.rows["value"].tolist() == ["81,2", "79.9"]     # kept raw: validation decides


def test_xlsx_title_rows_merged_cells_dates_and_notes(corpus):
    raw = read(corpus, "merged_title.xlsx")
    assert raw.ok and raw.header_row == 3 and raw.sheet == "一季度"
    assert raw.rows["row"].tolist() == [4, 5, 6, 7, 8, 9]     # Excel row numbers
    assert raw.rows["region"].tolist() == ["杭州市"] * 3 + ["宁波市"] * 3   # merged cells filled down
    assert raw.rows["period"].tolist()[:3] == ["2026-01", "2026-02", "2026-03"]   # real Excel dates
    assert raw.rows.loc[2, "value"] == "880000.3"               # no float artefact (0.1 + 0.2 + 880000)
    note = [p for p in raw.problems if p.code == "ignored_row"]
    assert len(note) == 1 and note[0].row == 10 and note[0].severity == "warning"


def test_xlsx_formula_cells_are_text_never_evaluated(corpus):
    raw = read(corpus, "formula.xlsx")
    assert raw.rows["value"].tolist() == [B.FORMULA, "=SUM(1,2)", "50%"]   # 0.5 shown as 0% format -> 50%


def test_sheet_choice_and_missing_sheet(corpus):
    data = corpus["merged_title.xlsx"].read_bytes()
    assert read_upload(data, "a.xlsx", sheet="一季度").ok
    raw = read_upload(data, "a.xlsx", sheet="二季度")
    assert codes(raw) == ["sheet_not_found"] and "一季度" in raw.problems[0].message_zh


def test_wide_with_units_in_headers(corpus):
    raw = read(corpus, "wide_header_units.xlsx")
    assert raw.ok and raw.shape == "wide" and raw.header_row == 2
    got = raw.rows[["row", "indicator", "value", "unit", "column"]].values.tolist()
    assert got == [[3, "全社会用电量", "880000", "万千瓦时", "全社会用电量（万千瓦时）"],
                   [3, "elec_secondary", "55.5", "亿千瓦时", "elec_secondary [亿千瓦时]"],
                   [3, "粗钢产量", "80.2", "万吨", "粗钢产量（万吨）"],
                   [4, "全社会用电量", "８７００００", "万千瓦时", "全社会用电量（万千瓦时）"],
                   [4, "粗钢产量", "—", "万吨", "粗钢产量（万吨）"]]       # 备注 column ignored


def test_wide_with_unit_row_and_with_unit_column(corpus):
    raw = read(corpus, "wide_unit_row.csv")
    assert raw.ok and raw.shape == "wide" and raw.header_row == 2
    assert raw.rows[["row", "indicator", "unit"]].values.tolist() == [
        [4, "全社会用电量", "亿千瓦时"], [4, "粗钢产量", "万吨"], [5, "全社会用电量", "亿千瓦时"]]
    raw = read(corpus, "wide_unit_column.csv")
    assert raw.ok and raw.rows["unit"].tolist() == ["亿千瓦时", "亿千瓦时", "万千瓦时"]
    assert raw.rows["unit_column"].unique().tolist() == ["unit"]


def test_wide_column_without_any_unit_is_reported_once():
    raw = read_upload("地区,时期,全社会用电量\n杭州市,2026-03,1\n宁波市,2026-03,2\n".encode(), "a.csv")
    assert codes(raw) == ["column_no_unit"] and len(raw.rows) == 0
    assert "2" in raw.problems[0].message_en and raw.problems[0].column == "全社会用电量"


def test_unit_inside_indicator_text_and_value_header():
    text = "地区,时期,指标,数值(万千瓦时)\n杭州市,2026-03,全社会用电量(亿千瓦时),8.8\n宁波市,2026-03,全社会用电量,9\n"
    raw = read_upload(text.encode(), "a.csv")
    assert raw.ok
    assert raw.rows[["indicator", "unit"]].values.tolist() == [["全社会用电量", "亿千瓦时"], ["全社会用电量", "万千瓦时"]]


@pytest.mark.parametrize("name, code", [("empty.csv", "empty_file"), ("not_really.xlsx", "not_spreadsheet")])
def test_bad_files(corpus, name, code):
    raw = read(corpus, name)
    assert codes(raw) == [code] and len(raw.rows) == 0
    p = raw.problems[0]
    assert p.message_zh and p.message_en and p.fix_zh and p.fix_en


def test_over_the_size_limit_without_parsing():
    raw = read_upload(b"a,b\n" * (50 * 1024 * 1024 // 4), "big.csv")
    assert codes(raw) == ["too_large"] and "20.0 MB" in raw.problems[0].message_en
    assert read_upload(b"x" * 2000, "a.csv", max_bytes=1000).problems[0].code == "too_large"


@pytest.mark.parametrize("data, name, code", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", "legacy_xls"),
    (b"PK\x03\x04garbage", "broken.xlsx", "not_spreadsheet"),
    (b"%PDF-1.4\x00\x01binary", "scan.csv", "not_spreadsheet"),
    (b"\x81\x30\xff\xfe\xfd\x80", "a.csv", "encoding"),
    ("随便写点什么\n没有表头\n".encode("gbk"), "a.csv", "no_header"),
    ("地区,数值\n杭州市,1\n".encode(), "a.csv", "missing_columns"),
    ("地区,时期,指标,数值,单位\n".encode(), "a.csv", "no_data"),
])
def test_file_level_problems(data, name, code):
    raw = read_upload(data, name)
    assert code in codes(raw) and not raw.ok and len(raw.rows) == 0


def test_docx_zip_named_xlsx_is_not_a_spreadsheet():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    assert codes(read_upload(buf.getvalue(), "report.xlsx")) == ["not_spreadsheet"]


def test_xlsx_renamed_csv_is_read_as_xlsx(corpus):
    assert read_upload(corpus["merged_title.xlsx"].read_bytes(), "export.csv").ok


def test_prefixed_xml_falls_back_to_openpyxl_parser(corpus):
    """Some generators write <x:c> with a namespace prefix: same rows via the slow path."""
    data = corpus["merged_title.xlsx"].read_bytes()
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                xml = body.decode()
                xml = re.sub(r"<(/?)(?![?!])([A-Za-z]\w*)", r"<\1x:\2", xml)
                xml = xml.replace('xmlns="', 'xmlns:x="', 1)
                body = xml.encode()
            z.writestr(info, body)
    fast, slow = read_upload(data, "a.xlsx"), read_upload(out.getvalue(), "a.xlsx")
    assert slow.ok and slow.rows.equals(fast.rows)


def test_utf16_excel_unicode_text_export():
    text = "地区\t时期\t指标\t数值\t单位\r\n杭州市\t2026-03\t全社会用电量\t1\t万千瓦时\r\n"
    raw = read_upload(text.encode("utf-16"), "unicode.txt")
    assert raw.ok and raw.encoding == "utf-16" and raw.rows.loc[0, "region"] == "杭州市"


def test_split_unit():
    assert split_unit("全社会用电量（万千瓦时）") == ("全社会用电量", "万千瓦时")
    assert split_unit("elec_total [亿千瓦时]") == ("elec_total", "亿千瓦时")
    assert split_unit("粗钢产量(单位：万吨)") == ("粗钢产量", "万吨")
    assert split_unit("天然气消费量/万立方米") == ("天然气消费量", "万立方米")
    assert split_unit("粗钢产量(含废钢)") == ("粗钢产量(含废钢)", "")
