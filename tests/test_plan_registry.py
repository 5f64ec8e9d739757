"""Key-emitter registry upload (template, validation zh/en, one batch, role check) and the horizontal
split of a city's plan budget to its key emitters and sectors (parts sum to the city's budget)."""
from __future__ import annotations

import pandas as pd
import pytest

from intake.registry import HEADERS_ZH, COLUMNS, read_registry, template
from monitor import plan as mplan
from tests.plan_util import cli_json, tiny_warehouse
from warehouse import db, key_emitters, users


def _csv(rows) -> bytes:
    return pd.DataFrame(rows, columns=[HEADERS_ZH[c] for c in COLUMNS]).to_csv(index=False).encode("utf-8")


GOOD = [["E1", "甲钢", "Jia Steel", "A", "钢铁", y, 40.0, 9000, "是"] for y in (2023, 2024)] + \
       [["E2", "甲电", "Jia Power", "A", "电力", y, 20.0, 1000, "否"] for y in (2023, 2024)] + \
       [["E3", "小厂", "", "A", "建材", 2024, 1.0, 50, "否"]]


def test_template_reads_back_clean():
    up = read_registry(template("xlsx"), "t.xlsx", {"SF10", "SF03"})
    assert up.ok and len(up.registry) == 2 and set(up.years["year"]) == {2024}
    assert read_registry(template("csv"), "t.csv", {"SF10", "SF03"}).ok


def test_every_problem_is_listed_in_both_languages():
    rows = [["E1", "甲钢", "", "Z", "钢铁", "20x4", "-3", "9000", "也许"],
            ["E1", "甲钢", "", "A", "钢铁", 2024, "5e9", "", "是"], ["", "", "", "A", "", 2024, 1, "", "否"]]
    up = read_registry(_csv(rows), "bad.csv", {"A"})
    assert not up.ok
    rep = up.report()
    got = set(zip(rep["row"], rep["column"]))
    assert {(2, "所在地区"), (2, "年份"), (2, "二氧化碳排放量（万吨）"), (2, "是否核查"), (3, "二氧化碳排放量（万吨）"),
            (4, "单位代码"), (4, "单位名称"), (4, "行业")} <= got
    assert rep["problem_zh"].str.len().gt(0).all() and rep["problem_en"].str.len().gt(0).all()
    assert rep["fix_zh"].str.len().gt(0).all()


def test_load_is_one_batch_for_an_analyst_only(tmp_path, capsys):
    path = tiny_warehouse(tmp_path)
    users.add_user(path, "管理员", "admin", "plan-password-1")
    users.add_user(path, "看客", "viewer", "plan-password-1")
    f = tmp_path / "reg.csv"
    f.write_bytes(_csv(GOOD))
    code, out, err = cli_json(capsys, "--db", path, "registry", "load", f, "--user", "看客", "--json")
    assert code == 1 and "refused" in err
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(GOOD + [["E9", "x", "", "NOWHERE", "钢铁", 2024, 5, 1, "是"]]))
    code, out, _ = cli_json(capsys, "--db", path, "registry", "load", bad, "--user", "管理员", "--json")
    assert code == 1 and out["status"] == "rejected"
    with db.connect(path) as con:
        assert key_emitters.registry(con).empty
    code, out, err = cli_json(capsys, "--db", path, "registry", "load", f, "--user", "管理员", "--json")
    assert code == 0 and out["status"] == "loaded" and out["emitters"] == 3, err
    assert any("门槛" in p["problem_zh"] for p in out["problems"])  # E3 is below the threshold: a warning
    # horizontal split of A's plan budget: E3 is left out, the rest of A stays 'other', parts sum to A's budget
    d = mplan.draft(path, "P", "2026-2030", method="history", user="管理员")
    a_budget = {a["year"]: a["amount"] for a in d["allocations"] if a["region"] == "A"}
    for kind, method in (("emitters", "history"), ("emitters", "gdp"), ("sectors", "intensity")):
        split = mplan.split(path, d["plan"], "A", kind, method)
        assert "E3" not in set(split["unit"])
        for y, amount in a_budget.items():
            assert split.loc[split["year"] == y, "amount"].sum() == pytest.approx(amount, abs=0.011)
    e = mplan.split(path, d["plan"], "A", "emitters", "history")
    first = e[e["year"] == 2026].set_index("unit")["amount"]
    assert first["E1"] == pytest.approx(2 * first["E2"], abs=0.02)  # 40 : 20
    code, out, err = cli_json(capsys, "--db", path, "plan", "split", d["plan"], "--city", "A", "--save", "--user", "管理员", "--json")
    assert code == 0, err
    v = mplan.load(path, d["plan"])
    assert v["version"] == 2 and len(v["content"]["horizontal"]) == len(out)
