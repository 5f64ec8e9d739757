"""AppTest of 配额管理 / Allowances on the demo province (zh and en): the list, results, compliance with two short
units, the price excursion's proposal; forms refuse bad input with a clear message and change nothing."""
from __future__ import annotations

import shutil

import pytest

from tests.apptest_util import open_page, texts
from tests.conftest import file_digest
from warehouse import db, users


@pytest.fixture
def wh(demo_db, tmp_path):
    path = tmp_path / "wh.duckdb"
    shutil.copy(demo_db, path)
    users.add_user(path, "boss", "admin", "admin-pass-12")
    users.add_user(path, "ana", "analyst", "analyst-pass-1")
    return path


def _as(lang: str, name: str, role: str):
    from streamlit.testing.v1 import AppTest

    from tests.apptest_util import APP

    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = lang
    at.session_state["auth_user"] = {"name": name, "role": role}
    at.run()
    at.switch_page("app_pages/allowances.py")
    at.run()
    return at


@pytest.mark.parametrize("lang, title, labels, release", [
    ("zh", "配额管理", ("全国市场单位", "地方市场单位", "地方增列", "未足额/逾期单位"), "释放储备"),
    ("en", "Allowances", ("National-market units", "Local-market units", "Local additions", "Units short or overdue"),
     "Release from the reserve")])
def test_page_shows_the_allowance_year(demo_db, env_db, lang, title, labels, release):
    env_db(demo_db)
    at = open_page("allowances", lang, timeout=90)
    assert not at.exception
    assert at.title[0].value == title
    metrics = {m.label: m.value for m in at.metric}
    # the demo by construction: 12 power units in the national market, 2 local additions and 2 chemical plants in the
    # local one; two units (Meiquan unit 2, Dongwan) emit more than they hold
    assert [metrics[k] for k in labels] == ["12", "4", "2", "2"]
    frames = [d.value for d in at.dataframe]
    listing = frames[0]
    assert len(listing) == 16 and listing.columns.is_unique
    status_col = "履约状态" if lang == "zh" else "Status"
    comp = next(f for f in frames if status_col in f.columns and len(f) == 16)
    short = comp[comp[status_col] == ("未足额" if lang == "zh" else "short")]
    assert sorted(short[comp.columns[0]]) == ["PW0302", "PW1001"]
    kinds = set().union(*[set(f.iloc[:, 0]) for f in frames if len(f.columns)])
    assert release in kinds
    text = texts(at)
    assert "nan" not in text.lower().split() and "None" not in text
    cells = " ".join(" ".join(map(str, f.columns)) + " " + " ".join(map(str, f.to_numpy().ravel())) for f in frames)
    names = {"zh": ("明都市", "东湾市", "300MW等级以上常规燃煤机组"), "en": ("Mingdu", "Dongwan", "Conventional coal units, above the 300 MW class")}
    assert all(n in cells for n in names[lang])                       # the trade's cities and the products by name
    if lang == "zh":
        for word in ("coal_above_300", "national", "power", "system", "nan", "None"):
            assert word not in cells + text, word


def test_forms_refuse_bad_input_and_change_nothing(wh, env_db):
    env_db(wh)
    at = _as("en", "ana", "analyst")
    assert not at.exception
    before = file_digest(wh)
    at.selectbox(key="alw_sur_unit").set_value("PW0301")
    at.number_input(key="alw_sur_amount").set_value(99_000_000.0)
    at.button(key="alw_sur_go").click().run()
    assert any("cannot surrender" in e.value for e in at.error)
    assert file_digest(wh) == before
    assert not any(b.key == "alw_pre_go" for b in at.button)          # pre-allocation is an admin's
    at = _as("zh", "boss", "admin")
    at.button(key="alw_pre_go").click().run()                         # 2025 is pre-allocated already
    assert any("没有待预分配" in e.value for e in at.error)
    at.selectbox(key="alw_adv_unit").set_value("PW0302")
    at.number_input(key="alw_adv_amount").set_value(10_000_000.0)
    at.text_input(key="alw_adv_reason").input("缺口")
    at.button(key="alw_adv_go").click().run()
    assert any("超过上限" in e.value for e in at.error)
    at.number_input(key="alw_buy_amount").set_value(50_000_000.0)
    at.number_input(key="alw_buy_price").set_value(35.0)
    at.button(key="alw_buy_go").click().run()
    assert any("回购累计" in e.value and "超过上限" in e.value for e in at.error)
    assert file_digest(wh) == before


def test_an_analyst_records_a_surrender(wh, env_db):
    env_db(wh)
    from warehouse import allowances as astore

    with db.connect(wh) as con:
        held = astore.holdings(con, 2025).set_index("code").loc["PW0301"]   # a long unit: allowances left after surrender
    at = _as("zh", "ana", "analyst")
    assert "PW1001" not in at.selectbox(key="alw_sur_unit").options        # a short unit has no whole allowance left
    at.selectbox(key="alw_sur_unit").set_value("PW0301")
    at.number_input(key="alw_sur_amount").set_value(1000.0)
    at.button(key="alw_sur_go").click().run()
    assert not at.exception and not at.error
    with db.connect(wh) as con:
        after = astore.holdings(con, 2025).set_index("code").loc["PW0301"]
    assert after["surrendered"] == held["surrendered"] + 1000.0
