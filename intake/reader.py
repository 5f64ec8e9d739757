"""Read an analyst's upload (CSV or xlsx bytes) into raw string rows. Pure: no DuckDB, no streamlit.

``read_upload`` never raises: every failure becomes a :class:`Problem` (bilingual, with a fix).
Cells stay text exactly as the analyst sees them; parsing and checking live in ``intake.validate``.
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
import zlib
from dataclasses import dataclass, field

import pandas as pd

from intake import limits
from intake.templates import HEADER_NAMES, IGNORED_HEADERS, message

ROW_COLUMNS = ["row", "region", "period", "indicator", "value", "unit", "column", "unit_column"]
HEADER_SCAN_ROWS = 30
MAX_UNZIPPED = limits.MAX_UNZIPPED
_NORM_DROP = re.compile(r"[\s_\-:：·.]+")
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
    """Build a bilingual :class:`Problem` from ``intake.templates.MESSAGES[code]``."""
    return Problem(code, *message(code, dict(kw, row=row, column=column, value=value)), severity, row, column, value)


@dataclass
class RawUpload:
    rows: pd.DataFrame                    # ROW_COLUMNS, all text except ``row`` (1-based, as in Excel)
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
                max_bytes: int = limits.MAX_BYTES) -> RawUpload:
    """Read CSV/xlsx bytes into :class:`RawUpload`; never raises."""
    raw = RawUpload(rows=empty_rows(), filename=str(filename or ""))
    try:
        data = bytes(data or b"")
        raw.sha256 = hashlib.sha256(data).hexdigest()
        _read(raw, data, sheet, max_bytes)
    except Exception as exc:  # noqa: BLE001 - the contract is "never raise"
        raw.rows = empty_rows()
        _fail(raw, "unreadable", detail=f"{type(exc).__name__}: {str(exc)[:200]}")
    return raw


# a damaged zip (CRC, deflate stream, missing member) or workbook XML (SyntaxError: ElementTree's and lxml's)
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, SyntaxError, NotImplementedError, KeyError)


def _read(raw: RawUpload, data: bytes, sheet: str | None, max_bytes: int) -> None:
    if not data.strip():
        return _fail(raw, "empty_file")
    if len(data) > max_bytes:
        return _fail(raw, "too_large", size=_mb(len(data)), limit=_mb(max_bytes))
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _fail(raw, "legacy_xls")
    is_zip = data[:4] == b"PK\x03\x04"
    if not is_zip and raw.filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        return _fail(raw, "not_spreadsheet", filename=raw.filename, detail="not an Excel workbook")
    try:
        grid = _xlsx_grid(raw, data, sheet) if is_zip else _csv_grid(raw, data)
    except _DAMAGED as exc:   # a damaged zip or workbook part is the file's fault: say so, not "internal"
        raw.rows = empty_rows()
        return _fail(raw, "not_spreadsheet", filename=raw.filename,
                     detail=f"damaged workbook: {type(exc).__name__}: {str(exc)[:120]}")
    if grid is not None:
        _extract(raw, *grid)
        if raw.ok and len(raw.rows) == 0:
            _fail(raw, "no_data", row=raw.header_row)


# ---------------------------------------------------------------- CSV

def _decode(data: bytes) -> tuple[str | None, str | None]:
    """UTF-16 (Excel 'Unicode text'), UTF-8 with or without BOM, then GBK/GB18030."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encodings = ["utf-16"]
    elif b"\x00" in data:
        return None, "binary"
    else:
        encodings = ["utf-8-sig", "gb18030"]
    for enc in encodings:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        return text, ("utf-8" if enc == "utf-8-sig" and data[:3] != b"\xef\xbb\xbf" else enc)
    return None, None


