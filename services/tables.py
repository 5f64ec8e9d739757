"""Tables as an official reads them: translated headers, names instead of codes, labels instead of raw
identifiers, and "—" instead of nan/None (st.dataframe would show None for a missing value)."""
from __future__ import annotations

import math
import re

import pandas as pd

from budget import config as bconfig
from budget.inbox import split_bilingual
from services.i18n import lang, t

#: raw column -> UI text key of its header
HEADERS = {
    "region": "col_region", "period": "col_period", "indicator": "col_indicator", "kind": "col_kind",
    "value": "col_value", "unit": "col_unit", "old": "col_old", "new": "col_new", "change_pct": "col_change_pct",
    "key": "col_key", "value_a": "col_value_a", "value_b": "col_value_b", "diff": "col_diff",
    "diff_pct": "col_diff_pct", "in_a": "col_in_a", "in_b": "col_in_b",
    "batch_id": "col_batch", "created_at": "col_created", "created_by": "col_user", "origin": "col_origin",
    "source_name": "col_file", "sha256": "col_sha256", "rows_in": "col_rows_in", "rows_loaded": "col_loaded",
    "rows_rejected": "col_rejected", "status": "col_status", "note": "col_note",
    "row": "col_row", "column": "col_column", "severity": "col_severity", "code": "col_code",
    "year_from": "col_year_from", "year_to": "col_year_to", "factor": "col_factor", "factor_unit": "col_factor_unit",
    "co2_per_unit": "col_co2_per_unit", "source": "col_source",
}
#: units of the catalog in English (Chinese statistics count in 万 = 10k and 亿 = 100 million)
UNITS_EN = {"万千瓦时": "10k kWh", "亿千瓦时": "100m kWh", "千瓦时": "kWh", "万吨": "10k t", "吨": "t", "亿元": "100m yuan",
            "万元": "10k yuan", "元": "yuan", "万重量箱": "10k weight cases", "重量箱": "weight cases",
            "万立方米": "10k m³", "亿立方米": "100m m³", "立方米": "m³", "万吨标准煤": "10k tce", "吨标准煤": "tce",
            "万人": "10k people", "人": "people", "万吨CO2": "10k t CO2", "吨/万元": "t / 10k yuan"}
BATCH_STATUS = {"loaded": ("已导入", "loaded"), "partial": ("部分导入", "partially loaded"),
                "rolled_back": ("已回滚", "rolled back"), "rejected": ("已拒收", "rejected"),
                "unchanged": ("无变化", "unchanged"), "dry-run": ("试运行", "dry run")}
ORIGINS = {"upload": ("上传", "upload"), "demo": ("示范数据", "demo data"), "accounting": ("排放核算", "accounting"),
           "nowcast": ("模型估算", "nowcast"), "rollback": ("回滚", "rollback"), "regions": ("地区表", "regions"),
           "ledger": ("预算账目", "ledger"), "registry": ("重点排放单位名录", "key-emitter registry"),
           "meters": ("电表数据", "meter data")}
_REASONS = [(re.compile(r"^demo five-year plan (\d{4})\s*[–-]\s*(\d{4})$"), ("示范省五年方案 {0}–{1}", "demo five-year plan {0}–{1}")),
            (re.compile(r"^five-year plan$"), ("五年方案", "five-year plan")),
            (re.compile(r"^application (\d+): (.*)$", re.S), ("申请 {0}：{1}", "application {0}: {1}"))]


def pair(table: dict, key, fallback: str | None = None) -> str:
    """Text of ``key`` in a {key: (zh, en)} table, in the session's language."""
    if not isinstance(key, str):
        return "—"
    got = table.get(key)
    return (got[0] if lang() == "zh" else got[1]) if got else (fallback if fallback is not None else key)


def unit(u) -> str:
    if not isinstance(u, str) or not u:
        return "—"
    return u if lang() == "zh" else UNITS_EN.get(u, u)


def bilingual(text) -> str:
    """'东湾钢铁基地 / Dongwan steel complex' → the side in the session's language; '—' when missing."""
    if not isinstance(text, str) or not text.strip():
        return "—"
    zh, en = split_bilingual(text)
    return zh if lang() == "zh" else en


def ledger_reason(text) -> str:
    """System-written ledger reasons in the session's language (a person's own words stay as written)."""
    if not isinstance(text, str) or not text.strip():
        return "—"
    for pattern, (zh, en) in _REASONS:
        m = pattern.match(text.strip())
        if m:
            return (zh if lang() == "zh" else en).format(*(bilingual(g) for g in m.groups()))  # a quoted "zh / en" too
    return bilingual(text)


def _fmt(x, digits: int) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA or x is pd.NaT:
        return "—"
    if isinstance(x, bool):
        return t("yes") if x else t("no")
    if isinstance(x, (int,)) or (isinstance(x, float) and float(x).is_integer() and digits == 0):
        return f"{int(x):,}"
    if isinstance(x, float):
        return f"{x:,.{digits}f}"
    return str(x)


