"""The allowance year as published (公示, issue 17/18): what the rules make public from
``monitor.allowance_overview.publishable`` becomes notices' frozen content — the list of covered units (market,
local additions with their criteria), each year's allocation (pre-allocation, true-up, issued) with the
approved advances and the province's buy-backs, and each year's compliance once its surrender deadline has
passed. No user names: the issuing body only. Amounts in tonnes of CO2 equivalent, as the registry keeps them."""
from __future__ import annotations

import os
from datetime import date

import pandas as pd

from budget import allowances as al
from monitor import allowance_overview
from monitor.publication_records import _bi, _bitext, _col, _f, _record
from reports.allowances_doc import MARKET_LABELS, STATUS_LABELS


def _label(labels: dict, key) -> dict:
    zh, en = labels.get(str(key), (str(key), str(key)))
    return _bi(zh, en)


def _sector(value) -> dict:
    key = al.canonical_sector(value)
    return _bi(al.sector_label(key, "zh"), al.sector_label(key, "en"))


def _name(r: dict) -> dict:
    zh = str(r.get("name_zh") or r["code"])
    en = r.get("name_en")
    return _bi(zh, str(en) if isinstance(en, str) and en.strip() else zh)


def _text_or_dash(value):
    return _bitext(value) if isinstance(value, str) and value.strip() else "—"


def _day(value) -> str:
    return str(value)[:10] if value is not None and not pd.isna(value) else ""


def list_record(p: dict, names: dict, b: dict) -> list[dict]:
    listing = p["list"]
    if listing.empty:
        return []
    rows = [{"code": r["code"], "name": _name(r), "region": names.get(str(r["region"]), r["region"]),
             "sector": _sector(r["sector"]), "market": _label(MARKET_LABELS, r["market"]),
             "criterion": _text_or_dash(r["local_criterion"]) if bool(r["local_addition"]) else "—",
             "gases": str(r["gases"] or "CO2")} for r in listing.to_dict("records")]
    local = int(listing["local_addition"].astype(bool).sum())
    return [_record("allowances:list", "allowance_list", "纳入碳排放权交易的重点排放单位", "Key emitting units covered by emissions trading", {
        "date": "", "issuer": b["issuer"], "approver": None,
        "facts": [{**_bi("单位数", "Units"), "value": str(len(rows))}, {**_bi("地方增补", "Local additions"), "value": str(local)}],
        "paragraphs": [_bi("纳入全国市场与本省地方市场的重点排放单位如下；地方增补单位列出本省确定的纳入条件。",
                           "The key emitting units in the national market and in the province's local market; a local addition "
                           "shows the criterion the province set.")],
        "tables": [{"id": "covered", "caption": _bi("纳入单位", "Covered units"),
                    "columns": [_col("code", "单位代码", "Code"), _col("name", "单位名称", "Name"), _col("region", "所在地区", "Region"),
                                _col("sector", "行业", "Sector"), _col("market", "市场", "Market"),
                                _col("criterion", "地方纳入条件", "Local criterion"), _col("gases", "温室气体", "Gases")],
                    "rows": rows}]})]


