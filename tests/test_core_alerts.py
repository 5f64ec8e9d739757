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
