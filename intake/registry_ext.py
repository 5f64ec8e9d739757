"""The key-emitter registry's allowance columns (issue 18), read beside the base columns of ``intake.registry``.

Per emitter: ``market`` (national | local | none; 全国/地方/无), ``local_addition`` (是/否: 地方增列),
``local_criterion`` (the local criterion it meets), ``local_reason``, ``gases`` (e.g. ``CO2`` or ``CO2,CH4``),
``product`` (a product of ``data/allowance_benchmarks.csv``), ``cooling`` (water | air). Per emitter and year:
``output`` (MWh of power supplied, or t of product), ``heat_output`` (GJ), ``load_rate`` and ``heat_ratio``
(fractions 0–1, or percentages written with %: 0.82 or 82%; a bare 82 is refused as ambiguous). All optional: a file without them loads as before.

Refused (errors): an unknown market, gas, product or cooling; a product of another sector; a local addition
without its criterion, or in the national market; a national-market unit in a sector the national market does
not cover; a local-market unit that meets the national criterion for the same gas and sector (no double
coverage). A unit below the national threshold that is a local addition gets no warning.
"""
from __future__ import annotations

import math

import pandas as pd

from budget import allowances as al
from intake import text_policy

EXT_COLUMNS = ["market", "local_addition", "local_criterion", "local_reason", "gases", "product", "cooling"]
EXT_YEAR_COLUMNS = ["output", "heat_output", "load_rate", "heat_ratio"]
HEADERS_ZH = {"market": "所属市场", "local_addition": "是否地方增列", "local_criterion": "地方纳入标准", "local_reason": "增列理由",
              "gases": "覆盖气体", "product": "产品类别", "cooling": "冷却方式", "output": "产量（供电量MWh或产品吨）",
              "heat_output": "供热量（GJ）", "load_rate": "负荷（出力）系数", "heat_ratio": "供热比"}
ALIASES = {
    "market": {"market", "所属市场", "市场", "碳市场"},
    "local_addition": {"local_addition", "是否地方增列", "地方增列", "增列"},
    "local_criterion": {"local_criterion", "地方纳入标准", "地方标准", "纳入标准"},
    "local_reason": {"local_reason", "增列理由", "理由"},
    "gases": {"gases", "覆盖气体", "温室气体", "气体"},
    "product": {"product", "产品类别", "机组类别", "产品"},
    "cooling": {"cooling", "冷却方式"},
    "output": {"output", "产量", "供电量", "产量（供电量mwh或产品吨）", "产量(供电量mwh或产品吨)"},
    "heat_output": {"heat_output", "供热量", "供热量（gj）", "供热量(gj)"},
    "load_rate": {"load_rate", "负荷（出力）系数", "负荷(出力)系数", "负荷系数", "负荷率"},
    "heat_ratio": {"heat_ratio", "供热比"},
}
MARKETS = {"national": {"national", "全国", "全国市场", "全国碳市场"}, "local": {"local", "地方", "地方市场", "地方碳市场", "试点"},
           "none": {"none", "无", "未纳入", "不纳入"}}
COOLING = {"water": {"water", "水冷", "湿冷"}, "air": {"air", "空冷"}}
MAX_OUTPUT = 1e9
MESSAGES = {
    "bad_text": ("“{column}”：{detail_zh}", "'{column}': {detail_en}", "删除控制字符或缩短文字", "Remove control characters or shorten the text"),
    "bad_market": ("市场“{value}”无法识别", "Market '{value}' is not known", "填写 全国 / 地方 / 无", "Write national / local / none"),
    "bad_gas": ("气体“{value}”无法识别", "Gas '{value}' is not known", "用 CO2、CH4、N2O 等，以逗号分隔", "Use CO2, CH4, N2O, … separated by commas"),
    "bad_product": ("产品类别“{value}”不在基准值表中", "Product '{value}' is not in the benchmark table",
                    "使用 data/allowance_benchmarks.csv 中的产品类别", "Use a product of data/allowance_benchmarks.csv"),
    "bad_cooling": ("冷却方式“{value}”无法识别", "Cooling '{value}' is not known", "填写 水冷 或 空冷", "Write water or air"),
    "bad_fraction": ("“{value}”不是 0–1 之间的比例", "'{value}' is not a share between 0 and 1", "填写如 0.82 或 82%", "Write e.g. 0.82 or 82%"),
    "product_sector": ("单位 {value} 的产品类别“{product}”属于{expected}行业", "Emitter {value}: product '{product}' belongs to sector {expected}",
                       "检查行业或产品类别", "Check the sector or the product"),
    "criterion_missing": ("单位 {value} 为地方增列，但未填写地方纳入标准", "Emitter {value} is a local addition without its local criterion",
                          "填写其满足的地方纳入标准", "Write the local criterion it meets"),
    "addition_national": ("单位 {value} 为地方增列，不能属于全国市场", "Emitter {value} is a local addition: it cannot be in the national market",
                          "地方增列单位填写“地方”市场", "Put a local addition in the local market"),
    "national_sector": ("单位 {value}：全国碳市场尚未覆盖“{sector}”行业", "Emitter {value}: the national market does not cover sector '{sector}'",
                        "改为地方市场或检查行业", "Use the local market or check the sector"),
    "double_coverage": ("单位 {value} 满足全国碳市场纳入条件（{sector}、{gas}、≥ {threshold} 万吨），同一气体与行业不得纳入地方市场",
                        "Emitter {value} meets the national market's criterion ({sector}, {gas}, ≥ {threshold} 10k t): the same gas "
                        "and sector cannot be in a local market", "改为全国市场", "Put it in the national market"),
}


