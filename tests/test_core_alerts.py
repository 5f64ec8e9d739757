"""Policy toolbox and the recommended mix per situation (budget/policy.py), on a toolbox written in the test
(so the expected order and de-duplication are known) and on the shipped one with literal codes."""
from __future__ import annotations

import pandas as pd
import pytest

from budget import policy

TOOLBOX = """case,instrument_type,name_zh,name_en,description_zh,description_en,code
overspend,information,晴雨表,Weather vane,dz,de,weather_vane
overspend,control,淘汰,Phase out,dz,de,phase_out
overspend,economic,差别价,Differential price,dz,de,differential_price
overspend,control,置换,Replacement,dz,de,capacity_replacement
balance,economic,金融,Green finance,dz,de,green_finance
major_project,economic,差别价,Differential price,dz,de,differential_price
major_project,control,测算,Life cycle,dz,de,lifecycle_assessment
surplus,information,名单,Green list,dz,de,green_list
"""


@pytest.fixture
def toolbox(tmp_path):
    path = tmp_path / "toolbox.csv"
    path.write_text(TOOLBOX, encoding="utf-8")
    return path


def test_policy_cases_literal():
    assert policy.policy_cases("overspend") == ["overspend"]
    assert policy.policy_cases("surplus", True) == ["surplus", "major_project"]
    assert policy.policy_cases("balance", False) == ["balance"]
    assert policy.policy_cases(None, True) == ["major_project"]
    assert policy.policy_cases("major_project") == [] and policy.policy_cases("red") == []


def test_recommend_orders_by_case_then_type_and_lists_an_instrument_once(toolbox):
    tb = policy.policy_toolbox(toolbox, with_code=True)
    assert list(tb.columns) == policy.TOOLBOX_COLUMNS + ["code"]
    rec = policy.recommend_policies("overspend", True, toolbox=tb)
    assert rec["code"].tolist() == ["phase_out", "capacity_replacement", "differential_price", "weather_vane",
                                    "lifecycle_assessment"]         # differential price once, under overspend
    assert rec["case"].tolist() == ["overspend"] * 4 + ["major_project"]
    assert list(rec.columns) == policy.TOOLBOX_COLUMNS + ["code"] and rec.index.tolist() == [0, 1, 2, 3, 4]
    rec = policy.recommend_policies(None, True, toolbox=tb)
    assert rec["code"].tolist() == ["lifecycle_assessment", "differential_price"]
    no_code = policy.policy_toolbox(toolbox)
    assert list(no_code.columns) == policy.TOOLBOX_COLUMNS
    rec = policy.recommend_policies("surplus", toolbox=no_code)
    assert list(rec.columns) == policy.TOOLBOX_COLUMNS and rec["name_en"].tolist() == ["Green list"]
    assert policy.recommend_policies("unknown", toolbox=tb).empty


def test_instruments_one_row_per_code_first_listing(toolbox):
    ins = policy.instruments(toolbox)
    assert list(ins.columns) == policy.INSTRUMENT_COLUMNS and ins.index.tolist() == list(range(7))
    assert ins["code"].tolist() == ["weather_vane", "phase_out", "differential_price", "capacity_replacement",
                                    "green_finance", "lifecycle_assessment", "green_list"]
    assert ins.set_index("code").loc["differential_price", "instrument_type"] == "economic"


def test_shipped_toolbox_mixes_by_the_paper():
    assert policy.recommend_policies("surplus")["code"].tolist() == [
        "green_tech_fund", "subsidy", "experience_sharing", "green_list"]
    over = policy.recommend_policies("overspend")
    assert over["instrument_type"].tolist() == ["control"] * 4 + ["economic"] * 2 + ["information"] * 2
    assert over["code"].tolist()[-4:] == ["differential_price", "punitive_price", "weather_vane", "public_airing"]
    major = policy.recommend_policies("overspend", True)
    assert "differential_price" in major["code"].tolist() and major["code"].tolist().count("differential_price") == 1
    assert major["code"].tolist()[-1] == "quota_trading" and len(major) == len(over) + 5
    tb = policy.policy_toolbox()
    assert tb.shape[1] == 6 and policy.policy_toolbox(with_code=True).shape[1] == 7
    tb.loc[0, "name_zh"] = "changed"                                    # a copy: the cache is not touched
    assert policy.policy_toolbox().loc[0, "name_zh"] != "changed"


# ---- alerts: reasons written from the data, checked word for word ---------------------------------------------
import json  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from budget import alerts  # noqa: E402

CATALOG = pd.read_csv(Path(__file__).resolve().parent.parent / "data" / "indicators.csv")