def _csv_grid(raw: RawUpload, data: bytes):
    text, enc = _decode(data)
    if enc == "binary":
        return _fail(raw, "not_spreadsheet", filename=raw.filename, detail="binary data")
    if text is None:
        return _fail(raw, "encoding")
    raw.encoding = enc
    csv.field_size_limit(max(csv.field_size_limit(), 10 * 1024 * 1024))
    if (lines := text.count("\n")) > limits.MAX_ROWS + HEADER_SCAN_ROWS:   # before parsing: cheap
        return _fail(raw, "too_many_rows", n=f"{lines:,}", limit=f"{limits.MAX_ROWS:,}")
    head = "\n".join(text.splitlines()[:HEADER_SCAN_ROWS])

    def score(delim: str) -> int:     # the delimiter that reveals a header wins, then the widest rows
        rows = [r[:limits.MAX_COLUMNS + 1] for r in csv.reader(io.StringIO(head), delimiter=delim)]
        return max((_header_score(r) for r in rows), default=0) * 100 + max((len(r) for r in rows), default=0)

    best = max((",", "\t", ";"), key=score)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=best))
    width = max((len(r) for r in rows), default=0)
    if width > limits.MAX_COLUMNS:    # trailing empty cells (Excel's CSV export) do not count
        width = max(_filled_width(r) for r in rows if len(r) > limits.MAX_COLUMNS)
    if width > limits.MAX_COLUMNS or len(rows) > limits.MAX_ROWS + HEADER_SCAN_ROWS:
        return _too_big(raw, len(rows), width)
    return list(range(1, len(rows) + 1)), rows


def _more(raw: RawUpload, code: str, severity: str, rows) -> None:
    """One line for the rows beyond ``limits.MAX_REPORT_ROWS_PER_CODE`` with the same problem."""
    from intake.row_checks import listed
    if len(rows):
        _fail(raw, "more_rows", severity=severity, n=f"{len(rows):,}", of=code, listed=listed(rows, len(rows)))


def _filled_width(row: list) -> int:
    return next((j + 1 for j in range(len(row) - 1, -1, -1) if row[j] not in ("", None)), 0)


def _too_big(raw: RawUpload, n_rows: int, width: int) -> None:
    """Refuse a sheet beyond the limits in ``intake.limits`` (columns first: the usual hostile case)."""
    if width > limits.MAX_COLUMNS:
        from openpyxl.utils.cell import get_column_letter
        return _fail(raw, "too_many_columns", n=f"{width:,}", last=get_column_letter(min(width, 16384)),
                     limit=limits.MAX_COLUMNS)
    return _fail(raw, "too_many_rows", n=f"{n_rows:,}", limit=f"{limits.MAX_ROWS:,}")


# ---------------------------------------------------------------- xlsx

class _Pct(float):
    """A number Excel shows as a percentage."""


class _Fallback(Exception):
    """The sheet XML is not in the common shape the fast path reads; use openpyxl's parser."""


def _cell_text(value: object) -> str:
    """Text as Excel shows it: 15 significant digits (no float artefacts), dates as YYYY-MM, formulas as text."""
    if value is None or isinstance(value, str):
        return value or ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if isinstance(value, _Pct):
            return f"{value * 100:.15g}%"
        value = float(value)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    if isinstance(value, dt.datetime):
        if value.day == 1 and value.time() == dt.time(0):
            return f"{value.year:04d}-{value.month:02d}"
        return value.isoformat(sep=" ")
    text = getattr(value, "text", None)   # ArrayFormula
    if isinstance(text, str):
        return text if text.startswith("=") else "=" + text
    return value.isoformat() if isinstance(value, dt.date) else str(value)