def readable(frame: pd.DataFrame, region_names: dict | None = None, indicator_names: dict | None = None,
             digits: dict | None = None) -> pd.DataFrame:
    """A copy for display: codes → names, raw labels → translated, headers translated, missing → "—"."""
    out = frame.copy()
    digits = digits or {}
    for col in out.columns:
        s = out[col]
        if col in ("region", "from_region", "to_region") and region_names is not None:
            out[col] = s.map(lambda c: region_names.get(c, c) if isinstance(c, str) else "—")
        elif col == "indicator" and indicator_names is not None:
            out[col] = s.map(lambda c: indicator_names.get(c, c) if isinstance(c, str) else "—")
        elif col == "kind":
            out[col] = s.map(lambda k: t(f"kind_{k}") if isinstance(k, str) and f"kind_{k}" in _keys() else pair({}, k))
        elif col == "status":
            out[col] = s.map(lambda k: pair(BATCH_STATUS, k))
        elif col == "origin":
            out[col] = s.map(lambda k: pair(ORIGINS, k))
        elif col == "severity":
            out[col] = s.map(lambda k: t(f"sev_{k}") if isinstance(k, str) and f"sev_{k}" in _keys() else pair({}, k))
        elif col in ("unit", "factor_unit"):
            out[col] = s.map(lambda u: unit(u) if col == "unit" else _factor_unit(u))
        elif col in ("created_by", "user"):
            out[col] = s.map(user_name)
        elif col == "created_at":
            out[col] = s.map(lambda v: "—" if pd.isna(v) else str(v)[:16])
        elif s.dtype == bool:
            out[col] = s.map(lambda b: t("yes") if b else t("no"))
        elif s.isna().any():
            d = digits.get(col, 0 if pd.api.types.is_integer_dtype(s) else 2)
            out[col] = s.astype(object).map(lambda x, d=d: _fmt(x, d))
    return out.rename(columns={c: t(HEADERS[c]) for c in out.columns if c in HEADERS})


def _factor_unit(u) -> str:
    if not isinstance(u, str):
        return "—"
    return u if lang() == "en" else u.replace("t CO2", "吨CO2").replace("/t", "/吨").replace("/MWh", "/兆瓦时").replace(
        "/10k m³", "/万立方米").replace("/tce", "/吨标准煤")


def _keys():
    from services.i18n import TEXT

    return TEXT


def entry_type(k) -> str:
    return bconfig.label(bconfig.ENTRY_TYPE_LABELS, k, lang()) if isinstance(k, str) else "—"


_SOURCE_ZH = {
    "Assumption: 2019 national grid average extrapolated back (no single official national figure for these years)":
        "假设：以 2019 年全国电网平均排放因子向前外推（这些年份没有统一的官方全国数值）",
    "MEE national grid average emission factor used for enterprise reporting (环办气候函〔2022〕111号)":
        "生态环境部企业温室气体排放报告用全国电网平均排放因子（环办气候函〔2022〕111号）",
    "MEE/NBS 2021 national electricity CO2 emission factor (published 2024)":
        "生态环境部、国家统计局 2021 年全国电力二氧化碳排放因子（2024 年发布）",
    "MEE/NBS 2022 national electricity average CO2 emission factor (published 2024)":
        "生态环境部、国家统计局 2022 年全国电力平均二氧化碳排放因子（2024 年发布）",
    "Assumption: latest published national average carried forward; replace when MEE publishes":
        "假设：沿用最近发布的全国平均值；生态环境部发布新值后替换",
}
_GUIDE_ZH, _GUIDE_EN = "省级温室气体清单编制指南(试行)", "Guidelines for provincial GHG inventories (trial)"


def factor_source(text) -> str:
    """An emission factor's source (data/emission_factors.csv, written in English with the Chinese titles of
    the documents) in the session's language."""
    if not isinstance(text, str) or not text.strip():
        return "—"
    if lang() == "zh":
        if text in _SOURCE_ZH:
            return _SOURCE_ZH[text]
        out = re.sub(r"NCV ([\d.]+) GJ/万m³", r"低位发热量 \1 GJ/万立方米", text)
        out = re.sub(r"NCV ([\d.]+) GJ/t", r"低位发热量 \1 GJ/吨", out)
        out = re.sub(r"carbon content ([\d.]+) tC/TJ|([\d.]+) tC/TJ", lambda m: f"单位热值含碳量 {m.group(1) or m.group(2)} tC/TJ", out)
        out = re.sub(r"oxidation (\d+)%", r"碳氧化率 \1%", out)
        return out.replace(": ", "：").replace(", ", "，").replace(" (GB/T", "（GB/T").replace("2008)", "2008）")
    out = text.replace(_GUIDE_ZH, _GUIDE_EN).replace("万m³", "10k m³")
    return out.replace("（环办气候函〔2022〕111号）", "").replace("(环办气候函〔2022〕111号)", "(MEE letter [2022] No. 111)")


def factors_table(frame: pd.DataFrame, indicator_names: dict) -> pd.DataFrame:
    """The emission-factor table for display: names, translated units and sources, translated headers."""
    out = frame.copy()
    if "source" in out.columns:
        out["source"] = out["source"].map(factor_source)
    out["factor_unit"] = out["factor_unit"].map(lambda u: u.replace("万m³", "10k m³") if isinstance(u, str) and lang() == "en" else u)
    return readable(out, indicator_names=indicator_names, digits={"co2_per_unit": 7, "factor": 4})


def user_name(name) -> str:
    """Who recorded an entry: a person's name as written; the software itself as "system" in the UI language."""
    if not isinstance(name, str) or not name.strip():
        return "—"
    return t("user_system") if name == "system" else name


def localize_bilingual(text, names) -> str:
    """``text`` with every bilingual name in ``names`` ('东湾钢铁基地 / Dongwan steel complex', as a ledger
    project is recorded) cut to the side in the session's language."""
    if not isinstance(text, str):
        return "—"
    for name in {n for n in names if isinstance(n, str) and " / " in n}:
        text = text.replace(name, bilingual(name))
    return text