def _pick(table: dict, text: str) -> str | None:
    t = text.strip().lower()
    return next((k for k, names in table.items() if t in {n.lower() for n in names}), None)


def read_row(rec: dict, cell, row: int, problem, true_set: set, false_set: set) -> None:
    """Parse the allowance columns of one row into ``rec`` (``problem(code, row, column, value, **kw)`` lists errors)."""
    market = cell("market")
    rec["market"] = _pick(MARKETS, market) if market else None
    if market and rec["market"] is None:
        problem("bad_market", row, HEADERS_ZH["market"], market)
    flag = cell("local_addition").lower()
    if flag and flag not in true_set | false_set:
        problem("bad_flag", row, HEADERS_ZH["local_addition"], cell("local_addition"))
    rec["local_addition"] = flag in true_set if flag else None
    for c in ("local_criterion", "local_reason"):
        try:
            rec[c] = text_policy.free_text(cell(c), HEADERS_ZH[c], required=False, multiline=False)
        except text_policy.TextRefused as exc:
            problem("bad_text", row, HEADERS_ZH[c], None, detail_zh=exc.message_zh, detail_en=exc.message_en)
            rec[c] = None
    gases = cell("gases")
    bad = sorted(al.gas_set(gases) - {g.upper() for g in al.GASES})
    if bad:
        problem("bad_gas", row, HEADERS_ZH["gases"], ",".join(bad))
    rec["gases"] = ",".join(sorted(al.gas_set(gases))) if gases else None
    product = cell("product")
    rec["product"] = product or None
    if product and product not in set(al.load_benchmarks()["product"]):
        problem("bad_product", row, HEADERS_ZH["product"], product)
    cooling = cell("cooling")
    rec["cooling"] = _pick(COOLING, cooling) if cooling else None
    if cooling and rec["cooling"] is None:
        problem("bad_cooling", row, HEADERS_ZH["cooling"], cooling)
    for c in EXT_YEAR_COLUMNS:
        text = cell(c).replace(",", "")
        rec[c] = None
        if not text:
            continue
        pct = text.endswith("%")
        try:
            v = float(text.rstrip("%")) / (100 if pct else 1)
        except ValueError:
            v = math.nan
        if not math.isfinite(v) or v < 0 or (c in ("load_rate", "heat_ratio") and v > 1):
            problem("bad_fraction" if c in ("load_rate", "heat_ratio") else "bad_number", row, HEADERS_ZH[c], cell(c))
        elif v > MAX_OUTPUT:
            problem("implausible", row, HEADERS_ZH[c], cell(c), max=f"{MAX_OUTPUT:g}")
        else:
            rec[c] = v


def check_units(df: pd.DataFrame, problem) -> set[str]:
    """Checks over each emitter's rows; returns the codes that are local additions (no below-threshold warning)."""
    table = al.load_benchmarks().drop_duplicates("product", keep="last").set_index("product")["sector"]
    additions = set()
    for code, g in df.groupby("code"):
        last = g.iloc[-1]
        row, sector = int(last["row"]), al.canonical_sector(last["sector"])
        market, product = last.get("market"), last.get("product")
        if last.get("local_addition"):
            additions.add(code)
            if not last.get("local_criterion"):
                problem("criterion_missing", row, HEADERS_ZH["local_criterion"], code)
            if market == "national":
                problem("addition_national", row, HEADERS_ZH["market"], code)
        if product in table.index and table[product] not in ("*", sector):
            problem("product_sector", row, HEADERS_ZH["product"], code, product=product, expected=table[product])
        year = int(g["year"].max()) if g["year"].notna().any() else 0
        cov = al.NATIONAL_COVERAGE[al.NATIONAL_COVERAGE["from_year"] <= year]
        if market == "national" and sector not in set(cov["sector"]):
            problem("national_sector", row, HEADERS_ZH["market"], code, sector=sector)
        if market == "local":
            unit = pd.DataFrame([{"code": code, "sector": sector, "market": "local", "gases": last.get("gases") or "CO2",
                                  "co2": g["co2"].mean()}])
            for c in al.coverage_conflicts(unit, year).itertuples():
                problem("double_coverage", row, HEADERS_ZH["market"], code, sector=c.params["sector"], gas=c.params["gas"],
                        threshold=c.params["threshold"])
    return additions
