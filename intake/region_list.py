"""The valid region names for upload templates (issue 8 item 20): a sheet of the warehouse's regions in
the xlsx templates, with a drop-down of choices on the data sheet's region column, and the same list as
a CSV of its own (a CSV template cannot hold a second sheet). Every name is defused before it leaves.
"""
from __future__ import annotations

import pandas as pd

from reports.safe_text import defuse, to_csv_bytes

SHEET = {"zh": "地区列表", "en": "regions"}
HEADERS = {"zh": ["代码", "中文名称", "英文名称", "级别", "上级地区"],
           "en": ["code", "name_zh", "name_en", "level", "parent"]}
LEVELS = {"zh": {"country": "国家", "province": "省", "city": "市", "district": "区县"},
          "en": {"country": "country", "province": "province", "city": "city", "district": "district"}}
MAX_VALIDATED_ROWS = 5000        # data-sheet rows that get the drop-down


def region_frame(regions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """code, names, level and parent name (in ``lang``), in tree order (country, province, city, district)."""
    r = regions.astype({"code": "str"}).fillna("")
    order = {lv: i for i, lv in enumerate(LEVELS["en"])}
    r = r.assign(_o=r["level"].map(order).fillna(9)).sort_values(["_o", "code"], kind="stable")
    name = dict(zip(r["code"], r["name_zh" if lang == "zh" else "name_en"]))
    out = pd.DataFrame({"code": r["code"], "name_zh": r["name_zh"], "name_en": r["name_en"],
                        "level": r["level"].map(LEVELS[lang]).fillna(r["level"]),
                        "parent": r["parent"].map(lambda p: name.get(p, p))})
    return out.set_axis(HEADERS[lang], axis=1).reset_index(drop=True)


def regions_csv(regions: pd.DataFrame, lang: str = "zh") -> bytes:
    """The region list as CSV (UTF-8 with BOM, defused)."""
    return to_csv_bytes(region_frame(regions, lang))


def add_sheet(wb, data_sheet, header: list[str], regions: pd.DataFrame, lang: str) -> None:
    """Append the region sheet to an openpyxl workbook and a list of choices to the region column."""
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    frame = region_frame(regions, lang)
    ws = wb.create_sheet(SHEET[lang])
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([defuse(str(v)) for v in row])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDE", (14, 16, 22, 8, 16)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    if frame.empty or header[0] not in ("地区", "region"):
        return
    name_col = "B" if lang == "zh" else "C"
    dv = DataValidation(type="list", formula1=f"'{SHEET[lang]}'!${name_col}$2:${name_col}${len(frame) + 1}",
                        allow_blank=True, showErrorMessage=True, errorStyle="warning",
                        errorTitle="地区" if lang == "zh" else "Region",
                        error=("请从“地区列表”中选择地区（也可填写代码）。" if lang == "zh"
                               else "Choose a region from the 'regions' sheet (a code is also accepted)."))
    dv.add(f"A2:A{MAX_VALIDATED_ROWS}")
    data_sheet.add_data_validation(dv)
