"""The publication room (pure): notices → static pages and CSV; escaping, languages, corrections, accessibility
basics. Expected values are written by hand here, never read from the code under test."""
from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest

from publication import site, style

PROVINCE = {"zh": "测试省", "en": "Test Province"}
EVIL = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def _notice(nid: int, number: str, corrects=None, title_zh="方案", cell="甲市", value=120.5):
    return {"notice_id": nid, "number": number, "subject": "plan:P-2026-2030", "kind": "plan", "title_zh": title_zh,
            "title_en": "Plan", "published_at": "2026-03-01 10:00:00", "corrects": corrects,
            "content": {"date": "2026-02-28", "issuer": {"zh": "测试省生态环境厅", "en": "Dept"}, "approver": {"zh": "测试省人民政府", "en": "Gov"},
                        "facts": [{"zh": "总量", "en": "Total", "value": 1234.5}], "paragraphs": [{"zh": "说明", "en": "Note"}],
                        "tables": [{"id": "alloc", "caption": {"zh": "分配", "en": "Allocation"},
                                    "columns": [{"key": "region", "zh": "地区", "en": "Region"},
                                                {"key": "amount", "zh": "数量", "en": "Amount", "num": True, "digits": 1}],
                                    "rows": [{"region": {"zh": cell, "en": "Jia"}, "amount": value},
                                             {"region": {"zh": "乙市", "en": "Yi"}, "amount": -30.0}],
                                    "chart": {"label": "region", "value": "amount"}}]}}


class _Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings, self.tags, self.html_lang, self.tables, self.captions, self.th_scopes = [], [], None, 0, 0, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.html_lang = a.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self.tables += 1
        if tag == "caption":
            self.captions += 1
        if tag == "th":
            self.th_scopes.append(a.get("scope"))


def _outline(data: bytes) -> _Outline:
    p = _Outline()
    p.feed(data.decode("utf-8"))
    return p


def test_everything_is_escaped_and_no_script_is_shipped():
    files = site.render([_notice(1, "2026-001", title_zh=EVIL, cell=EVIL)], PROVINCE, "2026-03-01")
    for name, data in files.items():
        if not name.endswith(".html"):
            continue  # CSV holds the text as data (defused for spreadsheets, below)
        text = data.decode("utf-8")
        assert "<script" not in text.lower() and "<img" not in text.lower(), name
    page = files["notices/2026-001.html"].decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&quot;&gt;" in page


def test_csv_is_defused_and_keeps_numbers():
    files = site.render([_notice(1, "2026-001", cell="=HYPERLINK(\"http://x\")")], PROVINCE, "g")
    rows = list(csv.reader(io.StringIO(files["csv/2026-001-alloc.csv"].decode("utf-8-sig"))))
    assert rows[0] == ["地区", "数量"]
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")" and float(rows[1][1]) == 120.5
    en = list(csv.reader(io.StringIO(files["csv/2026-001-alloc.en.csv"].decode("utf-8-sig"))))
    assert en[0] == ["Region", "Amount"] and en[2] == ["Yi", "-30.0"]


def test_chinese_first_english_alternate_linked_both_ways():
    files = site.render([_notice(1, "2026-001")], PROVINCE, "g")
    zh, en = files["notices/2026-001.html"].decode(), files["en/notices/2026-001.html"].decode()
    assert _outline(files["index.html"]).html_lang == "zh-CN" and _outline(files["en/index.html"]).html_lang == "en"
    assert 'hreflang="en" href="../en/notices/2026-001.html"' in zh
    assert 'hreflang="zh-CN" href="../../notices/2026-001.html"' in en
    assert "测试省碳预算公示〔2026〕1号" in zh and "Test Province carbon budget notice 2026 No. 1" in en
    assert "1,234.5" in zh and "审定机关：测试省人民政府" in zh


def test_a_correction_names_the_notice_it_corrects_and_the_old_one_says_so():
    files = site.render([_notice(1, "2026-001"), _notice(2, "2026-002", corrects=1, title_zh="更正：方案", value=99.0)], PROVINCE, "g")
    new, old = files["notices/2026-002.html"].decode(), files["notices/2026-001.html"].decode()
    assert "本公示更正 测试省碳预算公示〔2026〕1号" in new and 'href="2026-001.html"' in new
    assert "已被 测试省碳预算公示〔2026〕2号 更正" in old and 'href="2026-002.html"' in old
    index = files["index.html"].decode()
    assert index.index("2026-002.html") < index.index("2026-001.html")  # newest first


def test_pages_have_one_h1_headings_in_order_captions_and_header_cells():
    files = site.render([_notice(1, "2026-001")], PROVINCE, "g")
    for name in ("index.html", "en/index.html", "notices/2026-001.html", "en/notices/2026-001.html"):
        o = _outline(files[name])
        assert o.headings.count(1) == 1 and o.headings[0] == 1, name
        assert all(b - a <= 1 for a, b in zip(o.headings, o.headings[1:])), (name, o.headings)  # no level skipped
        assert o.tables == o.captions
        assert all(s in ("col", "row") for s in o.th_scopes)
        text = files[name].decode()
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
        assert 'href="#main"' in text and '<main id="main"' in text
    page = files["notices/2026-001.html"].decode()
    assert 'role="img"' in page and 'aria-hidden="true"' in page and "图示数据见下表" in page  # the table is the chart's alternative


def _luminance(hex_colour: str) -> float:
    chans = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in chans]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


@pytest.mark.parametrize("colour", [style.TEXT_COLOR, style.MUTED_COLOR, style.LINK_COLOR, style.ACCENT])
def test_text_colours_reach_7_to_1_on_white(colour):
    ratio = (1.05) / (_luminance(colour) + 0.05)  # WCAG 2 contrast against #ffffff (luminance 1)
    assert ratio >= 7.0, (colour, ratio)


def test_sizes_follow_the_readers_text_size():
    css = style.CSS
    assert not re.search(r"font-size:\s*\d+px", css)  # rem / % only
    assert ":focus-visible" in css and "@media (max-width" in css


def test_empty_site_says_so():
    files = site.render([], PROVINCE, "g")
    assert "尚无公示" in files["index.html"].decode() and "Nothing published yet" in files["en/index.html"].decode()
