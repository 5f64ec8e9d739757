"""Walk every page of the app on the demo province in Chinese and in English, as an official would, and fail
on any word shown in the wrong language or any "nan"/"None" shown: texts, widget labels and options,
metric labels and values, table headers and cells, chart titles, legends and labels.

In Chinese, an English word may only appear where it is a proper name or a standard abbreviation
(ALLOWED_ASCII) or inside `code` (CLI commands); raw identifiers (region, change_pct, sha256 …) are
called out by name. In English, Chinese characters may only appear in data: region names, file names.
"""
from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from services import actions
from tests.apptest_util import APP
from warehouse import db, queries, users

#: identifiers that once reached the screen raw (issue 8): a header or word equal to one of these fails
RAW_IDENTIFIERS = {"region", "period", "indicator", "kind", "value", "old", "new", "change_pct", "sha256", "rows_in",
                   "rows_loaded", "rows_rejected", "value_a", "value_b", "diff", "diff_pct", "in_a", "in_b", "key",
                   "problem_en", "problem_zh", "fix_en", "fix_zh", "year_from", "year_to", "co2_per_unit", "factor_unit",
                   "source", "batch_id", "created_at", "created_by", "origin", "source_name", "status", "note",
                   "loaded", "partial", "rolled_back", "statistical", "estimated", "projected", "upload", "demo",
                   "accounting", "nowcast", "system", "unit", "March", "May", "Choose", "options", "Drag", "Browse",
                   "Select", "all", "Upload", "empty"}
#: ASCII words that are fine in the Chinese UI: standard abbreviations, product and format names, unit symbols
ALLOWED_ASCII = {"CO", "MAPE", "APE", "LightGBM", "CSV", "PNG", "PDF", "Excel", "XLSX", "xlsx", "csv", "SHA", "GDP",
                 "MB", "GJ", "TJ", "tC", "GB", "T", "m", "MWh", "kWh", "A", "B", "Q", "LMDI", "YYYY", "MM", "Qn",
                 "Carbon", "Monitor",  # Carbon Monitor: the name of a data source
                 "MW", "K", "p", "v",  # megawatt; the carbon-efficiency value K; a p-value; a plan version tag (v2)
                 "Diebold", "Mariano",  # the Diebold–Mariano test, named after its authors
                 "CO2e", "CH4", "N2O", "HFCs", "PFCs", "SF6", "NF3", "CF4", "C2F6"}  # greenhouse gases' formulas
NAN = re.compile(r"(?<![A-Za-z])(nan|NaN|None|NaT|<NA>|null|undefined)(?![A-Za-z])")
#: Streamlit or Python internals that must never reach the screen (issue 22: a DeltaGenerator docstring under a heading)
INTERNALS = re.compile(r"DeltaGenerator|docstring|Traceback \(most recent|streamlit\.|object at 0x|dtype: |Name: \w+, dtype")
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
PAGES = ["weather", "city", "rankings", "alerts", "overview", "accuracy", "upload", "batches"]
UPLOAD = ("地区,时期,指标,数值,单位\n钢城市,2026-10,全社会用电量,4.2,亿千瓦时\n石岭市,2026-05,原煤消费量,1500000,吨\n"
          "铁城市,2026-10,全社会用电量,3,亿千瓦时\n").encode("utf-8")


# ----------------------------------------------------------------- what is on screen

def _strip_markup(text: str) -> str:
    text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"`[^`]*`", " ", text)  # CLI commands and code are code, not UI words
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    return re.sub(r"\*\*|__", "", text)


def _arrow_frame(arrow) -> pd.DataFrame:
    return dataframe_util.convert_arrow_bytes_to_pandas_df(arrow.data) if arrow.data else pd.DataFrame()


def _chart_texts(spec: dict) -> list[str]:
    """Titles, subtitles, legend and axis titles, text marks' constant text of a Vega-Lite spec."""
    out = []

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("title", "subtitle", "text") and isinstance(v, str):
                    out.append(v)
                elif k in ("title", "subtitle") and isinstance(v, list):
                    out.extend(str(x) for x in v)
                elif k in ("title",) and isinstance(v, dict) and isinstance(v.get("text"), (str, list)):
                    out.extend([v["text"]] if isinstance(v["text"], str) else list(v["text"]))
                    if isinstance(v.get("subtitle"), str):
                        out.append(v["subtitle"])
                elif k == "scale" and isinstance(v, dict) and isinstance(v.get("domain"), list):
                    if node.get("legend", {}) is not None:  # a scale without a legend shows no words
                        out.extend(x for x in v["domain"] if isinstance(x, str))
                else:
                    walk(v, k)
        elif isinstance(node, list):
            for x in node:
                walk(x, key)

    walk(spec)
    return out


