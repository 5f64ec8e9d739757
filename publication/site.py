"""Notices → the static site (HTML pages, CSV files, one stylesheet). Pure; every text escaped.

A notice: ``{notice_id, number ('2026-001'), subject, kind, title_zh, title_en, published_at, corrects (notice id
or None), content}``; ``content``: ``{date, issuer {zh, en}, approver {zh, en} | None, facts [{zh, en, value}],
paragraphs [{zh, en}], tables [{id, caption {zh, en}, columns [{key, zh, en, num, digits}], rows [{key: value}],
chart {label, value} | None}]}``. A value is text, a number, None, or ``{zh, en}``.
"""
from __future__ import annotations

import csv
import io
import math
from html import escape
from typing import Mapping, Sequence

from publication.style import CSS
from publication.text import t
from reports.safe_text import defuse

LANGS = ("zh", "en")
HTML_LANG = {"zh": "zh-CN", "en": "en"}
CHART_MAX_ROWS = 40


def e(value) -> str:
    """HTML-escaped text (quotes too: safe in attributes)."""
    return escape("" if value is None else str(value), quote=True)


def _text(value, lang: str) -> str:
    if isinstance(value, Mapping):
        return str(value.get(lang) if value.get(lang) is not None else value.get("zh", ""))
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return str(value)


def _num(value, digits: int) -> str:
    if value is None or isinstance(value, Mapping) or isinstance(value, str):
        return _text(value, "zh")
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    return "—" if not math.isfinite(x) else f"{x:,.{int(digits)}f}"


def _cell(value, col: Mapping, lang: str) -> str:
    return _num(value, col.get("digits", 1)) if col.get("num") else _text(value, lang)


def number_label(n: Mapping, lang: str, province: Mapping) -> str:
    year, _, seq = str(n["number"]).partition("-")
    return t("number", lang, province=_text(province, lang), year=year, n=int(seq or 0))


def title(n: Mapping, lang: str) -> str:
    return str(n["title_zh"] if lang == "zh" else n["title_en"])


def _paths(lang: str, depth: int) -> dict:
    up = "../" * depth
    root = up + ("../" if lang == "en" else "")
    return {"css": root + "style.css", "zh_home": root + "index.html", "en_home": root + "en/index.html", "root": root}


def _page(lang: str, depth: int, page_title: str, body: str, province: Mapping, alternate: str, generated: str) -> bytes:
    p = _paths(lang, depth)
    other = "en" if lang == "zh" else "zh"
    home = p["zh_home"] if lang == "zh" else p["en_home"]
    site = t("site_title", lang, province=_text(province, lang))
    html = f"""<!DOCTYPE html>
<html lang="{HTML_LANG[lang]}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(page_title)} · {e(site)}</title>
<link rel="stylesheet" href="{e(p['css'])}">
<link rel="alternate" hreflang="{HTML_LANG[other]}" href="{e(alternate)}">
</head>
<body>
<a class="skip" href="#main">{e(t('skip', lang))}</a>
<header>
<p>{e(site)}</p>
<nav aria-label="{e(t('nav', lang))}"><ul>
<li><a href="{e(home)}">{e(t('home', lang))}</a></li>
<li><a href="{e(alternate)}" hreflang="{HTML_LANG[other]}" lang="{HTML_LANG[other]}">{e(t('other_lang', lang))}</a></li>
</ul></nav>
</header>
<main id="main" tabindex="-1">
{body}
</main>
<footer><p>{e(t('footer', lang, generated=generated))}</p></footer>
</body>
</html>
"""
    return html.encode("utf-8")


def _table(table: Mapping, lang: str, csv_href: str) -> str:
    cols = table["columns"]
    caption = _text(table["caption"], lang)
    tid = f"t-{e(table['id'])}"
    head = "".join(f'<th scope="col">{e(_text(c, lang))}</th>' for c in cols)
    body = []
    for row in table["rows"]:
        cells = []
        for i, c in enumerate(cols):
            text = e(_cell(row.get(c["key"]), c, lang))
            if i == 0:
                cells.append(f'<th scope="row">{text}</th>')
            else:
                cells.append(f'<td class="num">{text}</td>' if c.get("num") else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="table-wrap" role="region" aria-labelledby="{tid}-cap" tabindex="0">'
            f'<table id="{tid}"><caption id="{tid}-cap">{e(caption)}</caption><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>'
            f'<p><a href="{e(csv_href)}" download>{e(t("download", lang, caption=caption))}</a></p>')


def _chart(table: Mapping, lang: str) -> str:
    """A bar chart of one numeric column in plain HTML and CSS (text at the reader's size, no script); the
    table below is its text alternative, so the bars are hidden from screen readers and the figure says so."""
    spec = table.get("chart")
    if not spec:
        return ""
    col = next(c for c in table["columns"] if c["key"] == spec["value"])
    pairs = [(_text(r.get(spec["label"]), lang), r.get(spec["value"])) for r in table["rows"]]
    pairs = [(a, float(b)) for a, b in pairs if isinstance(b, (int, float)) and math.isfinite(float(b))][:CHART_MAX_ROWS]
    if not pairs:
        return ""
    top = max(abs(v) for _, v in pairs) or 1.0
    caption = _text(table["caption"], lang)
    cid = f"c-{e(table['id'])}"
    rows = "".join(
        f'<div class="bar-row"><span class="bar-label">{e(label)}</span><span class="bar-track">'
        f'<span class="bar{" neg" if v < 0 else ""}" style="width:{max(0.5, 100 * abs(v) / top):.1f}%"></span></span>'
        f'<span class="bar-value">{e(_num(v, col.get("digits", 1)))}</span></div>' for label, v in pairs)
    return (f'<figure class="chart" role="img" aria-labelledby="{cid}-cap"><div class="bars" aria-hidden="true">{rows}</div>'
            f'<figcaption id="{cid}-cap">{e(caption)} — {e(_text(col, lang))}. {e(t("chart_note", lang, caption=caption))}'
            f'</figcaption></figure>')