def year_records(p: dict, names: dict, b: dict) -> list[dict]:
    res, adv, buy = p["results"], p["advances"], p["buybacks"]
    if res.empty:
        return []
    who = {str(r["code"]): r for r in p["list"].to_dict("records")}
    out = []
    for year, g in res.groupby("year"):
        y = int(year)
        rows = [{"code": r["code"], "name": _name(who.get(str(r["code"]), {"code": r["code"]})),
                 "region": names.get(str(who.get(str(r["code"]), {}).get("region", "")), "—"),
                 "pre": _f(r["preallocated"]), "true": _f(r["trued_up"]), "adjusted": _f(r["adjusted"]),
                 "issued": _f(r["issued"])} for r in g.sort_values("code").to_dict("records")]
        ya = adv[adv["year"] == y] if len(adv) else adv
        yb = buy[buy["year"] == y] if len(buy) else buy
        tables = [{"id": "allocation", "caption": _bi("配额分配结果（吨 CO2e）", "Allocation (t CO2e)"),
                   "columns": [_col("code", "单位代码", "Code"), _col("name", "单位名称", "Name"), _col("region", "所在地区", "Region"),
                               _col("pre", "预分配", "Pre-allocated", True, 0), _col("true", "核定调整", "True-up", True, 0),
                               _col("adjusted", "调节", "Adjusted", True, 0), _col("issued", "核定发放", "Issued", True, 0)],
                   "rows": rows}]
        if len(ya):
            tables.append({"id": "advances", "caption": _bi("批准的配额预支（吨 CO2e）", "Approved advances (t CO2e)"),
                           "columns": [_col("code", "单位代码", "Code"), _col("amount", "预支量", "Amount", True, 0),
                                       _col("date", "日期", "Date"), _col("reason", "理由", "Reason")],
                           "rows": [{"code": r["code"], "amount": _f(r["amount"]), "date": _day(r["recorded_at"]),
                                     "reason": _text_or_dash(r["reason"])} for r in ya.to_dict("records")]})
        if len(yb):
            tables.append({"id": "buybacks", "caption": _bi("省级配额回购（吨 CO2e；元/吨）", "The province's buy-backs (t CO2e; yuan/t)"),
                           "columns": [_col("amount", "回购量", "Amount", True, 0), _col("price", "价格", "Price", True, 2),
                                       _col("date", "日期", "Date"), _col("reason", "理由", "Reason")],
                           "rows": [{"amount": _f(r["amount"]), "price": _f(r["price"]), "date": _day(r["recorded_at"]),
                                     "reason": _text_or_dash(r["reason"])} for r in yb.to_dict("records")]})
        issued = sum(r["issued"] or 0.0 for r in rows)
        out.append(_record(f"allowances:{y}", "allowances", f"{y}年度碳排放配额分配结果", f"Allowance allocation for {y}", {
            "date": "", "issuer": b["issuer"], "approver": None,
            "facts": [{**_bi("单位数", "Units"), "value": str(len(rows))},
                      {**_bi("核定发放（吨 CO2e）", "Issued (t CO2e)"), "value": f"{issued:,.0f}"}],
            "paragraphs": [_bi(f"{y}年度配额按国家方法预分配并在核查后核定调整，结果如下；预支自下一年度配额扣减。",
                               f"The {y} allowances, pre-allocated by the national method and trued up after verification; "
                               "an advance is deducted from the next year's allowance.")],
            "tables": tables}))
    return out


def compliance_records(p: dict, b: dict) -> list[dict]:
    comp = p["compliance"]
    if comp.empty:
        return []
    out = []
    for year, g in comp.groupby("year"):
        y = int(year)
        rows = [{"code": r["code"], "name": _name(r), "verified": _f(r["verified"]), "surrendered": _f(r["surrendered"]),
                 "shortfall": _f(r["shortfall"]), "status": _label(STATUS_LABELS, r["status"])}
                for r in g.sort_values("code").to_dict("records")]
        late = int((g["status"] != "complied").sum())
        out.append(_record(f"allowances:{y}:compliance", "allowance_compliance", f"{y}年度配额清缴履约情况",
                           f"Allowance surrender for {y}: compliance", {
            "date": "", "issuer": b["issuer"], "approver": None,
            "facts": [{**_bi("单位数", "Units"), "value": str(len(rows))}, {**_bi("未履约单位", "Units not complied"), "value": str(late)}],
            "paragraphs": [_bi(f"{y}年度配额清缴期限已过，各单位履约情况如下。",
                               f"The {y} surrender deadline has passed; each unit's compliance is shown below.")],
            "tables": [{"id": "compliance", "caption": _bi("清缴履约（吨 CO2e）", "Compliance (t CO2e)"),
                        "columns": [_col("code", "单位代码", "Code"), _col("name", "单位名称", "Name"),
                                    _col("verified", "核查排放", "Verified", True, 0), _col("surrendered", "已清缴", "Surrendered", True, 0),
                                    _col("shortfall", "缺口", "Shortfall", True, 0), _col("status", "履约状态", "Status")],
                        "rows": rows}]}))
    return out


def allowance_records(db_path: str | os.PathLike, names: dict, b: dict, on: date | None = None) -> list[dict]:
    """Every publishable allowance record (empty when the warehouse keeps no allowances)."""
    try:
        p = allowance_overview.publishable(db_path, on)
    except Exception:  # noqa: BLE001 - a warehouse without the allowance tables publishes none
        return []
    return list_record(p, names, b) + year_records(p, names, b) + compliance_records(p, b)
