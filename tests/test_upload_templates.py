"""Downloadable templates: catalog names and canonical units, and they read back cleanly."""
from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from warehouse import catalog
from intake.reader import read_upload
from intake.templates import MESSAGES, template_long, template_wide
from intake.validate import Reference, validate

REF = Reference(regions=pd.DataFrame({"code": ["X"], "name_zh": ["示例市"], "name_en": ["Example City"],
                                      "parent": [""], "level": ["city"]}))


@pytest.mark.parametrize("make", [template_long, template_wide])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_templates_round_trip(make, fmt, lang):
    data = make(fmt, lang)
    raw = read_upload(data, f"template.{fmt}")
    assert raw.ok and raw.shape == ("long" if make is template_long else "wide")
    v = validate(raw, REF, dt.date(2026, 4, 1))
    assert v.ok and v.report.empty
    assert set(v.clean["indicator"]) == {"elec_total", "out_crude_steel"}
    assert v.clean.query("indicator == 'elec_total'")["value"].tolist() == [123456.7, 118000.0]


def test_wide_template_headers_carry_catalog_names_and_units():
    ind = catalog.indicators()
    head = template_wide("csv", "zh").decode("utf-8-sig").splitlines()[0].split(",")
    assert head[:2] == ["地区", "时期"] and "全社会用电量(万千瓦时)" in head and "平板玻璃产量(万重量箱)" in head
    assert len(head) == 2 + len(ind[(ind["frequency"] == "monthly") & (ind["code"] != catalog.TARGET)])
    head_en = template_wide("csv", "en").decode("utf-8-sig").splitlines()[0]
    assert "Natural gas consumption [万立方米]" in head_en


def test_xlsx_template_has_catalog_sheet_and_text_period():
    wb = load_workbook(io.BytesIO(template_long("xlsx", "zh")))
    assert wb.sheetnames == ["数据", "指标说明"]
    cat = list(wb["指标说明"].values)
    assert cat[0][:5] == ("代码", "中文名称", "英文名称", "类别", "标准单位") and len(cat) == len(catalog.indicators()) + 1
    assert wb["数据"]["B2"].number_format == "@" and isinstance(wb["数据"]["D2"].value, float)


def test_bad_arguments():
    with pytest.raises(ValueError):
        template_long("pdf", "zh")
    with pytest.raises(ValueError):
        template_wide("csv", "fr")


def test_every_message_is_bilingual_with_a_fix():
    for code, texts in MESSAGES.items():
        assert len(texts) == 4 and all(texts), code
