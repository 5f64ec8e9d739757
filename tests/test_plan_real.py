"""The 31-province pack with 全国 as the parent: draft → approve → status, weather vane and rankings
show those budgets (slow; skipped when the data folder is absent, a failure in CI)."""
from __future__ import annotations

import pytest

from tests.conftest import REAL_DATA
from tests.plan_util import cli_json
from tests.tool_util import require_path

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    from cli.main import main

    require_path(REAL_DATA / "observations.csv", "the 31-province pack (shared real data)")

    path = tmp_path_factory.mktemp("plan_real") / "real.duckdb"
    assert main(["--db", str(path), "regions", "load", str(REAL_DATA / "regions.csv")]) == 0
    assert main(["--db", str(path), "ingest", str(REAL_DATA / "observations.csv"), "--accept-valid-rows"]) == 0
    return path


def test_country_plan_is_drafted_approved_and_monitored(real_db, capsys, monkeypatch):
    code, out, err = cli_json(capsys, "--db", real_db, "plan", "draft", "--parent", "CN", "--years", "2024-2028",
                              "--scenario", "policy", "--method", "history", "--json")
    assert code == 0, err
    provinces = {a["region"] for a in out["allocations"]}
    assert len(provinces) == 31
    code, _, err = cli_json(capsys, "--db", real_db, "plan", "draft", "--parent", "CN", "--years", "2024-2028",
                            "--method", "per_capita", "--json")
    assert code == 1 and "population" in err     # the pack has no population: a clear refusal
    code, _, err = cli_json(capsys, "--db", real_db, "plan", "approve", out["plan"], "--user", "admin")
    assert code == 0, err
    code, status, err = cli_json(capsys, "--db", real_db, "status", "--year", "2024", "--json")
    assert code == 0, err
    budgets = {r["region"]: r["budget"] for r in status["regions"]}
    assert provinces <= set(budgets)
    for a in out["allocations"]:
        if a["year"] == 2024:
            assert budgets[a["region"]] == pytest.approx(a["amount"], abs=0.01)
    monkeypatch.setenv("CARBON_BUDGET_DB", str(real_db))
    from tests.apptest_util import open_page, texts

    for page, word in (("weather", "北京"), ("rankings", "排名"), ("plan", "已批准")):
        at = open_page(page, "zh", timeout=120)
        assert not at.exception, (page, at.exception)
        assert word in texts(at) + " ".join(str(d.value.to_csv()) for d in at.dataframe), page
