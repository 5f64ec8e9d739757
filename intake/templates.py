"""What analysts read: downloadable upload templates (long/wide, CSV/xlsx, zh/en) and the bilingual
message templates of the upload report (``MESSAGES``: problem and fix, in Chinese and English).

Built from the indicator catalog so names and canonical units have one home (data/indicators.csv).
CSV templates are UTF-8 with BOM so that Excel opens the Chinese text correctly.
"""
from __future__ import annotations

import io
import re

from reports.safe_text import defuse, rows_csv_bytes
from warehouse import catalog

LONG_HEADERS = {"zh": ["地区", "时期", "指标", "数值", "单位"], "en": ["region", "period", "indicator", "value", "unit"]}
WIDE_FIXED = {"zh": ["地区", "时期"], "en": ["region", "period"]}
EXAMPLE_REGION = {"zh": "示例市", "en": "Example City"}
EXAMPLE_PERIODS = ("2026-01", "2026-02")
EXAMPLE_VALUES = {"elec_total": ("123456.7", "118000"), "out_crude_steel": ("85.3", "80.1")}
# Header names accepted per role (compared after NFKC, lower case, without spaces, _ - . :); a unit in
# brackets is allowed after any of them, e.g. '数值(万千瓦时)'.
HEADER_NAMES = {role: set(words.split()) for role, words in {
    "region": "地区 城市 地市 市 区域 地区名称 城市名称 地市名称 行政区 行政区划 行政区划名称 所属地区 地区代码 城市代码 "
              "行政区划代码 region city area regioncode regionname cityname prefecture",
    "period": "时期 时间 月份 期间 日期 年月 统计期 统计期间 统计时间 统计月份 报告期 所属期 月 期别 "
              "period month date time yearmonth",
    "indicator": "指标 指标名称 指标代码 指标名 统计指标 项目 项目名称 indicator indicatorcode indicatorname item "
                 "variable metric series",
    "value": "数值 值 数据 数量 本月 当月 当月值 本月数 本月值 本期 本期值 指标值 统计值 数据值 value amount val "
             "figure data",
    "unit": "单位 计量单位 数据单位 unit units uom",
}.items()}
IGNORED_HEADERS = set("序号 编号 no # 备注 说明 注 note notes remark remarks 数据来源 来源 source".split())
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
    return rows_csv_bytes(rows)  # defused like every CSV that leaves (reports.safe_text)


def _num(v: str) -> str | int | float:
    if isinstance(v, str) and re.fullmatch(r"-?\d+(\.\d+)?", v):
        return float(v) if "." in v else int(v)
    return v


