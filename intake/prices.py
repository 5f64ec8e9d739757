"""Allowance price observations (配额成交价格): reading and validation of an upload. Pure.

One row per trading day and market: date (YYYY-MM-DD), price (元/吨), volume (吨, optional), market
(national | local; 全国 / 地方). Every problem is listed with row, column, value and a fix (zh/en) before
anything is stored; one bad row refuses the file.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from intake import reader
from reports.safe_text import defuse_frame

COLUMNS = ["date", "price", "volume", "market"]
HEADERS_ZH = {"date": "日期", "price": "成交均价（元/吨）", "volume": "成交量（吨）", "market": "市场"}
ALIASES = {"date": {"date", "日期", "交易日", "交易日期"}, "price": {"price", "成交均价", "价格", "收盘价", "均价"},
           "volume": {"volume", "成交量", "成交数量"}, "market": {"market", "市场"}}
MARKETS = {"national": {"national", "全国", "全国市场", "全国碳市场", "cea"}, "local": {"local", "地方", "地方市场", "地方碳市场", "试点"}}
MAX_PRICE = 10_000.0        # 元/吨: far above any Chinese allowance price so far (≈ 40–150)
MAX_VOLUME = 1e10
MESSAGES = {
    "missing_column": ("缺少列“{column}”", "Column '{column}' is missing", "按模板填写表头：日期、成交均价、成交量、市场",
                       "Use the header: date, price, volume, market"),
    "bad_date": ("日期“{value}”无效", "Date '{value}' is invalid", "填写 YYYY-MM-DD", "Write YYYY-MM-DD"),
    "future_date": ("日期 {value} 在今天之后", "Date {value} is in the future", "检查日期", "Check the date"),
    "bad_price": ("价格“{value}”无效", "Price '{value}' is invalid", f"填写 0–{MAX_PRICE:,.0f} 元/吨 之间的数", f"Write a number of 0–{MAX_PRICE:,.0f} yuan/t"),
    "bad_volume": ("成交量“{value}”无效", "Volume '{value}' is invalid", "填写非负数（吨），或留空", "Write a non-negative number (t) or leave it blank"),
    "bad_market": ("市场“{value}”无法识别", "Market '{value}' is not known", "填写 全国 或 地方", "Write national or local"),
    "duplicate": ("{value} 的同一市场出现多次", "{value} appears more than once for the same market", "每个市场每天一行", "One row per market and day"),
    "no_rows": ("文件中没有数据行", "The file has no data rows", "按模板填写", "Fill in the template"),
}


@dataclass
class PriceUpload:
    prices: pd.DataFrame                     # date (YYYY-MM-DD), market, price, volume
    problems: list[dict] = field(default_factory=list)
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def _problem(out: list, code: str, row=None, column=None, value=None) -> None:
    zh, en, fzh, fen = MESSAGES[code]
    fmt = {"column": column, "value": value}
    out.append({"row": row, "column": column, "value": None if value is None else str(value)[:80], "severity": "error",
                "problem_zh": zh.format(**fmt), "problem_en": en.format(**fmt), "fix_zh": fzh, "fix_en": fen})


def template() -> bytes:
    example = pd.DataFrame([["2026-11-02", 62.5, 120000, "地方"], ["2026-11-02", 78.1, 1500000, "全国"]],
                           columns=[HEADERS_ZH[c] for c in COLUMNS])
    return defuse_frame(example).to_csv(index=False).encode("utf-8-sig")


def _number(text: str) -> float:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return math.nan


def read_prices(data: bytes, filename: str, today: date | None = None) -> PriceUpload:
    """Read and validate; never raises."""
    problems: list[dict] = []
    empty = PriceUpload(pd.DataFrame(columns=["date", "market", "price", "volume"]), problems,
                        hashlib.sha256(data or b"").hexdigest())
    raw = reader.RawUpload(rows=reader.empty_rows(), filename=filename)
    try:
        got = reader._xlsx_grid(raw, data, None) if (data or b"")[:4] == b"PK\x03\x04" else reader._csv_grid(raw, bytes(data or b""))
    except Exception as exc:  # noqa: BLE001 - a damaged file is the file's fault
        _problem(problems, "no_rows", value=type(exc).__name__)
        return empty
    if got is None or not got[1]:
        for p in raw.problems:
            problems.append({"row": p.row, "column": p.column, "value": p.value, "severity": "error", "problem_zh": p.message_zh,
                             "problem_en": p.message_en, "fix_zh": p.fix_zh, "fix_en": p.fix_en})
        if not problems:
            _problem(problems, "no_rows")
        return empty
    nums, grid = got
    head, roles = None, {}
    for i, row in enumerate(grid[:reader.HEADER_SCAN_ROWS]):
        found = {}
        for j, text in enumerate(row):
            key = reader.norm_key(reader.split_unit(str(text))[0])
            for col, names in ALIASES.items():
                if key in {reader.norm_key(a) for a in names} and col not in found:
                    found[col] = j
        if {"date", "price"} <= set(found):
            head, roles = i, found
            break
    if head is None:
        _problem(problems, "missing_column", column="日期 / date, 成交均价 / price")
        return empty
    if "market" not in roles:
        _problem(problems, "missing_column", column=HEADERS_ZH["market"])
        return empty
    today = today or date.today()
    recs = []
    for n, row in zip(nums[head + 1:], grid[head + 1:]):
        cell = lambda c: str(row[roles[c]]).strip() if c in roles and roles[c] < len(row) else ""
        if not any(str(x).strip() for x in row):
            continue
        d = pd.to_datetime(cell("date")[:10], format="%Y-%m-%d", errors="coerce")
        if pd.isna(d):
            _problem(problems, "bad_date", n, HEADERS_ZH["date"], cell("date"))
        elif d.date() > today:
            _problem(problems, "future_date", n, HEADERS_ZH["date"], cell("date"))
        price = _number(cell("price"))
        if not math.isfinite(price) or price <= 0 or price > MAX_PRICE:
            _problem(problems, "bad_price", n, HEADERS_ZH["price"], cell("price"))
        vol = _number(cell("volume")) if cell("volume") else None
        if vol is not None and (not math.isfinite(vol) or vol < 0 or vol > MAX_VOLUME):
            _problem(problems, "bad_volume", n, HEADERS_ZH["volume"], cell("volume"))
        market = next((k for k, names in MARKETS.items() if cell("market").lower() in names), None)
        if market is None:
            _problem(problems, "bad_market", n, HEADERS_ZH["market"], cell("market"))
        recs.append({"row": n, "date": None if pd.isna(d) else d.date().isoformat(), "market": market, "price": price, "volume": vol})
    if not recs:
        _problem(problems, "no_rows")
        return empty
    df = pd.DataFrame(recs)
    for (d, m), g in df.dropna(subset=["date", "market"]).groupby(["date", "market"]):
        if len(g) > 1:
            _problem(problems, "duplicate", int(g["row"].iloc[1]), HEADERS_ZH["date"], f"{d} {m}")
    if problems:
        return PriceUpload(empty.prices, problems, empty.sha256)
    return PriceUpload(df[["date", "market", "price", "volume"]].reset_index(drop=True), problems, empty.sha256)