def _temporal_axes(spec: dict) -> list[dict]:
    """Every x encoding of type temporal in the spec (layers included)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            enc = node.get("encoding")
            if isinstance(enc, dict) and isinstance(enc.get("x"), dict) and enc["x"].get("type") == "temporal":
                found.append(enc["x"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for x in node:
                walk(x)

    walk(spec)
    return found


def screen(at: AppTest) -> dict[str, list]:
    """texts (words on screen), headers (table column names), cells (table cells), charts (specs)."""
    got = {"texts": [], "headers": [], "cells": [], "charts": [], "chart_cells": [], "internals": []}

    def node_walk(node):
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                node_walk(child)
        kind = getattr(node, "type", None)
        proto = getattr(node, "proto", None)
        if proto is None or kind is None:
            return
        if kind in ("dataframe", "arrow_data_frame", "table"):
            frame = node.value
            got["headers"] += [str(c) for c in frame.columns]
            for col in frame.columns:
                got["cells"] += [(str(col), v) for v in frame[col].tolist()]
            return
        if kind in ("vega_lite_chart", "arrow_vega_lite_chart"):
            spec = json.loads(proto.spec)
            got["charts"].append(spec)
            got["texts"] += _chart_texts(spec)
            for ds in list(proto.datasets):
                frame = _arrow_frame(ds.data)
                for col in frame.columns:
                    if frame[col].dtype == object:
                        got["chart_cells"] += [v for v in frame[col].tolist() if isinstance(v, str)]
            return
        if kind in ("help_info", "doc_string", "help", "exception"):  # internals printed on the page (a bare expression)
            got["internals"].append(f"{kind}: {str(proto)[:80]!r}")
            return
        if kind == "multiselect":  # Streamlit's English defaults in the list: a placeholder and a "Select all" row
            if not getattr(proto, "placeholder", ""):
                got["internals"].append(f"multiselect {getattr(proto, 'label', '')!r} left to the default placeholder 'Choose options'")
            if getattr(proto, "select_all", 0):
                got["internals"].append(f"multiselect {getattr(proto, 'label', '')!r} offers Streamlit's English 'Select all'")
        if kind in ("selectbox",) and getattr(proto, "index", 0) < 0 and not getattr(proto, "placeholder", ""):
            got["internals"].append(f"selectbox {getattr(proto, 'label', '')!r} left to the default placeholder 'Choose an option'")
        if kind == "tab":
            got["texts"].append(str(proto.label) if hasattr(proto, "label") else "")
        for field in ("label", "body", "help", "placeholder", "delta", "caption"):
            value = getattr(proto, field, None)
            if isinstance(value, str) and value:
                got["texts"].append(value)
        options = getattr(proto, "options", None)
        if options is not None and not isinstance(options, str):
            got["texts"] += [str(o) for o in options]
        if kind == "block" and getattr(proto, "expandable", None) is not None and proto.HasField("expandable"):
            got["texts"].append(proto.expandable.label)

    node_walk(at._tree)
    return got


def problems(at: AppTest, lang: str, data_words: set[str]) -> list[str]:
    """Every wrong-language word or nan/None on screen, as 'where: what'."""
    got = screen(at)
    bad = [f"raw internals on screen: {x}" for x in got["internals"]]
    texts = [_strip_markup(x) for x in got["texts"]] + got["headers"] + [x for x in got["chart_cells"]]
    cells = [v for _, v in got["cells"]]
    for col, v in got["cells"]:
        if v is None or (isinstance(v, float) and v != v) or v is pd.NA or v is pd.NaT:
            bad.append(f"missing value shown as None in column {col!r}")
    for text in texts + [str(v) for v in cells if isinstance(v, str)]:
        if NAN.search(text):
            bad.append(f"nan/None shown: {text[:120]!r}")
        if INTERNALS.search(text):
            bad.append(f"raw internals on screen: {text[:120]!r}")
    for header in got["headers"]:
        if header in RAW_IDENTIFIERS or re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", header):
            bad.append(f"raw column header: {header!r}")
    if lang == "zh":
        for text in texts + [str(v) for v in cells if isinstance(v, str)]:
            cleaned = text
            for w in sorted(data_words, key=len, reverse=True):
                cleaned = cleaned.replace(w, " ")
            cleaned = re.sub(r"\b[0-9a-f]{64}\b", " ", cleaned)
            words = re.findall(r"[A-Za-z][A-Za-z0-9_]*", cleaned)
            wrong = [w for w in words if w not in ALLOWED_ASCII and re.sub(r"\d+$", "", w) not in ALLOWED_ASCII and not re.fullmatch(r"[A-Z]{1,3}\d+", w)
                     and not re.fullmatch(r"[0-9a-f]{16,}", w)]  # a file's SHA-256 fingerprint is data
            if wrong:
                bad.append(f"English in the Chinese UI: {wrong[:6]} in {text[:120]!r}")
        for spec in got["charts"]:
            for x in _temporal_axes(spec):
                expr = (x.get("axis") or {}).get("labelExpr", "")
                if "月" not in expr:
                    bad.append(f"chart month labels left to Vega's English default (axis {x.get('axis')})")
    else:
        for text in texts + [str(v) for v in cells if isinstance(v, str)]:
            cleaned = text
            for w in sorted(data_words, key=len, reverse=True):
                cleaned = cleaned.replace(w, " ")
            if CJK.search(cleaned):
                bad.append(f"Chinese in the English UI: {cleaned[:120]!r}")
    return sorted(set(bad))


# ----------------------------------------------------------------- the walk

@pytest.fixture(scope="module")
def walk_db(demo_db, tmp_path_factory):
    """A copy of the demo with an analyst, one upload (with a rejected row) and its refresh done."""
    path = tmp_path_factory.mktemp("walk") / "walk.duckdb"
    shutil.copy(demo_db, path)
    users.add_user(path, "ana", "analyst", "analyst-pass-1")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CARBON_BUDGET_DB", str(path))
        result = actions.commit_upload(str(path), "ana", UPLOAD, "季度数据.csv", accept_valid_rows=True)
        assert result.ok, result
        job = actions.wait_refresh(str(path), timeout=600)
        assert job is not None and job.ok, job and job.error
    return path


@pytest.fixture(scope="module")
def data_words(walk_db):
    """Words that are data, not UI, in either language: region names and codes, file and user names."""
    with db.connect(walk_db) as con:
        regions = queries.regions(con)
        batches = queries.batches(con)
    words = set(regions["code"]) | set(regions["name_zh"]) | set(regions["name_en"])
    words |= {s for s in batches["source_name"] if isinstance(s, str)} | {"ana", "second.csv"}
    words |= {"铁城市", "地区", "数值"}  # the uploaded file's own region name and headers, quoted in its report
    words |= {"语言 / Language", "English", "中文"}  # the language switch names both languages on purpose
    from demo_province.users_demo import DEMO_USERS  # people's names are data: the demo's accounts and authors

    words |= {name for name, *_ in DEMO_USERS}
    with db.connect(walk_db) as con:  # the people: who raised, answered, filed (issue 17) are named as they are
        words |= {str(n) for n in con.execute("SELECT name FROM users").fetchnumpy()["name"]}
    try:  # measures are named by the city reporter who enters them, in their own words
        with db.connect(walk_db) as con:
            words |= {str(n) for n in con.execute("SELECT DISTINCT title FROM measures").fetchnumpy()["title"]}
    except Exception:  # noqa: BLE001 - no measures table in this warehouse
        pass
    return words


def _batch_ids(path, origin: str) -> list[int]:
    with db.connect(path) as con:
        b = queries.batches(con)
    return [int(x) for x in b.loc[b["origin"] == origin, "batch_id"]]


ADMIN_PAGES = {"admin": "admin", "approvals": "admin"}  # pages registered only for these roles (issue 22)


def _open(path, page: str, lang: str, state: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = lang
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.session_state["auth_user"] = {"name": "ana", "role": ADMIN_PAGES.get(page, "analyst")}
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    return at.run()


def _views(path, page: str, lang: str) -> list[AppTest]:
    """The page as opened, then in the states an official reaches on it (each a fresh look at the screen)."""
    at = _open(path, page, lang)
    assert not at.exception, f"{page}: {at.exception}"
    views = [problems_of(at, lang)]
    if page == "city":  # a red city: its alert, policy mix and ledger; then the province itself
        for code in ("SF10", "SF"):
            at.selectbox(key="cd_region").set_value(code).run()
            views.append(problems_of(at, lang))
    elif page == "rankings":  # each metric and the presentation mode, as a fresh session (AppTest would format a
        # changed radio's value in the test thread's language, not the session's)
        for metric, big in (("intensity_change", False), ("yoy_change", False), ("p_overspend", True)):
            other = _open(path, page, lang, {"rk_metric": metric, "rk_big": big})
            assert not other.exception, f"{page} {metric}: {other.exception}"
            views.append(problems_of(other, lang))
    elif page == "upload":  # a file with a problem: the check's summary and report
        at.file_uploader(key="up_file").set_value(("second.csv", UPLOAD.replace(b"4.2", b"4.3"), "text/csv")).run()
        at.button(key="up_check").click().run()
        views.append(problems_of(at, lang))
    elif page == "batches":  # the upload's own report (with the rejected row) and its rows
        at.selectbox(key="bh_pick").set_value(_batch_ids(path, "upload")[0]).run()
        views.append(problems_of(at, lang))
    elif page == "overview":
        at.selectbox(key="ov_year").set_value(at.selectbox(key="ov_year").options[-1]).run()
        views.append(problems_of(at, lang))
    assert not at.exception, f"{page}: {at.exception}"
    return views


def _other_pages() -> list[str]:
    """Pages app.py registers beyond the eight walked in detail (every page is walked)."""
    import pathlib

    listed = re.findall(r'st\.Page\("app_pages/(\w+)\.py"', pathlib.Path(APP).read_text(encoding="utf-8"))
    return [p for p in listed if p not in PAGES]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_speaks_one_language_and_shows_no_nan(walk_db, data_words, page, lang, monkeypatch):
    monkeypatch.setenv("CARBON_BUDGET_DB", str(walk_db))
    global _DATA_WORDS
    _DATA_WORDS = data_words
    found = sorted({p for view in _views(walk_db, page, lang) for p in view})
    assert not found, f"{page} ({lang}):\n" + "\n".join(found)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_other_page_too(walk_db, data_words, lang, monkeypatch):
    monkeypatch.setenv("CARBON_BUDGET_DB", str(walk_db))
    global _DATA_WORDS
    _DATA_WORDS = data_words
    found = {}
    for page in _other_pages():
        at = _open(walk_db, page, lang)
        got = ([f"exception: {at.exception[0].message}"] if at.exception else []) + problems_of(at, lang)
        if got:
            found[page] = sorted(set(got))
    assert not found, "\n".join(f"{page} ({lang}): {p}" for page, ps in found.items() for p in ps)


_DATA_WORDS: set[str] = set()


def problems_of(at: AppTest, lang: str) -> list[str]:
    return problems(at, lang, _DATA_WORDS)


def test_the_walk_catches_what_it_promises():
    """The checker itself: raw headers, nan cells, English words in zh, Chinese in en all fail."""
    at = AppTest.from_string(
        "import streamlit as st, pandas as pd\n"
        "st.dataframe(pd.DataFrame({'change_pct': [1.0, float('nan')], '城市': ['Choose options', None]}))\n"
        "st.write('预算 loaded')\n")
    at.run()
    zh = "\n".join(problems(at, "zh", set()))
    assert "raw column header: 'change_pct'" in zh
    assert "missing value shown as None" in zh
    assert "English in the Chinese UI" in zh and "loaded" in zh
    en = "\n".join(problems(at, "en", set()))
    assert "Chinese in the English UI" in en
    at = AppTest.from_string(  # internals and widget defaults (issue 22)
        "import streamlit as st\n"
        "st.write(st.container())\n"
        "st.multiselect('城市', ['甲', '乙'])\n"
        "st.caption('<NA> 与 NaT')\n")
    at.run()
    zh = "\n".join(problems(at, "zh", set()))
    assert "raw internals on screen: help_info" in zh  # the DeltaGenerator docstring
    assert "Choose options" in zh and "Select all" in zh
    assert "nan/None shown" in zh