def _drivers():
    rows = []
    for m in (1, 2, 3):
        rows += [("R", f"2025-{m:02d}", "out_crude_steel", 100.0), ("R", f"2026-{m:02d}", "out_crude_steel", 112.0),
                 ("R", f"2025-{m:02d}", "gen_hydro", 50.0), ("R", f"2026-{m:02d}", "gen_hydro", 40.0),
                 ("R", f"2025-{m:02d}", "elec_total", 1000.0), ("R", f"2026-{m:02d}", "elec_total", 1050.0),
                 ("R", f"2025-{m:02d}", "fuel_raw_coal", 10.0), ("R", f"2026-{m:02d}", "fuel_raw_coal", 10.05),
                 ("R", f"2026-{m:02d}", "out_cement", 5.0),                   # no last year anywhere: dropped
                 ("R", f"2025-{m:02d}", "xyz", 1.0), ("R", f"2026-{m:02d}", "xyz", 9.0),   # no relevance: dropped
                 ("O", f"2025-{m:02d}", "elec_total", 100.0), ("O", f"2026-{m:02d}", "elec_total", 98.0),
                 ("Q", f"2026-{m:02d}", "out_crude_steel", 10.0)]
    rows += [("R", "2026-04", "out_crude_steel", 999.0),                   # after the as-of month
             ("Q", "2025-01", "out_crude_steel", 10.0),                    # Q: only January in both years
             ("R", "2026-Q1", "out_crude_steel", 5.0)]                     # not a month
    return pd.DataFrame(rows, columns=["region", "period", "indicator", "value"])


def _estimates():
    now = {"industry": 30.0, "power_mix": 5.0, "region_other": 100.0}
    before = {"industry": 20.0, "power_mix": 6.0, "region_other": 1.0}
    rows = [("R", "2026-02", now), ("R", "2026-03", now), ("R", "2025-02", before), ("R", "2025-03", before),
            ("R", "2026-04", {"industry": 500.0}), ("O", "2026-03", json.dumps({"electricity": 4.5})),
            ("Q", "2026-03", "{not json"), ("Q", "2026", {"industry": 9.0}), ("Q", "2026-01..02", {"industry": 9.0})]
    return pd.DataFrame(rows, columns=["region", "period", "contributions"])


def _progress_rows():
    cols = ["region", "is_province", "year", "month", "warning_level", "status", "deviation", "p_overspend",
            "run_out_month"]
    return pd.DataFrame([("P", True, 2026, 3, "red", "overspend", 0.2, 0.9, None),
                         ("O", False, 2026, 3, "orange", "balance", -0.02, 0.62, None),
                         ("R", False, 2026, 3, "red", "overspend", 0.123, 0.995, "2026-11"),
                         ("G", False, 2026, 3, "green", "surplus", -0.1, 0.0, None),
                         ("Q", False, 2026, 3, "orange", None, 0.05, np.nan, "")], columns=cols)


def test_driver_changes_literal():
    d = alerts.driver_changes(_drivers(), 2026, 3, CATALOG)
    r = d[d["region"] == "R"]
    assert r["indicator"].tolist() == ["out_crude_steel", "gen_hydro", "elec_total", "fuel_raw_coal"]
    assert r["yoy"].tolist() == pytest.approx([0.12, -0.2, 0.05, 0.005])
    assert r["score"].tolist() == pytest.approx([0.12, 0.1, 0.035, 0.005])
    assert r["value"].tolist() == pytest.approx([336.0, 120.0, 3150.0, 30.15])
    assert r["value_last_year"].tolist() == pytest.approx([300.0, 150.0, 3000.0, 30.0])
    assert r["name_zh"].tolist()[:2] == ["粗钢产量", "水电发电量"] and r["name_en"].tolist()[0] == "Crude steel output"
    q = d[d["region"] == "Q"].iloc[0]
    assert q["value"] == 10.0 and q["value_last_year"] == 10.0 and q["yoy"] == 0.0     # January only
    assert d["region"].tolist() == ["O", "Q", "R", "R", "R", "R"] and d.index.tolist() == list(range(6))
    no_names = alerts.driver_changes(_drivers(), 2026, 3)
    assert no_names.loc[no_names["indicator"] == "gen_hydro", "name_en"].tolist() == ["gen_hydro"]
    assert alerts.driver_changes(_drivers()[lambda f: f["period"].str.startswith("2026")], 2026, 3).empty


def test_contribution_changes_literal():
    c = alerts.contribution_changes(_estimates(), 2026, 3)
    assert c.values.tolist() == [["O", "electricity", 4.5, "level"],
                                 ["R", "region_other", 198.0, "yoy"], ["R", "industry", 20.0, "yoy"],
                                 ["R", "power_mix", -2.0, "yoy"]]
    assert alerts.contribution_changes(_estimates().iloc[6:], 2026, 3).empty   # bad JSON, a year, a combined pair
    odd = pd.DataFrame([("R", "2026-Q1", {"industry": 9.0}), ("R", "2026-13", {"industry": 9.0}),
                        ("R", "2026-00", {"industry": 9.0})], columns=["region", "period", "contributions"])
    assert alerts.contribution_changes(odd, 2026, 3).empty                    # a quarter, no month 13 or 0: no crash


