"""Read an analyst's upload (CSV or xlsx bytes) into raw string rows. Pure: no DuckDB, no streamlit.

``read_upload`` never raises: every failure becomes a :class:`Problem` (bilingual, with a fix).
Cells stay text exactly as the analyst sees them; parsing and checking live in ``upload_validate``.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

import pandas as pd

from warehouse.upload_templates import message

ROW_COLUMNS = ["row", "region", "period", "indicator", "value", "unit", "column", "unit_column"]
HEADER_SCAN_ROWS = 30
MAX_UNZIPPED = 250 * 1024 * 1024

_NORM_DROP = re.compile(r"[\s_\-:：·.]+")
ROLE_NAMES = {
    "region": "地区 城市 地市 市 区域 地区名称 城市名称 地市名称 行政区 行政区划 行政区划名称 所属地区 地区代码 城市代码 "
              "行政区划代码 region city area regioncode regionname cityname prefecture",
    "period": "时期 时间 月份 期间 日期 年月 统计期 统计期间 统计时间 统计月份 报告期 所属期 月 期别 "
              "period month date time yearmonth",
    "indicator": "指标 指标名称 指标代码 指标名 统计指标 项目 项目名称 indicator indicatorcode indicatorname item "
                 "variable metric series",
    "value": "数值 值 数据 数量 本月 当月 当月值 本月数 本月值 本期 本期值 指标值 统计值 数据值 value amount val "
             "figure data",
    "unit": "单位 计量单位 数据单位 unit units uom",
}
ROLE_NAMES = {role: set(words.split()) for role, words in ROLE_NAMES.items()}
IGNORED_HEADERS = set("序号 编号 no # 备注 说明 注 note notes remark remarks 数据来源 来源 source".split())
_UNIT_HINT = re.compile(r"瓦时|瓦小时|wh|吨|^t$|^kt$|^mt$|元|立方米|m3|m³|箱|单位", re.I)
_UNIT_SPLIT = re.compile(r"^(.*?)\s*[(（\[【]\s*(?:单位\s*[:：]\s*)?([^()（）\[\]【】]+?)\s*[)）\]】]\s*$")
_SLASH_SPLIT = re.compile(r"^(.*?\S)\s*[/／]\s*(\S+)$")

@dataclass(frozen=True)
class Problem:
    code: str
    message_zh: str
    message_en: str
    fix_zh: str
    fix_en: str
    severity: str = "error"
    row: int | None = None
    column: str | None = None
    value: str | None = None


def problem(code: str, severity: str = "error", row: int | None = None, column: str | None = None,
            value: str | None = None, **kw: object) -> Problem:
    """Build a bilingual :class:`Problem` from ``MESSAGES[code]``."""
    return Problem(code, *message(code, dict(kw, row=row, column=column, value=value)), severity, row, column, value)


@dataclass
class RawUpload:
    rows: pd.DataFrame
    filename: str = ""
    sha256: str = ""
    shape: str = ""                       # 'long' | 'wide' | '' when nothing was read
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)   # role -> source header text
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    encoding: str | None = None
    header_row: int | None = None

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def _fail(raw: RawUpload, code: str, **kw: object) -> None:
    raw.problems.append(problem(code, **kw))


def empty_rows() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="int64" if c == "row" else "str") for c in ROW_COLUMNS})


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def read_upload(data: bytes, filename: str, sheet: str | None = None,
                max_bytes: int = 20 * 1024 * 1024) -> RawUpload:
    """Read CSV/xlsx bytes into :class:`RawUpload`; never raises."""
    raw = RawUpload(rows=empty_rows(), filename=str(filename or ""))
    try:
        data = bytes(data or b"")
        raw.sha256 = hashlib.sha256(data).hexdigest()
        _read(raw, data, sheet, max_bytes)
    except Exception as exc:  # noqa: BLE001 - the contract is "never raise"
        raw.rows = empty_rows()
        raw.problems.append(problem("unreadable", detail=f"{type(exc).__name__}: {str(exc)[:200]}"))
    return raw


def _read(raw: RawUpload, data: bytes, sheet: str | None, max_bytes: int) -> None:
    if not data.strip():
        return _fail(raw, "empty_file")
    if len(data) > max_bytes:
        return _fail(raw, "too_large", size=_mb(len(data)), limit=_mb(max_bytes))
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _fail(raw, "legacy_xls")
    if data[:4] != b"PK\x03\x04" and raw.filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        return _fail(raw, "not_spreadsheet", filename=raw.filename, detail="not an Excel workbook")
    grid = _xlsx_grid(raw, data, sheet) if data[:4] == b"PK\x03\x04" else _csv_grid(raw, data)
    if grid is not None:
        _extract(raw, *grid)
        if raw.ok and len(raw.rows) == 0:
            raw.problems.append(problem("no_data", row=raw.header_row))


# ---------------------------------------------------------------- CSV

def _decode(data: bytes) -> tuple[str | None, str | None]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None, None
    if b"\x00" in data:
        return None, "binary"
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "utf-8-sig":
            enc = "utf-8-sig" if data[:3] == b"\xef\xbb\xbf" else "utf-8"
        return text, enc
    return None, None


def _csv_grid(raw: RawUpload, data: bytes):
    text, enc = _decode(data)
    if enc == "binary":
        return _fail(raw, "not_spreadsheet", filename=raw.filename, detail="binary data")
    if text is None:
        return _fail(raw, "encoding")
    raw.encoding = enc
    csv.field_size_limit(max(csv.field_size_limit(), 10 * 1024 * 1024))
    head = "\n".join(text.splitlines()[:HEADER_SCAN_ROWS])
    best, best_score = ",", -1
    for delim in (",", "\t", ";"):
        rows = list(csv.reader(io.StringIO(head), delimiter=delim))
        score = max((_header_score(r) for r in rows), default=0) * 100 + max((len(r) for r in rows), default=0)
        if score > best_score:
            best, best_score = delim, score
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=best))
    return list(range(1, len(rows) + 1)), rows


# ---------------------------------------------------------------- xlsx

def _cell_text(value: object) -> str:
    pct = isinstance(value, _Pct)
    if value is None or isinstance(value, str):
        return value or ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return f"{value * 100}%" if pct else str(value)
    if isinstance(value, float):
        if pct:
            return f"{value * 100:.15g}%"
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    if isinstance(value, dt.datetime):
        if value.day == 1 and value.time() == dt.time(0):
            return f"{value.year:04d}-{value.month:02d}"
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = getattr(value, "text", None)   # ArrayFormula
    if isinstance(text, str):
        return text if text.startswith("=") else "=" + text
    return str(value)


class _Fallback(Exception):
    """The sheet XML is not in the common shape the fast path reads; use openpyxl's parser."""


