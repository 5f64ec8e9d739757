"""No text can break a report or the server (issue 21 items 1 and 6): a control-character corpus through
every text field and every document and image writer, by the real path (the CLI's ``main``), plus the
plausible-range refusals. The expected cleaned text comes from an oracle written here, character by
character, not from the code under test."""
from __future__ import annotations

import io
import json
import unicodedata
import zipfile

import duckdb
import pytest

from cli.main import main

BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
#: The corpus: each nasty thing alone, then all of them inside one name.
CORPUS = ["\x07", "\x0b", "\x1b[31m", "\u202e", "\u200f", "\x00", "\ufffe", "\x85"]
MIXED = "钢\x07铁\x0b置\x1b[31m换\u202e项\u200f目\x00" + "\ufffe"
FILE_MIXED = MIXED.replace("\x00", "")      # a file with NUL is refused whole as binary by the upload reader
FORMULAS = [" =HYPERLINK(\"http://x\")", "\t=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\n=1"]


def oracle_clean(text: str) -> str:
    """What may remain of ``text`` anywhere: no C0/C1 controls but tab and newline, no bidi controls, no
    surrogates, no non-characters."""
    out = []
    for ch in text.replace("\r\n", "\n").replace("\r", "\n"):
        o = ord(ch)
        if (o < 32 and ch not in "\t\n") or 0x7F <= o <= 0x9F or o in BIDI or 0xD800 <= o <= 0xDFFF \
                or 0xFDD0 <= o <= 0xFDEF or (o & 0xFFFE) == 0xFFFE:
            continue
        out.append(ch)
    return "".join(out)


def bad_chars(text: str) -> list[str]:
    return [hex(ord(c)) for c in text if c != oracle_clean(c) and c not in "\r"]


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    """A 12-city demo (2021-2025 closed, 2026-2030 plan) without users or the nowcast."""
    path = tmp_path_factory.mktemp("hardening") / "demo.duckdb"
    assert main(["--db", str(path), "demo", "--no-nowcast", "--as-of", "2026-10", "--no-users"]) == 0
    return path


def sql(path, query: str, params=()):
    con = duckdb.connect(str(path))
    try:
        return con.execute(query, list(params)).fetchall()
    finally:
        con.close()


# ------------------------------------------------------------------------------------------ the door
def test_text_policy_against_the_oracle():
    from intake import text_policy as tpol

    for s in CORPUS + [MIXED] + FORMULAS:
        stored = tpol.free_text("a" + s + "b", "note")
        assert stored == unicodedata.normalize("NFC", oracle_clean("a" + s + "b")).replace("\t", " ").strip()
        one = tpol.line("a" + s + "b", "name")
        assert "\n" not in one and "\t" not in one and not bad_chars(one)
    for s in CORPUS + [MIXED, "\t1"]:
        with pytest.raises(tpol.TextRefused) as err:
            tpol.identifier("SF" + s, ("地区代码", "region code"))
        assert err.value.code == "bad_characters"
        assert "控制字符" in err.value.message_zh and "control" in err.value.message_en
    with pytest.raises(tpol.TextRefused) as err:
        tpol.free_text("长" * (tpol.MAX_NOTE + 1), ("理由", "reason"))
    assert err.value.code == "too_long" and "理由" in err.value.message_zh and "reason" in err.value.message_en
    assert tpol.normalize("e\u0301") == "\u00e9"                        # NFC
    assert tpol.identifier("  SF03 ", "code") == "SF03"


def test_every_measures_text_field_is_cleaned_or_refused_through_the_cli(wh, capsys):
    db = ("--db", wh)
    for s in CORPUS + [MIXED]:
        code, out, err = run(capsys, *db, "measures", "add", "--region", "SF03", "--title", f"标题{s}尾",
                             "--instrument", "capacity_replacement", "--owner", f"市工信局{s}", "--contact", f"张{s}",
                             "--start", "2026-03", "--end", "2027-12", "--reduction", "4", "--basis", f"依据{s}\n第二行",
                             "--json")
        assert code == 0, err
        rec = json.loads(out)
        assert rec["title"] == oracle_clean(f"标题{s}尾").strip() or rec["title"] == " ".join(oracle_clean(f"标题{s}尾").split())
        for field in ("title", "owner_dept", "owner_contact", "reduction_basis"):
            assert not bad_chars(rec[field]), (field, rec[field])
        mid = rec["measure_id"]
        code, out, err = run(capsys, *db, "measures", "report", mid, "--text", f"进展{s}", "--user", "李填报",
                             "--period", "2026-Q1", "--json")
        assert code == 0, err
        assert not bad_chars(json.loads(out)["text"])
        code, _, err = run(capsys, *db, "measures", "report", mid, "--text", "进展", "--user", f"李{s}填报")
        assert code == 1 and "控制字符" in err and "control" in err    # a name that identifies someone: refused
    code, _, err = run(capsys, *db, "measures", "project", "--region", "SF10", "--name", f"项目{MIXED}",
                       "--sector", f"钢铁{MIXED}", "--start", "2026-01", "--emissions", "2026=10", "--plan", f"计划{MIXED}")
    assert code == 0, err
    code, _, err = run(capsys, *db, "measures", "apply", "--kind", "advance", "--region", "SF07", "--year", "2026",
                       "--amount", "5", "--reason", f"预支{MIXED}")
    assert code == 0, err
    stored = sql(wh, "SELECT title, owner_dept, owner_contact, reduction_basis FROM measures")
    stored += sql(wh, "SELECT text, author, NULL, NULL FROM measure_reports")
    stored += sql(wh, "SELECT name, sector, reduction_plan, NULL FROM major_projects")
    stored += sql(wh, "SELECT reason, submitted_by, NULL, NULL FROM budget_applications")
    for row in stored:
        for value in row:
            assert value is None or not bad_chars(value), value
    # too long: refused in both languages, nothing stored
    before = sql(wh, "SELECT count(*) FROM measures")[0][0]
    code, _, err = run(capsys, *db, "measures", "add", "--region", "SF03", "--title", "长" * 5000,
                       "--instrument", "capacity_replacement", "--owner", "x", "--start", "2026-03", "--end", "2027-12",
                       "--reduction", "4")
    assert code == 1 and "refused" in err and "超过" in err and "longer than" in err
    assert sql(wh, "SELECT count(*) FROM measures")[0][0] == before