def test_the_reason_names_the_probability_from_the_provinces_orange_threshold():
    o = lambda **kw: alerts.build_alerts(_progress_rows(), **kw).set_index("region").loc["O", "reason_zh"]  # noqa: E731
    assert "超支概率 62%" in o()                                                  # 0.62 ≥ the default 0.5
    assert "超支概率" not in o(rules={"warning.orange_p_overspend": 0.7})        # the province set 70%: not named
    assert "超支概率 62%" in o(rules={"warning.orange_p_overspend": 0.6})


def test_alert_reasons_word_for_word_and_order():
    a = alerts.build_alerts(_progress_rows(), drivers=_drivers(), indicator_catalog=CATALOG, estimates=_estimates(),
                            major_projects=pd.DataFrame({"region": ["R", "R", "R"], "project": ["新建炼化项目", "新建炼化项目", "二期"]}))
    assert a["region"].tolist() == ["R", "Q", "O"] and list(a.columns) == alerts.ALERT_COLUMNS
    r, q, o = (a.iloc[i] for i in range(3))
    assert r["reason_zh"] == ("1–3月累计排放超时序进度 12.3%（全年超支概率 >99%），主要因粗钢产量同比 +12.0%、水电发电量同比 -20.0%"
                              "；快算模型归因：工业产品产量同比 +20.0 万吨；按当前趋势预计2026年11月用尽年度预算；单列项目：新建炼化项目、二期。")
    assert r["reason_en"] == ("Jan–Mar cumulative emissions 12.3% ahead of schedule (probability of overspending the year: "
                              ">99%), mainly crude steel output +12.0% yoy, hydropower generation -20.0% yoy; nowcast "
                              "attribution: industrial output +20.0 (10^4 t) yoy; at the current trend the annual budget "
                              "runs out in Nov 2026; separately-listed project: 新建炼化项目, 二期.")
    assert o["reason_zh"] == "1–3月累计排放较时序进度 -2.0%，但全年超支概率 62%；快算模型归因：用电量使估算排放较去年同期增加 4.5 万吨。"
    assert o["reason_en"] == ("Jan–Mar cumulative emissions -2.0% against schedule, but the probability of overspending "
                              "the year is 62%; nowcast attribution: electricity use adds 4.5 (10^4 t) against the same "
                              "months last year.")
    assert q["reason_zh"] == "1–3月累计排放超时序进度 5.0%。" and q["reason_en"] == \
        "Jan–Mar cumulative emissions 5.0% ahead of schedule."
    assert r["projects"] == ["新建炼化项目", "二期"] and o["projects"] == [] and pd.isna(q["status"])
    assert [d["indicator"] for d in r["drivers"]] == ["out_crude_steel", "gen_hydro"] and q["drivers"] == []
    assert r["contributions"] == [{"group": "industry", "value": 20.0, "basis": "yoy"}]
    assert r["policy_cases"] == ["overspend", "major_project"] and o["policy_cases"] == ["balance"]
    assert q["policy_cases"] == ["overspend"] and r["year"] == 2026 and r["month"] == 3
    assert [p["code"] for p in o["policies"]] == policy.recommend_policies("balance")["code"].tolist()
    assert r["warning_level"] == "red" and r["run_out_month"] == "2026-11" and r["deviation"] == 0.123


def test_alert_selection_projects_as_mapping_and_the_probability_words():
    only_red = alerts.build_alerts(_progress_rows(), levels=("red",), major_projects={"R": "一期", "O": ["a", "b"]})
    assert only_red["region"].tolist() == ["R"] and only_red.iloc[0]["projects"] == ["一期"]
    assert only_red.iloc[0]["reason_zh"] == "1–3月累计排放超时序进度 12.3%（全年超支概率 >99%）；按当前趋势预计2026年11月用尽年度预算；单列项目：一期。"
    none = alerts.build_alerts(_progress_rows(), levels=("purple",))
    assert none.empty and list(none.columns) == alerts.ALERT_COLUMNS
    assert [alerts._prob(x) for x in (0.991, 0.99, 0.5, 0.01, 0.009)] == [">99%", "99%", "50%", "1%", "<1%"]
    assert alerts._pct(0.1234) == "12.3%" and alerts._pct(-0.02, True) == "-2.0%" and alerts._pct(0.0, True) == "+0.0%"


def test_alert_edges_zero_deviation_mixes_per_situation_and_driver_columns():
    prog = _progress_rows()
    prog.loc[prog["region"] == "O", "deviation"] = 0.0
    prog.loc[prog["region"] == "O", "status"] = "overspend"
    a = alerts.build_alerts(prog, major_projects={"R": "一期"}).set_index("region")
    assert a.loc["O", "reason_zh"].startswith("1–3月累计排放较时序进度 +0.0%")
    assert len(a.loc["R", "policies"]) == len(a.loc["O", "policies"]) + 5      # R's mix has the project's tools
    assert "major_project" not in {p["case"] for p in a.loc["O", "policies"]}
    assert list(alerts.driver_changes(_drivers(), 2026, 3).columns) == [
        "region", "indicator", "name_zh", "name_en", "value", "value_last_year", "yoy", "relevance", "score"]