_CELL = re.compile(r"<c\s([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_V = re.compile(r"<v>(.*?)</v>", re.S)
_F = re.compile(r"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)
_T = re.compile(r"<t\b[^>]*?>(.*?)</t>", re.S)
_RPH = re.compile(r"<rPh\b.*?</rPh>", re.S)
_ATTRS = re.compile(r'r="([A-Z]{1,3})(\d+)"(?:\s+s="(\d+)")?(?:\s+t="(\w+)")?\s*$')
_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
_MERGE = re.compile(r'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+\d+:[A-Z]+\d+)"')


def _fast_cells(xml: str, strings: list, date_styles: set, pct: set, epoch) -> dict[int, dict[int, object]]:
    """Regex reader for the usual sheet XML (Excel, WPS, openpyxl): ~10x faster than openpyxl's parser."""
    from openpyxl.utils.cell import column_index_from_string
    from openpyxl.utils.datetime import from_excel

    if re.search(r"<\w+:sheetData\b", xml):
        raise _Fallback
    cols: dict[str, int] = {}
    by_row: dict[int, dict[int, object]] = {}
    for attrs, inner in _CELL.findall(xml):
        if not inner:
            continue
        m = _ATTRS.match(attrs)
        if m:
            letters, rownum, style, t = m[1], m[2], int(m[3] or 0), m[4] or "n"
        else:
            a = dict(_ATTR.findall(attrs))
            m = _REF.match(a.get("r", ""))
            if not m:
                raise _Fallback
            letters, rownum, style, t = m[1], m[2], int(a.get("s", 0) or 0), a.get("t", "n")
        col = cols.get(letters) or cols.setdefault(letters, column_index_from_string(letters))
        if inner.startswith("<v>") and inner.endswith("</v>") and "<" not in inner[3:-4]:
            f, v, text = None, True, inner[3:-4]
        else:
            f, v = _F.search(inner), _V.search(inner)
            text = v[1] if v else ""
        if "&" in text:
            text = html.unescape(text)
        if f is not None:
            value: object = "=" + html.unescape(f[1] or "(shared formula)")
        elif t == "inlineStr":
            if inner.startswith("<is><t>") and inner.endswith("</t></is>") and "<" not in inner[7:-9]:
                value = html.unescape(inner[7:-9])
            else:
                value = html.unescape("".join(_T.findall(_RPH.sub("", inner))))
        elif v is None:
            continue
        elif t == "s":
            value = str(strings[int(text)])
        elif t == "b":
            value = text.strip() in ("1", "true")
        elif t == "d":
            value = dt.datetime.fromisoformat(text)
        elif t in ("str", "e"):
            value = text
        elif style in date_styles:
            value = from_excel(float(text), epoch)
        else:
            value = float(text) if any(ch in text for ch in ".eE") else int(text)
            if style in pct:
                value = _Pct(value)
        by_row.setdefault(int(rownum), {})[col] = value
    return by_row


class _Pct(float):
    """A number shown as a percentage in Excel."""


def _xlsx_grid(raw: RawUpload, data: bytes, sheet: str | None):
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.numbers import BUILTIN_FORMATS
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile:
        return _fail(raw, "not_spreadsheet", filename=raw.filename, detail="damaged zip")
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        return _fail(raw, "not_spreadsheet", filename=raw.filename, detail="zip, not an Excel workbook")
    if sum(i.file_size for i in infos) > MAX_UNZIPPED:
        return _fail(raw, "too_large", size=_mb(sum(i.file_size for i in infos)) + " unzipped",
                     limit=_mb(MAX_UNZIPPED))
    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=False)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    wb = reader.wb
    found = [(s.name, rel.target) for s, rel in reader.parser.find_sheets()
             if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
    raw.sheets = [n for n, _ in found]
    if not found:
        return _fail(raw, "no_header", n=HEADER_SCAN_ROWS, sheets="(no worksheets)")
    if sheet is not None and sheet not in raw.sheets:
        return _fail(raw, "sheet_not_found", sheet=sheet, sheets="、".join(raw.sheets))
    raw.sheet, path = found[raw.sheets.index(sheet) if sheet is not None else 0]
    pct = set()
    for idx, style in enumerate(wb._cell_styles):
        nid = style.numFmtId
        fmt = BUILTIN_FORMATS.get(nid, "") if nid < 164 else wb._number_formats[nid - 164]
        if "%" in re.sub(r'"[^"]*"|\\.', "", fmt or ""):
            pct.add(idx)
    xml = reader.archive.read(path).decode("utf-8", errors="replace")
    try:
        cells = _fast_cells(xml, reader.shared_strings, wb._date_formats, pct, wb.epoch)
    except _Fallback:
        parser = WorkSheetParser(io.BytesIO(xml.encode("utf-8")), reader.shared_strings, epoch=wb.epoch,
                                 date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        cells = {r: {c["column"]: (_Pct(c["value"]) if c["style_id"] in pct and isinstance(c["value"], (int, float))
                                   and not isinstance(c["value"], bool) else c["value"]) for c in row}
                 for r, row in parser.parse() if row}
    by_row = {}
    for r, row in cells.items():
        out = [""] * max(row)
        for c, v in row.items():
            out[c - 1] = _cell_text(v)
        by_row[r] = out
    for ref in _MERGE.findall(xml):   # vertical merges (region/period spanning months): fill the first column down
        c1, r1, _c2, r2 = range_boundaries(ref)
        if r2 <= r1 or r2 - r1 > 1_000_000:
            continue
        top = by_row.get(r1, [])
        v = top[c1 - 1] if len(top) >= c1 else ""
        for r in range(r1 + 1, r2 + 1):
            row = by_row.setdefault(r, [])
            if len(row) < c1:
                row.extend([""] * (c1 - len(row)))
            if not row[c1 - 1]:
                row[c1 - 1] = v
    nums = sorted(by_row)
    return nums, [by_row[n] for n in nums]


# ---------------------------------------------------------------- header and shape

def norm_key(text: object) -> str:
    """Header/name key: NFKC, lower case, no spaces, underscores, dashes or colons."""
    return _NORM_DROP.sub("", unicodedata.normalize("NFKC", str(text or "")).lower())


def split_unit(text: str) -> tuple[str, str]:
    """'全社会用电量(万千瓦时)' -> ('全社会用电量', '万千瓦时'); no unit -> (text, '')."""
    text = (text or "").strip()
    m = _UNIT_SPLIT.match(text) or _SLASH_SPLIT.match(text)
    if m and m.group(1).strip() and _UNIT_HINT.search(m.group(2)):
        return m.group(1).strip(), m.group(2).strip()
    return text, ""


def _role(cell: str) -> str | None:
    key = norm_key(split_unit(cell)[0])
    for role, names in ROLE_NAMES.items():
        if key in names:
            return role
    return None


def _header_score(cells: list[str]) -> int:
    return len({r for r in map(_role, cells) if r})


def _extract(raw: RawUpload, nums: list[int], grid: list[list[str]]) -> None:
    hdr_i = next((i for i, r in enumerate(grid[:HEADER_SCAN_ROWS]) if _header_score(r) >= 2), None)
    if hdr_i is None:
        others = [s for s in raw.sheets if s != raw.sheet]
        return _fail(raw, "no_header", n=HEADER_SCAN_ROWS,
                     sheets=f"其他工作表 / other sheets: {'、'.join(others)}" if others else "")
    header = [str(c).strip() for c in grid[hdr_i]]
    raw.header_row = nums[hdr_i]
    roles: dict[str, int] = {}
    extra: list[int] = []
    for j, cell in enumerate(header):
        role = _role(cell)
        if role and role not in roles:
            roles[role] = j
        elif not role and cell and norm_key(cell) not in IGNORED_HEADERS:
            extra.append(j)
    raw.columns = {role: header[j] for role, j in roles.items()}
    long = "indicator" in roles or "value" in roles or not extra
    raw.shape = "long" if long else "wide"
    need = ["region", "period"] + (["indicator", "value"] if long else [])
    missing = [r for r in need if r not in roles]
    if missing:
        return _fail(raw, "missing_columns", row=raw.header_row, missing=", ".join(missing))
    body, body_nums = grid[hdr_i + 1:], nums[hdr_i + 1:]

    def col(j: int) -> list[str]:
        return [r[j].strip() if len(r) > j and r[j] is not None else "" for r in body]

    if long:
        _long(raw, header, roles, body_nums, col)
    else:
        unit_row: dict[int, str] = {}
        if body and _is_unit_row(body[0], roles, extra):
            unit_row = {j: (body[0][j].strip() if len(body[0]) > j else "") for j in extra}
            body, body_nums = body[1:], body_nums[1:]
        _wide(raw, header, roles, extra, unit_row, body_nums, col)


def _is_unit_row(row: list[str], roles: dict[str, int], extra: list[int]) -> bool:
    def cell(j: int) -> str:
        return row[j].strip() if len(row) > j and row[j] else ""
    cells = [cell(j) for j in extra if cell(j)]
    return all(not cell(roles[r]) or _role(cell(roles[r])) == "unit" for r in ("region", "period")) and bool(
        cells) and all(_UNIT_HINT.search(c) and not re.search(r"\d", unicodedata.normalize("NFKC", c))
                               for c in cells)


def _frame(nums, **cols) -> pd.DataFrame:
    df = pd.DataFrame({"row": pd.Series(nums, dtype="int64"),
                       **{k: pd.Series(v, dtype="str") for k, v in cols.items()}})
    return df[ROW_COLUMNS]


def _long(raw: RawUpload, header: list[str], roles: dict[str, int], nums: list[int], col) -> None:
    vunit = split_unit(header[roles["value"]])[1]
    n = len(nums)
    unit = col(roles["unit"]) if "unit" in roles else [""] * n
    df = _frame(nums, region=col(roles["region"]), period=col(roles["period"]),
                indicator=col(roles["indicator"]), value=col(roles["value"]), unit=unit,
                column=[header[roles["value"]]] * n,
                unit_column=[raw.columns.get("unit", "")] * n)
    empty = df[["period", "indicator", "value", "unit"]].eq("").all(axis=1)
    df = _drop_empty(raw, df, empty, raw.columns["region"])
    # unit written into the indicator text, e.g. '全社会用电量(亿千瓦时)'
    parts = df["indicator"].str.extract(_UNIT_SPLIT)
    has = parts[1].notna() & parts[1].str.contains(_UNIT_HINT, na=False) & parts[0].str.strip().ne("")
    if has.any():
        conflict = has & df["unit"].ne("") & df["unit"].map(norm_key).ne(parts[1].map(norm_key))
        for i in df.index[conflict]:
            _fail(raw, "unit_conflict", row=int(df.at[i, "row"]), column=raw.columns["indicator"],
                  value=df.at[i, "indicator"], indicator=df.at[i, "indicator"], unit=df.at[i, "unit"])
        fill = has & df["unit"].eq("")
        df.loc[fill, "unit_column"] = raw.columns["indicator"]
        df.loc[fill, "unit"] = parts.loc[fill, 1].str.strip()
        df.loc[has & ~conflict, "indicator"] = parts.loc[has & ~conflict, 0].str.strip()
    if vunit:
        blank = df["unit"].eq("")
        df.loc[blank, "unit"] = vunit
        df.loc[blank, "unit_column"] = df.loc[blank, "column"]
    if "unit" not in roles and not vunit and df["unit"].eq("").all() and len(df):
        return _fail(raw, "missing_columns", row=raw.header_row, missing="unit")
    raw.rows = df


def _drop_empty(raw: RawUpload, df: pd.DataFrame, empty: pd.Series, column: str) -> pd.DataFrame:
    """Drop rows without values; rows that still hold some text are reported as ignored."""
    note = empty & df["region"].ne("")
    for i in df.index[note]:
        _fail(raw, "ignored_row", severity="warning", row=int(df.at[i, "row"]), column=column,
              value=df.at[i, "region"][:80])
    return df[~empty].reset_index(drop=True)


def _wide(raw: RawUpload, header: list[str], roles: dict[str, int], extra: list[int],
          unit_row: dict[int, str], nums: list[int], col) -> None:
    region, period = col(roles["region"]), col(roles["period"])
    unit_col = col(roles["unit"]) if "unit" in roles else None
    frames, any_value = [], None
    for j in extra:
        name, hunit = split_unit(header[j])
        values = pd.Series(col(j), dtype="str")
        present = values.ne("")
        any_value = present if any_value is None else any_value | present
        if hunit or unit_row.get(j):
            units, ucol = [hunit or unit_row[j]] * len(nums), header[j]
        elif unit_col is not None:
            units, ucol = unit_col, raw.columns["unit"]
        else:
            if present.any():
                _fail(raw, "column_no_unit", row=raw.header_row, column=header[j], n=int(present.sum()))
            continue
        df = _frame(nums, region=region, period=period, indicator=[name] * len(nums), value=values,
                    unit=units, column=[header[j]] * len(nums), unit_column=[ucol] * len(nums))
        frames.append(df[present.to_numpy()])
    if any_value is not None:
        base = _frame(nums, region=region, period=period, indicator=[""] * len(nums), value=[""] * len(nums),
                      unit=[""] * len(nums), column=[""] * len(nums), unit_column=[""] * len(nums))
        _drop_empty(raw, base, ~any_value, raw.columns["region"])
    rows = pd.concat(frames, ignore_index=True) if frames else empty_rows()
    raw.rows = rows.sort_values(["row"], kind="stable").reset_index(drop=True)
