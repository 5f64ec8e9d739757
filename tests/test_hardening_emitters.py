"""Every CSV and xlsx the product emits goes through the one defusing rule (issue 21 item 4).

Two walks: the source (every ``to_csv`` / ``to_excel`` / ``csv.writer`` / openpyxl ``Workbook`` in the
product must write a frame that ``defuse_frame`` made, or live in a module that defuses every cell),
and the outputs (formula-like text stored through the doors — a region name, an emitter name, a
ledger reason, a measure title — comes out of every CSV and xlsx emitter as text, the CLI's stdout
included)."""
from __future__ import annotations

import ast
import csv
import io
import re
from pathlib import Path

import duckdb
import pytest

from cli.main import main

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = [p for p in ROOT.rglob("*.py")
           if not any(part in {".venv", "tests", "benchmarks", "build", ".git"} for part in p.relative_to(ROOT).parts)]
#: Modules that write CSV rows or openpyxl cells one by one, each cell through ``defuse`` (checked below).
CELL_WRITERS = {"reports/safe_text.py", "intake/templates.py", "intake/region_list.py", "publication/site.py"}
FORMULA = re.compile(r"^\s*[=+\-@]")
SIGNED_NUMBER = re.compile(r"^\s*[+-]?[\d,]*\.?\d+%?\s*$")


def _emitter_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in ("to_csv", "to_excel"):
                yield node, name
            elif name == "writer" and isinstance(node.func.value, ast.Name) and node.func.value.id == "csv":
                yield node, "csv.writer"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Workbook":
            yield node, "Workbook"


def test_every_emitter_in_the_source_defuses():
    offenders = []
    for path in PRODUCT:
        rel = path.relative_to(ROOT).as_posix()
        src = path.read_text(encoding="utf-8")
        for node, kind in _emitter_calls(ast.parse(src)):
            receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
            defused_frame = (isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name)
                             and receiver.func.id == "defuse_frame")
            if kind in ("to_csv", "to_excel") and (defused_frame or rel == "reports/safe_text.py"):
                continue
            if kind in ("csv.writer", "Workbook") and rel in CELL_WRITERS and "defuse(" in src:
                continue
            offenders.append(f"{rel}:{node.lineno} {kind}")
    assert not offenders, ("write CSV with reports.safe_text.write_csv / to_csv_bytes / rows_csv_bytes and xlsx "
                           f"with reports.xlsx.workbook, or defuse every cell: {offenders}")


def _run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def live_formulas(cells) -> list[str]:
    """Text cells a spreadsheet would run: formula-like and not prefixed by the apostrophe."""
    return [c for c in cells if isinstance(c, str) and FORMULA.match(c) and not SIGNED_NUMBER.match(c)
            and not c.startswith("'")]


def csv_cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row]


def xlsx_cells(data: bytes) -> list:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    return [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]


PAYLOADS = {"region": '=HYPERLINK("http://evil","点我")', "emitter": "+cmd|' /C calc'!A0", "reason": "@SUM(A1:A9)",
            "title": "-2+3 钢铁", "tabbed": "\t=1+1"}


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("emitters")
    path = tmp / "demo.duckdb"
    assert main(["--db", str(path), "demo", "--no-nowcast", "--as-of", "2026-10", "--no-users"]) == 0
    con = duckdb.connect(str(path))
    try:   # formula-like names through the doors (text is allowed in; it is defused on the way out)
        rows = con.execute("SELECT code, name_zh, name_en, coalesce(parent, ''), level FROM regions ORDER BY code").fetchall()
    finally:
        con.close()
    lines = ["code,name_zh,name_en,parent,level"]
    for code, zh, en, parent, level in rows:
        if code == "SF05":
            zh = PAYLOADS["region"].replace('"', '""')
            zh = f'"{zh}"'
        lines.append(",".join([code, zh, en, parent, level]))
    (tmp / "regions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["--db", str(path), "regions", "load", str(tmp / "regions.csv")]) == 0
    (tmp / "reg.csv").write_text("单位代码,单位名称,英文名称,所在地区,行业,年份,二氧化碳排放量（万吨）,用电量（万千瓦时）,是否核查\n"
                                 f"91Z001,\"{PAYLOADS['emitter']}\",Evil,SF10,钢铁,2024,512.3,98000,是\n", encoding="utf-8")
    assert main(["--db", str(path), "registry", "load", str(tmp / "reg.csv")]) == 0
    assert main(["--db", str(path), "budget", "entry", "--type", "transfer", "--year", "2027", "--amount", "1",
                 "--from", "SF01", "--to", "SF02", "--reason", PAYLOADS["reason"], "--user", "张管理"]) == 0
    assert main(["--db", str(path), "measures", "add", "--region", "SF03", "--title", PAYLOADS["title"], "--owner",
                 PAYLOADS["tabbed"], "--instrument", "capacity_replacement", "--start", "2026-03", "--end", "2027-12",
                 "--reduction", "4"]) == 0
    return path


def test_cli_csv_on_stdout_is_defused(wh, tmp_path, capsys):
    seen = {}
    for argv, payload in [(["budget", "ledger"], "reason"), (["registry", "list"], "emitter"),
                          (["export", "--region", "SF05"], None)]:
        code, out, err = _run(capsys, "--db", wh, *argv)
        assert code == 0, err
        cells = csv_cells(out)
        assert not live_formulas(cells), (argv, live_formulas(cells)[:5])
        seen[argv[0]] = cells
        if payload:
            assert "'" + PAYLOADS[payload] in cells, argv
    code, _, err = _run(capsys, "--db", wh, "export", "--out", tmp_path / "e.csv")
    assert code == 0, err
    assert not live_formulas(csv_cells((tmp_path / "e.csv").read_text(encoding="utf-8")))


def test_documents_and_downloads_are_defused(wh, tmp_path, capsys):
    from intake import region_list, templates
    from reports.safe_text import to_csv_bytes
    from warehouse import db, queries

    outputs = {}
    for argv, name in [(["measures", "bulletin", "--out", tmp_path / "b.xlsx"], "b.xlsx"),
                       (["plan", "export", "SF-2026-2030", "--xlsx", tmp_path / "p.xlsx"], "p.xlsx"),
                       (["close", "--year", "2025", "--xlsx", tmp_path / "a.xlsx"], "a.xlsx")]:
        code, _, err = _run(capsys, "--db", wh, *argv)
        assert code == 0, (argv, err)
        outputs[name] = xlsx_cells((tmp_path / name).read_bytes())
    with db.connect(wh) as con:
        regions = queries.regions(con)
    outputs["regions.csv"] = csv_cells(region_list.regions_csv(regions, "zh").decode("utf-8-sig"))
    outputs["template.xlsx"] = xlsx_cells(templates.template_long("xlsx", "zh", regions))
    outputs["download.csv"] = csv_cells(to_csv_bytes(regions).decode("utf-8-sig"))
    for name, cells in outputs.items():
        assert not live_formulas(cells), (name, live_formulas(cells)[:5])
    assert "'" + PAYLOADS["region"] in outputs["regions.csv"]
    assert any(isinstance(c, str) and c.startswith("'" + PAYLOADS["title"]) for c in outputs["b.xlsx"])
