"""Defusing and cleaning text that leaves the product (reports/safe_text.py): no outside tool needed.

Every expected string is written out by hand. Edges: a formula character after leading spaces, after a
tab or CR, after control characters that ``clean`` removes; signed numbers that must stay numbers; text
column names; CRLF rows; a terminal's escape sequences.
"""
from __future__ import annotations

import io

import pandas as pd

from reports import safe_text, xlsx


def test_defuse_prefixes_formulas_and_keeps_numbers():
    assert safe_text.defuse("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert safe_text.defuse("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0"
    assert safe_text.defuse("@SUM(A1)") == "'@SUM(A1)"
    assert safe_text.defuse("|x") == "'|x" and safe_text.defuse("%x") == "'%x"
    assert safe_text.defuse("-3.5") == "-3.5" and safe_text.defuse(-3.5) == -3.5
    assert safe_text.defuse("+26.2%") == "+26.2%" and safe_text.defuse(" -3 ") == " -3 "
    assert safe_text.defuse("-1,234.5 万吨") == "'-1,234.5 万吨"   # a number with a unit is text
    assert safe_text.defuse("-") == "'-"                          # a sign alone is not a number
    assert safe_text.defuse("钢城市") == "钢城市"
    assert safe_text.defuse("") == "" and safe_text.defuse(None) is None and safe_text.defuse(7) == 7


def test_defuse_sees_a_formula_behind_whitespace_and_control_characters():
    assert safe_text.defuse("  =1+1") == "'  =1+1"                 # leading spaces
    assert safe_text.defuse("\u3000=1") == "'\u3000=1"            # ideographic space is whitespace too
    assert safe_text.defuse("\tabc") == "'\tabc"                  # a leading tab is itself a trigger
    assert safe_text.defuse("\tab") == "'\tab"
    assert safe_text.defuse("\r=1") == "'\n=1"                    # CR triggers, then becomes a newline
    assert safe_text.defuse("\rabc") == "'\nabc"                  # a leading CR triggers whatever follows
    assert safe_text.defuse("\t-3") == "'\t-3"                    # a tab before a number: not a plain number
    assert safe_text.defuse("\x07=1") == "'=1"                    # the bell is removed, the formula remains
    assert safe_text.defuse("\x00\x1b=cmd") == "'=cmd"
    assert safe_text.defuse("\x00 \t=cmd") == "' \t=cmd"
    assert safe_text.defuse("a=1") == "a=1" and safe_text.defuse("x-3") == "x-3"


def test_clean_removes_controls_bidi_surrogates_and_noncharacters():
    assert safe_text.clean("a\r\nb\rc") == "a\nb\nc"
    assert safe_text.clean("a\r\r\nb") == "a\n\nb"
    assert safe_text.clean("x\x07\x1b[31my\x7f\x85") == "x[31my"
    assert safe_text.clean("\u202eevil\u200f\u2066") == "evil"
    assert safe_text.clean("a\ud800b\ufdd0c\U0001fffed\uffff") == "abcd"
    assert safe_text.clean("tab\tand\nnewline stay") == "tab\tand\nnewline stay"
    assert safe_text.clean("中文 ok") == "中文 ok"
    assert safe_text.clean(5) == 5 and safe_text.clean(None) is None
    assert safe_text.terminal("\x1b[31mred\x07 alert\u202e") == "[31mred alert"


def test_frames_and_csv_bytes_are_defused_cell_by_cell_and_by_column_name():
    frame = pd.DataFrame({"=bad": ["=1+1", "甲市", None], "n": [1, 2, 3], "s": ["-2", "@x", " +1"]})
    out = safe_text.defuse_frame(frame)
    assert list(out.columns) == ["'=bad", "n", "s"]
    assert out["'=bad"].tolist()[:2] == ["'=1+1", "甲市"] and out["'=bad"].isna().tolist() == [False, False, True]
    assert out["n"].tolist() == [1, 2, 3] and str(out["n"].dtype) == "int64"
    assert out["s"].tolist() == ["-2", "'@x", " +1"]
    assert frame.columns[0] == "=bad" and frame.iloc[0, 0] == "=1+1"   # a copy: the input is untouched
    assert safe_text.defuse_frame(pd.DataFrame({0: ["=x"]})).columns.tolist() == [0]
    mixed = safe_text.defuse_frame(pd.DataFrame({"m": ["=x", 5, None]}, dtype=object))   # text among numbers
    assert mixed["m"].tolist()[:2] == ["'=x", 5]
    data = safe_text.to_csv_bytes(pd.DataFrame({"a": ["=2", "中"], "b": [1.5, 2.0]}))
    assert data == "\ufeffa,b\n'=2,1.5\n中,2.0\n".encode("utf-8")
    rows = safe_text.rows_csv_bytes([["城市", "=b"], [1, "-2"], ["+x", None]])
    assert rows == b"\xef\xbb\xbf" + "城市,'=b\r\n1,-2\r\n'+x,\r\n".encode("utf-8")


def test_write_csv_to_a_stream_and_to_standard_output(capsys):
    buf = io.StringIO()
    safe_text.write_csv(pd.DataFrame({"a": ["=1", "ok"]}), buf)
    assert buf.getvalue() == "a\n'=1\nok\n"
    safe_text.write_csv(pd.DataFrame({"x": ["@y"], "z": [1]}), sep=";")
    assert capsys.readouterr().out == "x;z\n'@y;1\n"


def test_workbook_defuses_every_text_cell():
    from openpyxl import load_workbook

    data = xlsx.workbook({"分配/表[1]": pd.DataFrame({"地区": ["=1+1", "甲市"], "预算": [1.5, 2.0]})})
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "分配_表_1_"
    assert ws["A2"].value == "'=1+1" and ws["A3"].value == "甲市" and ws["B2"].value == 1.5
    assert safe_text.to_csv_bytes(pd.DataFrame({"a": ["=2"]})).decode("utf-8-sig").splitlines()[1] == "'=2"