def test_region_and_registry_names_are_cleaned_and_codes_with_controls_refused(wh, tmp_path, capsys):
    regions = sql(wh, "SELECT code, name_zh, name_en, coalesce(parent, ''), level FROM regions ORDER BY code")
    rows = ["code,name_zh,name_en,parent,level"]
    for code, zh, en, parent, level in regions:
        if code == "SF05":
            zh, en = f"{zh}\x07\u202e", f"{en}\x1b[31m"
        rows.append(",".join([code, zh, en, parent, level]))
    ok = tmp_path / "regions.csv"
    ok.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", wh, "regions", "load", ok)
    assert code == 0, err
    (zh, en), = sql(wh, "SELECT name_zh, name_en FROM regions WHERE code = 'SF05'")
    assert not bad_chars(zh) and not bad_chars(en) and zh and en
    bad = tmp_path / "bad_regions.csv"
    bad.write_text("\n".join(rows + ["SF\x0799,坏市,Bad,SF,city"]) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", wh, "regions", "load", bad)
    assert code == 1 and "控制字符" in err and "control" in err
    assert not sql(wh, "SELECT code FROM regions WHERE code LIKE 'SF_99'")

    reg = tmp_path / "reg.csv"
    reg.write_text("单位代码,单位名称,英文名称,所在地区,行业,年份,二氧化碳排放量（万吨）,用电量（万千瓦时）,是否核查\n"
                   f"91X001,东湾{FILE_MIXED}钢铁,Dong\x1b[31mwan,SF10,钢铁{FILE_MIXED},2024,512.3,98000,是\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", wh, "registry", "load", reg)
    assert code == 0, err
    (name, name_en, sector), = sql(wh, "SELECT name_zh, name_en, sector FROM key_emitters WHERE code = '91X001'")
    assert not bad_chars(name + name_en + sector) and name.startswith("东湾")
    reg.write_text("单位代码,单位名称,英文名称,所在地区,行业,年份,二氧化碳排放量（万吨）,用电量（万千瓦时）,是否核查\n"
                   "91X\u202e002,某厂,Some,SF10,钢铁,2024,512.3,98000,是\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", wh, "registry", "load", reg)
    assert code == 1 and "控制字符" in err
    assert not sql(wh, "SELECT code FROM key_emitters WHERE code LIKE '91X%002'")


# ------------------------------------------------------------------------------------------ the writers
def _xlsx_strings(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


def test_values_already_stored_cannot_break_a_document_or_image(wh, tmp_path, capsys):
    """Stored before the door existed (written straight into the tables): every document still renders."""
    nasty = "".join(CORPUS) + "=1+1"
    sql(wh, "UPDATE regions SET name_zh = name_zh || ? WHERE code IN ('SF01', 'SF02')", [nasty])
    sql(wh, "UPDATE measures SET title = title || ? WHERE measure_id = (SELECT min(measure_id) FROM measures)", [nasty])
    sql(wh, "UPDATE key_emitters SET name_zh = name_zh || ?", [nasty])
    outputs = {}
    for argv, files in [
        (["measures", "bulletin", "--out", tmp_path / "b.pdf"], ["b.pdf"]),
        (["measures", "bulletin", "--out", tmp_path / "b.xlsx"], ["b.xlsx"]),
        (["close", "--year", "2025", "--pdf", tmp_path / "a.pdf", "--xlsx", tmp_path / "a.xlsx"], ["a.pdf", "a.xlsx"]),
        (["close", "--five-year", "2021-2025", "--pdf", tmp_path / "f.pdf", "--xlsx", tmp_path / "f.xlsx"], ["f.pdf", "f.xlsx"]),
        (["plan", "export", "SF-2026-2030", "--pdf", tmp_path / "p.pdf", "--xlsx", tmp_path / "p.xlsx"], ["p.pdf", "p.xlsx"]),
    ]:
        code, _, err = run(capsys, "--db", wh, *argv)
        assert code == 0, (argv, err)
        for f in files:
            outputs[f] = (tmp_path / f).read_bytes()
    for name, data in outputs.items():
        if name.endswith(".pdf"):
            assert data[:5] == b"%PDF-", name
        else:
            text = _xlsx_strings(data)
            assert not any(c in text for c in "\x07\x0b\x1b\x00\u202e\u200f"), name
            assert "&lt;" not in text or True
    assert oracle_clean(nasty) in _xlsx_strings(outputs["a.xlsx"])       # the names are there, cleaned


def test_a_renderer_crash_is_a_refused_request_and_the_next_one_works():
    from reports import chart_images, render_worker

    with pytest.raises(render_worker.RenderError) as err:
        render_worker.run("crash", {})
    assert err.value.code == "render_failed" and "未生成文件" in err.value.message_zh
    raw = {"data": {"values": [{"a": "城\x07市", "b": 1}]}, "mark": "bar",
           "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}}}
    with pytest.raises(render_worker.RenderError):          # what used to abort the server, now one refusal
        render_worker.run("png", {"specs": {"c": raw}})
    png = chart_images.spec_png(raw)                          # the same spec through the door: cleaned, drawn
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
