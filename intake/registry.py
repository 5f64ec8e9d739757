"""Key-emitter registry uploads (重点排放单位名录): template, reading and validation. Pure.

One row per emitter and year: code, name_zh, name_en, region, sector, year, co2 (万吨 CO2, or 吨),
elec (万千瓦时, or 千瓦时 / 亿千瓦时), verified (是/否). Every problem is listed with row, column,
value and a fix (zh/en) before anything is stored. Emitters whose mean emissions are below
``budget.config.KEY_EMITTER_THRESHOLD`` are kept with a warning (they are not allocated to).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from budget import config
from intake import reader
from intake import registry_ext as ext
from intake import text_policy
from reports.safe_text import to_csv_bytes

COLUMNS = ["code", "name_zh", "name_en", "region", "sector", "year", "co2", "elec", "verified"]
HEADERS_ZH = {"code": "单位代码", "name_zh": "单位名称", "name_en": "英文名称", "region": "所在地区", "sector": "行业",
              "year": "年份", "co2": "二氧化碳排放量（万吨）", "elec": "用电量（万千瓦时）", "verified": "是否核查"}
ALIASES = {
    "code": {"code", "单位代码", "代码", "企业代码", "统一社会信用代码"},
    "name_zh": {"name_zh", "单位名称", "名称", "企业名称", "name"},
    "name_en": {"name_en", "英文名称", "englishname"},
    "region": {"region", "所在地区", "地区", "城市", "地区代码"},
    "sector": {"sector", "行业", "所属行业"},
    "year": {"year", "年份", "年度"},
    "co2": {"co2", "二氧化碳排放量", "排放量", "co2排放量"},
    "elec": {"elec", "用电量", "electricity"},
    "verified": {"verified", "是否核查", "核查"},
}
UNITS = {"co2": {"万吨": 1.0, "吨": 1e-4, "t": 1e-4, "亿吨": 1e4, "": 1.0},
         "elec": {"万千瓦时": 1.0, "千瓦时": 1e-4, "kwh": 1e-4, "亿千瓦时": 1e4, "": 1.0}}
TRUE, FALSE = {"是", "true", "1", "yes", "y", "已核查"}, {"否", "false", "0", "no", "n", "", "未核查"}
MAX_CO2 = 1e4     # 万吨 a year: a single plant above 1 亿吨 is a typo
MAX_ELEC = 1e7    # 万千瓦时 a year
MESSAGES = {
    "missing_column": ("缺少列“{column}”", "Column '{column}' is missing", "按模板填写表头", "Use the template's header"),
    "blank": ("“{column}”为空", "'{column}' is blank", "填写该项", "Fill it in"),
    "unknown_region": ("未知地区“{value}”", "Unknown region '{value}'", "填写已有地区的代码", "Use the code of a known region"),
    "bad_year": ("年份“{value}”无效（须为 {lo}–{hi} 年）", "Year '{value}' is invalid (must be {lo}-{hi})",
                 "填写四位年份，如 2024", "Write a four-digit year, e.g. 2024"),
    "bad_text": ("“{column}”：{detail_zh}", "'{column}': {detail_en}", "删除控制字符或缩短文字",
                 "Remove control characters or shorten the text"),
    "bad_number": ("“{value}”不是有效数值", "'{value}' is not a valid number", "填写非负数值", "Write a non-negative number"),
    "implausible": ("“{value}”超出合理范围（上限 {max}）", "'{value}' is outside the plausible range (max {max})",
                    "检查单位（万吨 / 万千瓦时）", "Check the unit (10k t / 10k kWh)"),
    "bad_unit": ("“{column}”的单位“{value}”无法识别", "Unit '{value}' of '{column}' is not known",
                 "使用 万吨/吨、万千瓦时/千瓦时", "Use 万吨/吨 or 万千瓦时/千瓦时"),
    "bad_flag": ("“{value}”不是 是/否", "'{value}' is not yes/no", "填写 是 或 否", "Write 是 or 否"),
    "duplicate": ("单位 {value} 的 {year} 年出现多次", "Emitter {value} appears more than once for {year}",
                  "每个单位每年只填一行", "One row per emitter and year"),
    "inconsistent": ("单位 {value} 的“{column}”前后不一致", "Emitter {value} has differing '{column}'",
                     "同一单位的名称、地区、行业须一致", "Keep an emitter's name, region and sector the same"),
    "below_threshold": ("单位 {value} 年均排放 {mean:.2f} 万吨，低于纳入门槛 {threshold} 万吨，不参与分配",
                        "Emitter {value} emits {mean:.2f} (10k t) a year, below the {threshold} threshold: not allocated to",
                        "如属地方增列，请确认", "Confirm if it is a local addition"),
    "no_rows": ("文件中没有数据行", "The file has no data rows", "按模板填写", "Fill in the template"),
}
ALIASES.update(ext.ALIASES)      # allowance columns (market, local addition, gases, product, output …): optional
MESSAGES.update(ext.MESSAGES)


@dataclass
class RegistryUpload:
    registry: pd.DataFrame                   # code, name_zh, name_en, region, sector
    years: pd.DataFrame                      # code, year, co2, elec, verified
    problems: list[dict] = field(default_factory=list)
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return not any(p["severity"] == "error" for p in self.problems)

    def report(self) -> pd.DataFrame:
        return pd.DataFrame(self.problems, columns=["row", "column", "value", "severity", "problem_zh", "problem_en",
                                                    "fix_zh", "fix_en"])


def _problem(out: list, code: str, row=None, column=None, value=None, severity="error", **kw) -> None:
    zh, en, fzh, fen = MESSAGES[code]
    fmt = dict(kw, column=column, value=value)
    out.append({"row": row, "column": column, "value": None if value is None else str(value)[:80], "severity": severity,
                "problem_zh": zh.format(**fmt), "problem_en": en.format(**fmt), "fix_zh": fzh, "fix_en": fen})


def template(fmt: str = "xlsx") -> bytes:
    """The upload template with two example rows (xlsx or CSV, UTF-8 with BOM)."""
    example = pd.DataFrame([["91330100MA001", "东湾钢铁有限公司", "Dongwan Steel", "SF10", "钢铁", 2024, 512.3, 98000.0, "是"],
                            ["91330100MA002", "北港电厂", "Beigang Power", "SF03", "电力", 2024, 830.0, 12000.0, "否"]],
                           columns=[HEADERS_ZH[c] for c in COLUMNS])
    allowance = {"market": ["全国", "全国"], "local_addition": ["否", "否"], "local_criterion": ["", ""], "local_reason": ["", ""],
                 "gases": ["CO2", "CO2"], "product": ["crude_steel", "coal_above_300"], "cooling": ["", "水冷"],
                 "output": [8_650_000, 10_050_000], "heat_output": ["", 1_200_000], "load_rate": ["", 0.78], "heat_ratio": ["", 0.08]}
    example = pd.concat([example, pd.DataFrame({ext.HEADERS_ZH[c]: v for c, v in allowance.items()})], axis=1)
    if fmt == "csv":
        return to_csv_bytes(example)
    from reports.xlsx import workbook

    notes = pd.DataFrame({"列 / column": [HEADERS_ZH[c] for c in COLUMNS] + [ext.HEADERS_ZH[c] for c in ext.EXT_COLUMNS + ext.EXT_YEAR_COLUMNS],
                          "code": COLUMNS + ext.EXT_COLUMNS + ext.EXT_YEAR_COLUMNS,
                          "说明 / note": ["唯一代码", "中文名称", "可空", "地区代码", "行业名称", "四位年份", "万吨 CO2（或注明“吨”）",
                                         "万千瓦时", "是/否：是否经 MRV 核查"]
                          + ["全国 / 地方 / 无", "是/否", "增列时必填", "增列理由", "CO2 或 CO2,CH4", "data/allowance_benchmarks.csv 的产品类别",
                             "水冷 / 空冷", "供电量 MWh，或产品产量 吨", "GJ", "0–1，如 0.78", "0–1"]})
    return workbook({"名录": example, "说明": notes})


def _grid(data: bytes, filename: str, sheet: str | None):
    raw = reader.RawUpload(rows=reader.empty_rows(), filename=filename)
    if data[:4] == b"PK\x03\x04":
        got = reader._xlsx_grid(raw, data, sheet)  # the upload reader's own cell reading (same room)
    else:
        got = reader._csv_grid(raw, data)
    return got, raw


def read_registry(data: bytes, filename: str, known_regions: set[str], sheet: str | None = None,
                  threshold: float = config.KEY_EMITTER_THRESHOLD, last_year: int | None = None) -> RegistryUpload:
    """Read and validate; never raises. Rows with errors are listed and nothing is meant to be stored."""
    import hashlib

    problems: list[dict] = []
    empty = RegistryUpload(pd.DataFrame(columns=COLUMNS[:5]), pd.DataFrame(columns=["code", "year", "co2", "elec", "verified"]),
                           problems, hashlib.sha256(data or b"").hexdigest())
    try:
        got, raw = _grid(bytes(data or b""), filename, sheet)
    except Exception as exc:  # noqa: BLE001 - a damaged file is the file's fault
        _problem(problems, "no_rows", value=type(exc).__name__)
        return empty
    if got is None or not got[1]:
        for p in raw.problems:
            problems.append({"row": p.row, "column": p.column, "value": p.value, "severity": p.severity,
                             "problem_zh": p.message_zh, "problem_en": p.message_en, "fix_zh": p.fix_zh, "fix_en": p.fix_en})
        if not problems:
            _problem(problems, "no_rows")
        return empty
    nums, grid = got
    head_i, roles, units = None, {}, {}
    for i, row in enumerate(grid[:reader.HEADER_SCAN_ROWS]):
        found, found_units = {}, {}
        for j, cell in enumerate(row):
            name, unit = reader.split_unit(str(cell))
            key = reader.norm_key(name)
            for col, aliases in ALIASES.items():
                if key in {reader.norm_key(a) for a in aliases} and col not in found:
                    found[col], found_units[col] = j, unit.strip().lower() if unit else ""
        if {"code", "year"} <= set(found):
            head_i, roles, units = i, found, found_units
            break
    if head_i is None:
        _problem(problems, "missing_column", column="code / 单位代码")
        return empty
    for col in ("code", "name_zh", "region", "sector", "year", "co2"):
        if col not in roles:
            _problem(problems, "missing_column", column=HEADERS_ZH[col])
    for col in ("co2", "elec"):
        if col in roles and units.get(col, "") not in UNITS[col]:
            _problem(problems, "bad_unit", column=HEADERS_ZH[col], value=units[col])
    if problems:
        return empty
    recs = []
    for n, row in zip(nums[head_i + 1:], grid[head_i + 1:]):
        cell = lambda c: str(row[roles[c]]).strip() if c in roles and roles[c] < len(row) else ""
        if not any(str(x).strip() for x in row):
            continue
        rec = {"row": n}
        for c in ("code", "name_zh", "region", "sector", "name_en"):  # the text policy (intake.text_policy)
            try:
                rec[c] = (text_policy.identifier(cell(c), HEADERS_ZH[c], required=False) if c in ("code", "region")
                          else text_policy.line(cell(c), HEADERS_ZH[c], required=False)) or ""
            except text_policy.TextRefused as exc:
                _problem(problems, "bad_text", n, HEADERS_ZH[c], None, detail_zh=exc.message_zh, detail_en=exc.message_en)
                rec[c] = cell(c)
                continue
            if not rec[c] and c != "name_en":
                _problem(problems, "blank", n, HEADERS_ZH[c])
        rec["name_en"] = rec["name_en"] or None
        if rec["region"] and rec["region"] not in known_regions:
            _problem(problems, "unknown_region", n, HEADERS_ZH["region"], rec["region"])
        y = cell("year")
        lo, hi = config.PLAUSIBLE_YEARS[0], last_year or date.today().year   # figures of years that have begun
        rec["year"] = int(float(y)) if y.replace(".0", "").isdigit() and lo <= int(float(y)) <= hi else None
        if rec["year"] is None:
            _problem(problems, "bad_year", n, HEADERS_ZH["year"], y, lo=lo, hi=hi)
        for c, cap in (("co2", MAX_CO2), ("elec", MAX_ELEC)):
            text = cell(c).replace(",", "")
            if c == "elec" and not text:
                rec[c] = None
                continue
            try:
                v = float(text) * UNITS[c][units.get(c, "")]
            except ValueError:
                v = math.nan
            if not math.isfinite(v) or v < 0:
                _problem(problems, "bad_number", n, HEADERS_ZH[c], cell(c))
                v = None
            elif v > cap:
                _problem(problems, "implausible", n, HEADERS_ZH[c], cell(c), max=f"{cap:g}")
                v = None
            rec[c] = v
        flag = cell("verified").lower()
        if flag not in TRUE | FALSE:
            _problem(problems, "bad_flag", n, HEADERS_ZH["verified"], cell("verified"))
        rec["verified"] = flag in TRUE
        ext.read_row(rec, cell, n, lambda code, r, col, val, **kw: _problem(problems, code, r, col, val, **kw), TRUE, FALSE)
        recs.append(rec)
    if not recs:
        _problem(problems, "no_rows")
        return empty
    df = pd.DataFrame(recs)
    for (code, year), g in df[df["year"].notna()].groupby(["code", "year"]):
        if len(g) > 1:
            _problem(problems, "duplicate", int(g["row"].iloc[1]), HEADERS_ZH["code"], code, year=int(year))
    for c in ("name_zh", "region", "sector"):
        for code, g in df.groupby("code"):
            if g[c].nunique() > 1:
                _problem(problems, "inconsistent", int(g["row"].iloc[0]), HEADERS_ZH[c], code)
    additions = ext.check_units(df, lambda code, r, col, val, **kw: _problem(problems, code, r, col, val, **kw))
    means = df.groupby("code")["co2"].mean()
    for code, mean in means.items():
        if pd.notna(mean) and mean < threshold and code not in additions:
            _problem(problems, "below_threshold", None, HEADERS_ZH["co2"], code, severity="warning", mean=mean, threshold=threshold)
    registry = df.drop_duplicates("code", keep="last")[COLUMNS[:5] + ext.EXT_COLUMNS].reset_index(drop=True)
    years = df[["code", "year", "co2", "elec", "verified"] + ext.EXT_YEAR_COLUMNS].reset_index(drop=True)
    return RegistryUpload(registry, years, problems, empty.sha256)
