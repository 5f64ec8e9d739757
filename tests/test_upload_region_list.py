"""Templates list the valid region names (issue 8 item 20): a sheet and a drop-down of choices in the xlsx,
a region list CSV beside the CSV templates, on the upload page in both languages; and `backtest
--predictions` says the unit of its values (item 21)."""
from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from cli.main import main
from intake import region_list
from intake.reader import read_upload
from intake.templates import template_long, template_wide
from intake.validate import Reference, validate
from tests.apptest_util import APP
from warehouse import regions_io, users

REGIONS = pd.DataFrame({
    "code": ["CN-ZJ", "CN-ZJ-HZ", "CN-ZJ-NB", "EVIL"], "name_zh": ["浙江省", "杭州市", "宁波市", "=HYPERLINK(\"x\")"],
    "name_en": ["Zhejiang", "Hangzhou", "Ningbo", "@SUM(A1)"], "parent": ["", "CN-ZJ", "CN-ZJ", "CN-ZJ"],
    "level": ["province", "city", "city", "city"]})


@pytest.mark.parametrize("make", [template_long, template_wide])
@pytest.mark.parametrize("lang, sheet, col", [("zh", "地区列表", "B"), ("en", "regions", "C")])
def test_xlsx_template_has_the_region_sheet_and_a_drop_down(make, lang, sheet, col):
    wb = load_workbook(io.BytesIO(make("xlsx", lang, REGIONS)))
    assert wb.sheetnames[-1] == sheet
    rows = list(wb[sheet].values)
    assert rows[0] == tuple(region_list.HEADERS[lang])
    assert [r[0] for r in rows[1:]] == ["CN-ZJ", "CN-ZJ-HZ", "CN-ZJ-NB", "EVIL"]   # province first, then cities
    assert rows[2][4] == ("浙江省" if lang == "zh" else "Zhejiang") and rows[2][3] == ("市" if lang == "zh" else "city")
    assert rows[4][1] == "'=HYPERLINK(\"x\")" and rows[4][2] == "'@SUM(A1)"          # defused, never a formula
    dv = wb.worksheets[0].data_validations.dataValidation
    assert len(dv) == 1 and dv[0].type == "list" and dv[0].formula1 == f"'{sheet}'!${col}$2:${col}$5"
    assert str(dv[0].sqref).startswith("A2:A")


def test_a_template_filled_from_the_list_validates():
    wb = load_workbook(io.BytesIO(template_long("xlsx", "zh", REGIONS)))
    ws = wb.worksheets[0]
    names = [r[1] for r in list(wb["地区列表"].values)[1:3]]
    for i, name in enumerate(names, start=2):
        ws.cell(row=i, column=1, value=name)
    for i in range(4, 6):
        ws.cell(row=i, column=1, value=names[1])
    buf = io.BytesIO()
    wb.save(buf)
    raw = read_upload(buf.getvalue(), "t.xlsx")
    v = validate(raw, Reference(regions=REGIONS), dt.date(2026, 4, 1))
    assert raw.sheet == "数据" and v.ok and set(v.clean["region"]) == {"CN-ZJ", "CN-ZJ-HZ"}


def test_region_list_csv_is_defused_and_bilingual():
    zh = region_list.regions_csv(REGIONS, "zh").decode("utf-8-sig").splitlines()
    en = region_list.regions_csv(REGIONS, "en").decode("utf-8-sig").splitlines()
    assert zh[0] == "代码,中文名称,英文名称,级别,上级地区" and en[0] == "code,name_zh,name_en,level,parent"
    assert zh[2] == "CN-ZJ-HZ,杭州市,Hangzhou,市,浙江省" and en[2] == "CN-ZJ-HZ,杭州市,Hangzhou,city,Zhejiang"
    assert "'=HYPERLINK" in zh[4] and "'@SUM" in en[4]


def test_without_regions_the_templates_stay_as_before():
    assert load_workbook(io.BytesIO(template_long("xlsx", "zh"))).sheetnames == ["数据", "指标说明"]


@pytest.mark.parametrize("lang, label", [("zh", "地区列表 CSV"), ("en", "Region list CSV")])
def test_upload_page_offers_the_region_list(tmp_path, env_db, lang, label):
    from streamlit.testing.v1 import AppTest

    path, regions = tmp_path / "w.duckdb", tmp_path / "regions.csv"
    REGIONS.iloc[:3].to_csv(regions, index=False)
    assert regions_io.load_regions_file(str(path), str(regions))["errors"] == []
    users.add_user(path, "ana", "analyst", "analyst-pass-1")
    env_db(path)
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = lang
    at.session_state["auth_user"] = {"name": "ana", "role": "analyst"}
    at.run()
    at.switch_page("app_pages/upload.py")
    at.run()
    assert not at.exception, at.exception
    buttons = [b.proto.label for b in at.get("download_button")]
    assert label in buttons and len(buttons) == 5


def test_backtest_predictions_name_their_unit(tmp_path, capsys):
    from tests.test_nowcast import make_obs

    obs = make_obs(n_regions=3).assign(unit="")
    obs["unit"] = obs["indicator"].map({"co2_total": "万吨"}).fillna("万千瓦时")
    obs = obs[obs["indicator"].isin(["co2_total", "elec_total", "elec_secondary", "gen_thermal"])]
    src, pred = tmp_path / "long.csv", tmp_path / "pred.csv"
    obs[["region", "period", "indicator", "value", "unit"]].to_csv(src, index=False)
    assert main(["backtest", "--input", str(src), "--origins", "2", "--predictions", str(pred)]) == 0
    got = pd.read_csv(pred)
    assert list(got.columns) == ["model", "region", "period", "origin", "horizon", "prediction", "lo80", "hi80", "lo90", "hi90",
                                 "actual", "unit"]
    assert set(got["unit"]) == {"万吨"} and len(got) > 0