def _xlsx(rows: list[list[str]], lang: str, regions=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "数据" if lang == "zh" else "data"
    for sheet, data in ((ws, rows), (wb.create_sheet("指标说明" if lang == "zh" else "indicators"),
                                     catalog_rows(lang))):
        for r in data:
            sheet.append([defuse(_num(v)) for v in r])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for j, _ in enumerate(data[0], start=1):
            width = max(len(str(r[j - 1])) if j - 1 < len(r) else 0 for r in data)
            sheet.column_dimensions[get_column_letter(j)].width = min(max(10, width * 1.6), 40)
            if data[0][j - 1] in ("时期", "period"):
                for row in range(2, 200):     # text: Excel must not turn 2026-03 into a date
                    sheet.cell(row=row, column=j).number_format = "@"
        sheet.freeze_panes = "A2"
    if regions is not None:                  # the valid region names: a sheet and a drop-down of choices
        from intake.region_list import add_sheet
        add_sheet(wb, ws, rows[0], regions, lang)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _render(rows: list[list[str]], fmt: str, lang: str, regions=None) -> bytes:
    if fmt == "csv":
        return _csv(rows)
    if fmt == "xlsx":
        return _xlsx(rows, lang, regions)
    raise ValueError(f"fmt must be 'csv' or 'xlsx', not {fmt!r}")


def template_long(fmt: str = "xlsx", lang: str = "zh", regions=None) -> bytes:
    """Long template: 地区,时期,指标,数值,单位 (or English) with example rows. ``regions`` (code, name_zh,
    name_en, parent, level): the xlsx gets a sheet of the valid region names and a drop-down of them
    (``intake.region_list``; for CSV use ``region_list.regions_csv``)."""
    return _render(long_rows(lang), fmt, lang, regions)


def template_wide(fmt: str = "xlsx", lang: str = "zh", regions=None) -> bytes:
    """Wide template: one row per region and month, one column per monthly indicator, unit in the header."""
    return _render(wide_rows(lang), fmt, lang, regions)


# ---------------------------------------------------------------- report message templates
# code -> (problem_zh, problem_en, fix_zh, fix_en); one home for every text an analyst reads in the report.
MESSAGES: dict[str, tuple[str, str, str, str]] = {
    # file level (intake.reader)
    "empty_file": ("文件为空。", "The file is empty.",
                   "请上传包含数据的文件。", "Upload a file that contains data."),
    "too_large": ("文件大小 {size} 超过上限 {limit}。", "The file is {size}, over the {limit} limit.",
                  "请拆分文件或删除多余工作表后再上传。", "Split the file or remove extra sheets and upload again."),
    "not_spreadsheet": ("文件“{filename}”不是可读取的表格（{detail}）。",
                        "'{filename}' is not a readable spreadsheet ({detail}).",
                        "请在 Excel 中另存为 .xlsx 或 CSV（UTF-8）后上传。",
                        "Save it from Excel as .xlsx or CSV (UTF-8) and upload that file."),
    "legacy_xls": ("文件是旧版 .xls 或已加密的工作簿，无法读取。",
                   "The file is a legacy .xls or a password-protected workbook and cannot be read.",
                   "请取消密码保护，并在 Excel 中另存为 .xlsx 后上传。",
                   "Remove the password and save it from Excel as .xlsx, then upload that file."),
    "encoding": ("无法识别文件编码（已尝试 UTF-8、GBK/GB18030）。",
                 "Unreadable text encoding (tried UTF-8, GBK/GB18030).",
                 "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”。", "Save it from Excel as 'CSV UTF-8 (comma delimited)'."),
    "unreadable": ("文件无法读取：{detail}。", "The file cannot be read: {detail}.",
                   "请用 Excel 打开确认文件完好，另存为 .xlsx 后重新上传。",
                   "Open it in Excel to check it is intact, save as .xlsx and upload again."),
    "sheet_not_found": ("找不到工作表“{sheet}”；现有工作表：{sheets}。", "Sheet '{sheet}' not found; sheets: {sheets}.",
                        "请选择现有的工作表。", "Choose one of the existing sheets."),
    "no_header": ("前 {n} 行中找不到表头（如“地区,时期,指标,数值,单位”）。{sheets}",
                  "No header row found in the first {n} rows (e.g. 'region,period,indicator,value,unit'). {sheets}",
                  "请使用下载的模板，表头需包含 地区、时期，以及 指标+数值+单位 或各指标列。",
                  "Use the downloadable template: the header needs region and period plus indicator+value+unit "
                  "or one column per indicator."),
    "missing_columns": ("缺少必需的列：{missing}（第 {row} 行为表头）。",
                        "Missing required columns: {missing} (header in row {row}).",
                        "请补充这些列，列名可用中文或英文（见模板）。",
                        "Add these columns; Chinese or English names are accepted (see the template)."),
    "column_no_unit": ("列“{column}”没有单位，该列 {n} 个数值未读取。",
                       "Column '{column}' has no unit; its {n} values were not read.",
                       "请在列名中注明单位，如“全社会用电量(万千瓦时)”，或增加“单位”列。",
                       "Put the unit in the header, e.g. '全社会用电量(万千瓦时)', or add a unit column."),
    "unit_conflict": ("指标“{indicator}”注明的单位与单位列“{unit}”不一致。",
                      "The unit in indicator '{indicator}' disagrees with the unit column '{unit}'.",
                      "请只保留一个正确的单位。", "Keep one correct unit."),
    "too_many_columns": ("表格有 {n} 列（最后一个有内容的单元格在 {last} 列），超过上限 {limit} 列，未读取。",
                         "The sheet has {n} columns (the last filled cell is in column {last}), over the limit of "
                         "{limit}; it was not read.",
                         "请删除多余的列（宽表每个指标一列），或改用长表（地区,时期,指标,数值,单位）。",
                         "Delete the extra columns (a wide table has one column per indicator) or use the long "
                         "layout (region,period,indicator,value,unit)."),
    "too_many_rows": ("表格有 {n} 行，超过上限 {limit} 行，未读取。", "The sheet has {n} rows, over the limit of "
                      "{limit}; it was not read.", "请按时期或地区拆分为几个文件分别上传。",
                      "Split it into several files (by period or region) and upload each."),
    "duplicate_header": ("表头中“{value}”出现了 {n} 次（第 {columns} 列），无法确定使用哪一列。",
                         "The header '{value}' appears {n} times (columns {columns}); which one to use is unclear.",
                         "请删除或重命名重复的列，每个列名只出现一次。",
                         "Delete or rename the duplicate columns so that each header appears once."),
    "ignored_column": ("列“{value}”与列“{used}”含义相同，只读取“{used}”，该列未读取。",
                       "Column '{value}' means the same as '{used}'; only '{used}' is read, this one is not.",
                       "如两列内容不同，请删除不需要的一列。", "If the two columns differ, delete the one not needed."),
    "no_data": ("表头下没有数据行。", "There are no data rows below the header.",
                "请在表头下方填写数据。", "Fill in data below the header."),
    "ignored_row": ("该行没有可读取的数值，已忽略：“{value}”。", "Row has no readable values and was ignored: '{value}'.",
                    "如为说明或合计行可忽略；如应有数据，请补全该行。",
                    "Fine for notes or totals; otherwise complete the row."),
    # row level (intake.validate)
    "internal_error": ("校验程序出错（{detail}），本次上传未存储。", "Validation failed ({detail}); nothing was stored.",
                       "请将文件发给管理员。", "Send the file to the administrator."),
    "formula": ("内容像公式或命令：{value}（不会执行）。", "Formula-like text (never evaluated): {value}.",
                "只填写数值或文字；公式请“选择性粘贴→数值”。", "Enter plain values; paste formulas as values."),
    "missing_region": ("地区为空。", "Region is blank.", "请填写地区名称或代码（合并单元格导出为 CSV 会丢失内容）。",
                       "Fill in the region name or code (merged cells exported to CSV lose their text)."),
    "unknown_region": ("未知地区“{value}”。", "Unknown region '{value}'.", "请检查名称。{suggest_zh}",
                       "Check the name. {suggest_en}"),
    "ambiguous_region": ("地区“{value}”有多个匹配：{candidates}。", "Region '{value}' matches several: {candidates}.",
                         "请写全称（带“市/省”）或代码。", "Use the full name (with 市/省) or the code."),
    "missing_indicator": ("指标为空。", "Indicator is blank.", "请填写指标名称或代码。", "Fill in the indicator name or code."),
    "unknown_indicator": ("未知指标“{value}”。", "Unknown indicator '{value}'.", "请使用模板中的指标名称。{suggest_zh}",
                          "Use an indicator name from the template. {suggest_en}"),
    "missing_unit": ("单位为空。", "Unit is blank.", "请填写单位，如 {canonical}。", "Fill in the unit, e.g. {canonical}."),
    "unknown_unit": ("未知单位“{value}”。", "Unknown unit '{value}'.", "可用单位：{suggest}。", "Accepted units: {suggest}."),
    "unit_mismatch": ("单位“{value}”不适用于“{indicator}”（应折算为 {canonical}）。",
                      "Unit '{value}' does not fit '{indicator_en}' (canonical {canonical}).",
                      "可用单位：{suggest}。", "Accepted units: {suggest}."),
    "blank_value": ("数值为空，该行未读取。", "Value is blank; row not read.",
                    "如有数据请补填；无数据可删除该行。", "Fill it in if known; otherwise delete the row."),
    "bad_number": ("无法识别的数值“{value}”。", "Unreadable number '{value}'.",
                   "只填写数字（可含千分位逗号），不要写单位或文字。", "Enter digits only (thousands commas allowed), no units or text."),
    "percent_value": ("数值“{value}”是百分比。", "Value '{value}' is a percentage.",
                      "请填写绝对量（按单位列的单位），不要填增速。", "Enter the absolute amount in the stated unit, not a growth rate."),
    "paren_negative": ("数值“{value}”带括号，可能表示负数。", "Value '{value}' is in parentheses (accounting negative?).",
                       "如为负数请写成 -{inner}；否则去掉括号。", "If negative write -{inner}; otherwise remove the parentheses."),
    "excel_error": ("单元格是 Excel 错误值 {value}。", "The cell is an Excel error {value}.",
                    "请在 Excel 中修正公式后按数值粘贴。", "Fix the formula in Excel and paste as values."),
    "missing_period": ("时期为空。", "Period is blank.", "请填写时期，如 2026-03。", "Fill in the period, e.g. 2026-03."),
    "bad_period": ("无法识别的时期“{value}”。", "Unreadable period '{value}'.",
                   "月份写作 2026-03 或 2026年3月，季度写作 2026Q1。", "Write months as 2026-03, quarters as 2026-Q1."),
    "ambiguous_period": ("时期“{value}”有歧义：可能是 1 月或 10 月。", "Period '{value}' is ambiguous: January or October.",
                         "请写作 2026-01 或 2026-10（设为文本格式）。", "Write 2026-01 or 2026-10 (formatted as text)."),
    "combined_period": ("“{value}”是多个月的合计数（{period}）；只有 1–2 月合计可作为一期存储，其他合计数不能存储，"
                        "系统不会自动拆分。",
                        "'{value}' is a figure for several months combined ({period}); only a January–February "
                        "total can be stored (as one period); other combined figures cannot, and are never split.",
                        "请分别填报各月数据（1–2 月合计可填为“2026年1-2月”）。",
                        "Upload each month separately (a January–February total may be entered as '2026年1-2月')."),
    "period_frequency": ("“{indicator}”是{freq_zh}指标，不能填报时期“{value}”。",
                         "'{indicator_en}' is {freq} data; period '{value}' does not fit.",
                         "请按{freq_zh}填报。", "Upload it per {expected}."),
    "future_period": ("时期“{value}”晚于当前月份 {today}。", "Period '{value}' is after the current month {today}.",
                      "请检查年份和月份。", "Check the year and month."),
    "negative_value": ("“{indicator}”的数值为负：{value}。", "Negative value for '{indicator_en}': {value}.",
                       "该指标不能为负；请核实（累计值相减可能出现负数）。",
                       "This indicator cannot be negative; check it "
                       "(differenced year-to-date figures can go negative)."),
    "non_finite": ("数值“{value}”超出可表示的范围（无穷大）。", "Value '{value}' is beyond any representable number "
                   "(infinite).", "请填写实际数值（按 {canonical} 或单位列的单位），不要用科学计数法的极大数。",
                   "Enter the actual amount (in {canonical} or the stated unit), not a huge exponent."),
    "non_finite_converted": ("数值“{value}”（{unit}）换算为 {canonical} 后超出可表示的范围（无穷大）。",
                             "Value '{value}' ({unit}) becomes infinite when converted to {canonical}.",
                             "请核对数值与单位，填写实际数值。", "Check the value and the unit; enter the actual amount."),
    "out_of_range": ("“{indicator}”的数值 {value}（{unit}，折合 {converted} {canonical}）超出合理范围 "
                     "{lo} ～ {hi} {canonical}。",
                     "'{indicator_en}' value {value} ({unit}, {converted} {canonical}) is outside the plausible range "
                     "{lo} to {hi} {canonical}.",
                     "请核对单位和位数（范围已可容纳全国的月度总量，超出通常是单位或小数点错误）。",
                     "Check the unit and the digits (the range admits a whole country's monthly total; beyond it "
                     "is usually a unit or decimal-point slip)."),
    "more_rows": ("另有 {n} 行存在同类问题（{of}），未逐条列出；其后的行：{listed}。",
                  "{n} more rows have the same problem ({of}) and are not listed one by one; next rows: {listed}.",
                  "请先按上面列出的同类问题修正整列或整表，再重新检查。",
                  "Fix the problem listed above for the whole column or file, then check again."),
    "duplicate_conflict": ("{n} 行的地区、时期、指标相同，但数值不同（第 {listed} 行），数值：{values}；这些行均未导入。",
                           "{n} rows share region, period and indicator but differ in value (rows {listed}): {values}; "
                           "none of them was loaded.",
                           "请只保留一行正确数值。", "Keep one row with the correct value."),
    "duplicate_identical": ("{n} 行完全相同（第 {listed} 行），只保留第 {first} 行。",
                            "{n} identical rows (rows {listed}); only row {first} is kept.",
                            "可删除重复行。", "You may delete the duplicate rows."),
    "unit_slip": ("数值是该地区历史中位数 {median} 的 {ratio} 倍。{guess_zh}",
                  "Value is {ratio}× the region's history median {median}. {guess_en}",
                  "请核对单位（万千瓦时/亿千瓦时、吨/万吨）。", "Check the unit (万 vs 亿, 吨 vs 万吨)."),
    "yoy_break": ("与去年同期 {prev} 相比变化 {change}。", "Changes {change} against the same period last year ({prev}).",
                  "请核实；如属实可忽略。", "Check it; ignore if correct."),
    "revision": ("将修订已存储的数值：{old} → {new}（{change}）。", "Revises a stored value: {old} → {new} ({change}).",
                 "如为修订请确认；否则请核对。", "Confirm if this is a revision; otherwise check it."),
    "region_not_uploaded": ("上次上传包含地区“{region}”，本次缺少（{n} 个指标）。",
                            "Region '{region_en}' was in the last upload but is missing now ({n} indicators).",
                            "请确认是否漏报。", "Check whether it was left out."),
    "fuel_incomplete": ("{region} {period} 的燃料数据不完整（缺少：{fuels}），该期暂不核算 CO2，继续使用模型估算值。",
                        "{region_en} {period}: fuel data incomplete (missing: {fuels_en}); the period is not "
                        "accounted and keeps the model's estimate.",
                        "请补报缺少的燃料（当期确无消费请填 0）；补齐后自动核算。",
                        "Upload the missing fuels (enter 0 where none was used); the period is accounted once complete."),
    "indicator_not_uploaded": ("“{region}”缺少上次上传过的指标：{indicators}。",
                               "'{region_en}' lacks indicators it had last time: {indicators_en}.",
                               "请确认是否漏报。", "Check whether they were left out."),
}


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def message(code: str, params: dict) -> tuple[str, str, str, str]:
    """(problem_zh, problem_en, fix_zh, fix_en) for ``code`` with ``params`` filled in."""
    args = _SafeDict(params)
    return tuple(text.format_map(args) for text in MESSAGES[code])  # type: ignore[return-value]
