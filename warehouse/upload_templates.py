"""Downloadable upload templates (long and wide, CSV or xlsx, Chinese or English headers).

Built from the indicator catalog so names and canonical units have one home (data/indicators.csv).
CSV templates are UTF-8 with BOM so that Excel opens the Chinese text correctly.
"""
from __future__ import annotations

import csv
import io
import re

from warehouse import catalog

LONG_HEADERS = {"zh": ["地区", "时期", "指标", "数值", "单位"], "en": ["region", "period", "indicator", "value", "unit"]}
WIDE_FIXED = {"zh": ["地区", "时期"], "en": ["region", "period"]}
EXAMPLE_REGION = {"zh": "示例市", "en": "Example City"}
EXAMPLE_PERIODS = ("2026-01", "2026-02")
EXAMPLE_VALUES = {"elec_total": ("123456.7", "118000"), "out_crude_steel": ("85.3", "80.1")}
CATALOG_HEADERS = {"zh": ["代码", "中文名称", "英文名称", "类别", "标准单位", "频率", "可用单位"],
                   "en": ["code", "name_zh", "name_en", "category", "canonical unit", "frequency", "accepted units"]}


def _lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    return lang


def _name(row, lang: str) -> str:
    return row["name_zh"] if lang == "zh" else row["name_en"]


def _monthly():
    ind = catalog.indicators()
    return ind[(ind["frequency"] == "monthly") & (ind["code"] != catalog.TARGET)]


def long_rows(lang: str = "zh") -> list[list[str]]:
    """Header plus a couple of example rows (canonical units)."""
    lang = _lang(lang)
    ind = catalog.indicators().set_index("code")
    rows = [LONG_HEADERS[lang]]
    for code, values in EXAMPLE_VALUES.items():
        for period, value in zip(EXAMPLE_PERIODS, values):
            rows.append([EXAMPLE_REGION[lang], period, _name(ind.loc[code], lang), value, ind.loc[code, "unit"]])
    return rows


def wide_rows(lang: str = "zh") -> list[list[str]]:
    """Header (one column per monthly indicator, unit in the header) plus example rows."""
    lang = _lang(lang)
    ind = _monthly()
    fmt = "{name}({unit})" if lang == "zh" else "{name} [{unit}]"
    header = WIDE_FIXED[lang] + [fmt.format(name=_name(r, lang), unit=r["unit"]) for _, r in ind.iterrows()]
    rows = [header]
    for i, period in enumerate(EXAMPLE_PERIODS):
        rows.append([EXAMPLE_REGION[lang], period] + [EXAMPLE_VALUES.get(c, ("", ""))[i] for c in ind["code"]])
    return rows


def catalog_rows(lang: str = "zh") -> list[list[str]]:
    lang = _lang(lang)
    units = catalog.units()
    accepted = units.groupby("canonical_unit")["unit"].agg(lambda s: "、".join(s))
    rows = [CATALOG_HEADERS[lang]]
    for _, r in catalog.indicators().iterrows():
        rows.append([r["code"], r["name_zh"], r["name_en"], r["category"], r["unit"], r["frequency"],
                     accepted.get(r["unit"], r["unit"])])
    return rows


def _csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def _num(v: str) -> str | int | float:
    if isinstance(v, str) and re.fullmatch(r"-?\d+(\.\d+)?", v):
        return float(v) if "." in v else int(v)
    return v


def _xlsx(rows: list[list[str]], lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "数据" if lang == "zh" else "data"
    for sheet, data in ((ws, rows), (wb.create_sheet("指标说明" if lang == "zh" else "indicators"),
                                     catalog_rows(lang))):
        for r in data:
            sheet.append([_num(v) for v in r])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for j, _ in enumerate(data[0], start=1):
            width = max(len(str(r[j - 1])) if j - 1 < len(r) else 0 for r in data)
            sheet.column_dimensions[get_column_letter(j)].width = min(max(10, width * 1.6), 40)
            if data[0][j - 1] in ("时期", "period"):
                for row in range(2, 200):     # text: Excel must not turn 2026-03 into a date
                    sheet.cell(row=row, column=j).number_format = "@"
        sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _render(rows: list[list[str]], fmt: str, lang: str) -> bytes:
    if fmt == "csv":
        return _csv(rows)
    if fmt == "xlsx":
        return _xlsx(rows, lang)
    raise ValueError(f"fmt must be 'csv' or 'xlsx', not {fmt!r}")


def template_long(fmt: str = "xlsx", lang: str = "zh") -> bytes:
    """Long template: 地区,时期,指标,数值,单位 (or English) with example rows."""
    return _render(long_rows(lang), fmt, lang)


def template_wide(fmt: str = "xlsx", lang: str = "zh") -> bytes:
    """Wide template: one row per region and month, one column per monthly indicator, unit in the header."""
    return _render(wide_rows(lang), fmt, lang)