_CELL = re.compile(r"<c\s([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTRS = re.compile(r'r="([A-Z]{1,3})(\d+)"(?:\s+s="(\d+)")?(?:\s+t="(\w+)")?\s*$')
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
_V = re.compile(r"<v>(.*?)</v>", re.S)
_F = re.compile(r"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)
_T = re.compile(r"<t\b[^>]*?>(.*?)</t>", re.S)
_RPH = re.compile(r"<rPh\b.*?</rPh>", re.S)
_MERGE = re.compile(r'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+\d+:[A-Z]+\d+)"')


def _fast_cells(xml: str, strings: list, date_styles: set, pct: set, epoch) -> dict[int, dict[int, object]]:
    """Regex reader for the usual sheet XML (Excel, WPS, openpyxl): several times faster than openpyxl's."""
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
            if not (m := _REF.match(a.get("r", ""))):
                raise _Fallback
            letters, rownum, style, t = m[1], m[2], int(a.get("s", 0) or 0), a.get("t", "n")
        col = cols.get(letters) or cols.setdefault(letters, column_index_from_string(letters))
        if inner.startswith("<v>") and inner.endswith("</v>") and "<" not in inner[3:-4]:
            f, v, text = None, True, inner[3:-4]
        else:
            f, v = _F.search(inner), _V.search(inner)
            text = v[1] if v else ""
        text = html.unescape(text) if "&" in text else text
        if f is not None:
            value: object = "=" + html.unescape(f[1] or "(shared formula)")
        elif t == "inlineStr":
            simple = inner.startswith("<is><t>") and inner.endswith("</t></is>") and "<" not in inner[7:-9]
            value = html.unescape(inner[7:-9] if simple else "".join(_T.findall(_RPH.sub("", inner))))
        elif v is None:
            continue
        elif t in ("s", "b", "d", "str", "e"):
            value = {"s": lambda: str(strings[int(text)]), "b": lambda: text.strip() in ("1", "true"),
                     "d": lambda: dt.datetime.fromisoformat(text)}.get(t, lambda: text)()
        elif style in date_styles:
            value = from_excel(float(text), epoch)
        else:
            value = float(text) if any(ch in text for ch in ".eE") else int(text)
            value = _Pct(value) if style in pct else value
        by_row.setdefault(int(rownum), {})[col] = value
    return by_row


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
    if (size := sum(i.file_size for i in infos)) > MAX_UNZIPPED:
        return _fail(raw, "too_large", size=_mb(size) + " unzipped", limit=_mb(MAX_UNZIPPED))
    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=False)   # formulas stay text
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
    formats = [BUILTIN_FORMATS.get(s.numFmtId, "") if s.numFmtId < 164 else wb._number_formats[s.numFmtId - 164]
               for s in wb._cell_styles]
    pct = {i for i, f in enumerate(formats) if "%" in re.sub(r'"[^"]*"|\\.', "", f or "")}
    xml = reader.archive.read(path).decode("utf-8", errors="replace")
    try:
        cells = _fast_cells(xml, reader.shared_strings, wb._date_formats, pct, wb.epoch)
    except _Fallback:
        parser = WorkSheetParser(io.BytesIO(xml.encode("utf-8")), reader.shared_strings, epoch=wb.epoch,
                                 date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        cells = {r: {c["column"]: (_Pct(c["value"]) if c["style_id"] in pct and type(c["value"]) in (int, float)
                                   else c["value"]) for c in row} for r, row in parser.parse() if row}
    # the sheet's real extent is its filled cells: <dimension> and merged ranges may claim a million rows
    width = max((max(row) for row in cells.values()), default=0)
    if width > limits.MAX_COLUMNS or len(cells) > limits.MAX_ROWS + HEADER_SCAN_ROWS:
        return _too_big(raw, len(cells), width)
    by_row = {r: [_cell_text(row.get(c)) for c in range(1, max(row) + 1)] for r, row in cells.items()}
    last_row = max(by_row, default=0)
    for ref in _MERGE.findall(xml):   # vertical merges (a region or period over several rows): fill down
        c1, r1, _c2, r2 = range_boundaries(ref)
        if c1 > width or r1 >= last_row:
            continue
        top = by_row.get(r1, [])
        v = top[c1 - 1] if len(top) >= c1 else ""
        for r in range(r1 + 1, min(r2, last_row) + 1):
            row = by_row.setdefault(r, [])
            row.extend([""] * (c1 - len(row)))
            row[c1 - 1] = row[c1 - 1] or v
    nums = sorted(by_row)
    return nums, [by_row[n] for n in nums]


# ---------------------------------------------------------------- header and shape

def norm_key(text: object) -> str:
    """Header/name key: NFKC, lower case, no spaces, underscores, dashes, dots or colons."""
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
    return next((role for role, names in HEADER_NAMES.items() if key in names), None)


def _header_score(cells: list[str]) -> int:
    return len({r for r in map(_role, cells) if r})


def _extract(raw: RawUpload, nums: list[int], grid: list[list[str]]) -> None:
    """Find the header (title rows above it are skipped), decide long or wide, build the rows."""
    hdr_i = next((i for i, r in enumerate(grid[:HEADER_SCAN_ROWS]) if _header_score(r) >= 2), None)
    if hdr_i is None:
        others = [s for s in raw.sheets if s != raw.sheet]
        return _fail(raw, "no_header", n=HEADER_SCAN_ROWS,
                     sheets=f"其他工作表 / other sheets: {'、'.join(others)}" if others else "")
    header = [str(c).strip() for c in grid[hdr_i]]
    raw.header_row = nums[hdr_i]
    roles: dict[str, int] = {}
    extra: list[int] = []                 # wide: one column per indicator
    seen: dict[str, list[int]] = {}
    for j, cell in enumerate(header):
        role = _role(cell)
        if cell and norm_key(cell) not in IGNORED_HEADERS:
            seen.setdefault(norm_key(cell), []).append(j)
        if role and role not in roles:
            roles[role] = j
        elif role and len(seen[norm_key(cell)]) == 1:     # same meaning, other name: said, never silent
            _fail(raw, "ignored_column", severity="warning", row=nums[hdr_i], column=cell, value=cell,
                  used=header[roles[role]])
        elif not role and cell and norm_key(cell) not in IGNORED_HEADERS:
            extra.append(j)
    from openpyxl.utils.cell import get_column_letter
    for js in (js for js in seen.values() if len(js) > 1):   # '数值,数值': which column is meant is unclear
        _fail(raw, "duplicate_header", row=nums[hdr_i], column=header[js[0]], value=header[js[0]], n=len(js),
              columns=", ".join(get_column_letter(j + 1) for j in js))
    if not raw.ok:
        return None
    raw.columns = {role: header[j] for role, j in roles.items()}
    long = "indicator" in roles or "value" in roles or not extra
    raw.shape = "long" if long else "wide"
    missing = [r for r in ["region", "period"] + (["indicator", "value"] if long else []) if r not in roles]
    if missing:
        return _fail(raw, "missing_columns", row=raw.header_row, missing=", ".join(missing))
    body, nums = grid[hdr_i + 1:], nums[hdr_i + 1:]
    unit_row: dict[int, str] = {}
    if not long and body and _is_unit_row(body[0], roles, extra):
        unit_row = {j: _get(body[0], j) for j in extra}
        body, nums = body[1:], nums[1:]

    def col(j: int) -> list[str]:
        return [_get(r, j) for r in body]

    if long:
        _long(raw, header, roles, nums, col)
    else:
        _wide(raw, header, roles, extra, unit_row, nums, col)


def _get(row: list, j: int) -> str:
    return row[j].strip() if len(row) > j and row[j] else ""


def _is_unit_row(row: list[str], roles: dict[str, int], extra: list[int]) -> bool:
    """A second header row holding units: no region/period, every filled indicator cell unit-like."""
    cells = [_get(row, j) for j in extra if _get(row, j)]
    keys_free = all(not _get(row, roles[r]) or _role(_get(row, roles[r])) == "unit" for r in ("region", "period"))
    return keys_free and bool(cells) and all(
        _UNIT_HINT.search(c) and not re.search(r"\d", unicodedata.normalize("NFKC", c)) for c in cells)


def _frame(nums, n: int, **cols) -> pd.DataFrame:
    data = {"row": pd.Series(nums, dtype="int64")}
    for c in ROW_COLUMNS[1:]:
        v = cols.get(c, "")
        data[c] = pd.Series(v if isinstance(v, (list, pd.Series)) else [v] * n, dtype="str")
    return pd.DataFrame(data)


def _long(raw: RawUpload, header: list[str], roles: dict[str, int], nums: list[int], col) -> None:
    vunit, n = split_unit(header[roles["value"]])[1], len(nums)
    df = _frame(nums, n, region=col(roles["region"]), period=col(roles["period"]), indicator=col(roles["indicator"]),
                value=col(roles["value"]), unit=col(roles["unit"]) if "unit" in roles else "",
                column=header[roles["value"]], unit_column=raw.columns.get("unit", ""))
    df = _drop_empty(raw, df, df[["period", "indicator", "value", "unit"]].eq("").all(axis=1))
    parts = df["indicator"].str.extract(_UNIT_SPLIT)        # '全社会用电量(亿千瓦时)' in the indicator cell
    has = parts[1].notna() & parts[1].str.contains(_UNIT_HINT, na=False) & parts[0].str.strip().ne("")
    if has.any():
        conflict = has & df["unit"].ne("") & df["unit"].map(norm_key).ne(parts[1].map(norm_key))
        _more(raw, "unit_conflict", "error", df.loc[df.index[conflict][limits.MAX_REPORT_ROWS_PER_CODE:], "row"])
        for i in df.index[conflict][:limits.MAX_REPORT_ROWS_PER_CODE]:
            _fail(raw, "unit_conflict", row=int(df.at[i, "row"]), column=raw.columns["indicator"],
                  value=df.at[i, "indicator"], indicator=df.at[i, "indicator"], unit=df.at[i, "unit"])
        fill = has & df["unit"].eq("")
        df.loc[fill, "unit_column"] = raw.columns["indicator"]
        df.loc[fill, "unit"] = parts.loc[fill, 1].str.strip()
        df.loc[has, "indicator"] = parts.loc[has, 0].str.strip()
    if vunit:                                               # '数值(万千瓦时)' header
        blank = df["unit"].eq("")
        df.loc[blank, "unit"] = vunit
        df.loc[blank, "unit_column"] = df.loc[blank, "column"]
    if "unit" not in roles and not vunit and df["unit"].eq("").all() and len(df):
        return _fail(raw, "missing_columns", row=raw.header_row, missing="unit")
    raw.rows = df


def _drop_empty(raw: RawUpload, df: pd.DataFrame, empty: pd.Series) -> pd.DataFrame:
    """Drop rows without values; rows that still hold text (notes, totals labels) are reported as ignored."""
    idx = df.index[empty & df["region"].ne("")]
    for i in idx[:limits.MAX_REPORT_ROWS_PER_CODE]:
        _fail(raw, "ignored_row", severity="warning", row=int(df.at[i, "row"]), column=raw.columns["region"],
              value=df.at[i, "region"][:80])
    _more(raw, "ignored_row", "warning", df.loc[idx[limits.MAX_REPORT_ROWS_PER_CODE:], "row"])
    return df[~empty].reset_index(drop=True)


def _wide(raw: RawUpload, header: list[str], roles: dict[str, int], extra: list[int],
          unit_row: dict[int, str], nums: list[int], col) -> None:
    n, region, period = len(nums), col(roles["region"]), col(roles["period"])
    unit_col = col(roles["unit"]) if "unit" in roles else None
    frames, any_value = [], pd.Series(False, index=range(n))
    for j in extra:
        name, hunit = split_unit(header[j])
        values = pd.Series(col(j), dtype="str")
        present = values.ne("")
        any_value |= present
        if hunit or unit_row.get(j):                        # unit in the header or in a second header row
            units, ucol = hunit or unit_row[j], header[j]
        elif unit_col is not None:                          # a per-row unit column
            units, ucol = unit_col, raw.columns["unit"]
        else:
            if present.any():
                _fail(raw, "column_no_unit", row=raw.header_row, column=header[j], n=int(present.sum()))
            continue
        df = _frame(nums, n, region=region, period=period, indicator=name, value=values, unit=units,
                    column=header[j], unit_column=ucol)
        frames.append(df[present.to_numpy()])
    _drop_empty(raw, _frame(nums, n, region=region, period=period), ~any_value)
    rows = pd.concat(frames, ignore_index=True) if frames else empty_rows()
    raw.rows = rows.sort_values(["row"], kind="stable").reset_index(drop=True)