def csv_name(n: Mapping, table: Mapping, lang: str) -> str:
    return f"csv/{n['number']}-{table['id']}{'' if lang == 'zh' else '.en'}.csv"


def table_csv(table: Mapping, lang: str) -> bytes:
    cols = table["columns"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([defuse(_text(c, lang)) for c in cols])
    for row in table["rows"]:
        vals = []
        for c in cols:
            v = row.get(c["key"])
            vals.append(v if c.get("num") and isinstance(v, (int, float)) and math.isfinite(float(v)) else defuse(_cell(v, c, lang)))
        w.writerow(vals)
    return buf.getvalue().encode("utf-8-sig")


def _day(value) -> str:
    return str(value)[:10]


def notice_body(n: Mapping, lang: str, province: Mapping, by_id: Mapping, corrected_by: Mapping) -> str:
    c = n["content"]
    out = [f"<h1>{e(title(n, lang))}</h1>",
           f'<p class="meta">{e(number_label(n, lang, province))} · {e(t("published", lang, date=_day(n["published_at"])))}'
           + (f' · {e(t("decided", lang, date=c["date"]))}' if c.get("date") else "") + "</p>"]
    bodies = [t("issuer", lang, body=_text(c["issuer"], lang))] if c.get("issuer") else []
    if c.get("approver"):
        bodies.append(t("approved_by", lang, body=_text(c["approver"], lang)))
    if bodies:
        out.append(f'<p class="meta">{" · ".join(e(b) for b in bodies)}</p>')
    if n.get("corrects") in by_id:
        old = by_id[n["corrects"]]
        out.append(f'<p class="correction">{e(t("corrects", lang, number=number_label(old, lang, province), date=_day(old["published_at"])))} '
                   f'<a href="{e(old["number"])}.html">{e(title(old, lang))}</a></p>')
    if n["notice_id"] in corrected_by:
        new = corrected_by[n["notice_id"]]
        out.append(f'<p class="correction"><strong>{e(t("corrected_by", lang, number=number_label(new, lang, province)))}</strong> '
                   f'<a href="{e(new["number"])}.html">{e(title(new, lang))}</a></p>')
    for p in c.get("paragraphs", []):
        out.append(f"<p>{e(_text(p, lang))}</p>")
    if c.get("facts"):
        out.append(f"<h2>{e(t('key_figures', lang))}</h2><dl class=\"facts\">")
        out += [f"<dt>{e(_text(f, lang))}</dt><dd>{e(_text(f['value'], lang) if not isinstance(f['value'], (int, float)) else _num(f['value'], f.get('digits', 1)))}</dd>"
                for f in c["facts"]]
        out.append("</dl>")
    for table in c.get("tables", []):
        out.append(f"<h2>{e(_text(table['caption'], lang))}</h2>")
        out.append(_chart(table, lang))
        out.append(_table(table, lang, "../" * (1 if lang == "zh" else 2) + csv_name(n, table, lang)))
    return "\n".join(x for x in out if x)


def index_body(notices: Sequence[Mapping], lang: str, province: Mapping, corrected_by: Mapping) -> str:
    out = [f"<h1>{e(t('site_title', lang, province=_text(province, lang)))}</h1>", f"<p>{e(t('site_intro', lang))}</p>",
           f"<h2>{e(t('notices', lang))}</h2>"]
    if not notices:
        return "\n".join(out + [f"<p>{e(t('none', lang))}</p>"])
    out.append('<ol class="notices" reversed>')
    for n in sorted(notices, key=lambda x: x["notice_id"], reverse=True):
        note = f' <em>({e(t("corrected_by", lang, number=number_label(corrected_by[n["notice_id"]], lang, province)))})</em>' \
            if n["notice_id"] in corrected_by else ""
        out.append(f'<li><a href="notices/{e(n["number"])}.html">{e(title(n, lang))}</a><br>'
                   f'<span class="meta">{e(number_label(n, lang, province))} · {e(_day(n["published_at"]))}</span>{note}</li>')
    out.append("</ol>")
    return "\n".join(out)


def render(notices: Sequence[Mapping], province: Mapping, generated: str) -> dict[str, bytes]:
    """Every file of the site, path → bytes."""
    by_id = {n["notice_id"]: n for n in notices}
    corrected_by = {n["corrects"]: n for n in sorted(notices, key=lambda x: x["notice_id"]) if n.get("corrects") is not None}
    files: dict[str, bytes] = {"style.css": CSS.encode("utf-8")}
    for lang in LANGS:
        prefix = "" if lang == "zh" else "en/"
        alt_index = "en/index.html" if lang == "zh" else "../index.html"
        files[f"{prefix}index.html"] = _page(lang, 0, t("home", lang), index_body(notices, lang, province, corrected_by),
                                             province, alt_index, generated)
        for n in notices:
            alt = f"../en/notices/{n['number']}.html" if lang == "zh" else f"../../notices/{n['number']}.html"
            body = notice_body(n, lang, province, by_id, corrected_by)
            files[f"{prefix}notices/{n['number']}.html"] = _page(lang, 1, title(n, lang), body, province, alt, generated)
            for table in n["content"].get("tables", []):
                files[csv_name(n, table, lang)] = table_csv(table, lang)
    return files
