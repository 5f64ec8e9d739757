"""PDF documents through typst (offline, self-contained wheel), Chinese set in Noto CJK.

Every piece of text enters the markup as a typst *string literal* (``lit``), never as raw markup,
so names such as ``#set``, ``*`` or ``]`` cannot change the document. Build a body from
``heading``, ``para``, ``table``, ``image`` and ``kv_table``, then ``render_pdf(body, title)``.
"""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pandas as pd

from reports.fonts import CJK_SANS, CJK_SERIF
from reports.safe_text import clean


def lit(text) -> str:
    """``text`` as a typst string literal expression (``"..."``), control and bidi characters removed."""
    s = "" if text is None or (isinstance(text, float) and math.isnan(text)) else clean(str(text))
    s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", " ")
    return f'"{s}"'


def fmt_number(value, digits: int = 1) -> str:
    """A number for a report cell: thousands separators, fixed digits; blanks for missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, (int,)) and not isinstance(value, bool):
        return f"{value:,}"
    try:
        return f"{float(value):,.{digits}f}"
    except (TypeError, ValueError):
        return str(value)


def heading(text: str, level: int = 1) -> str:
    return f"#heading(level: {int(level)}, {lit(text)})\n"


def para(text: str) -> str:
    return f"#par({lit(text)})\n"


def bullets(items: Iterable[str]) -> str:
    return "".join(f"#list.item({lit(i)})\n" for i in items)


def image(name: str, width: str = "100%") -> str:
    """An image placed by ``render_pdf(images={name: bytes})``."""
    return f"#image({lit(name)}, width: {width})\n"


def table(frame: pd.DataFrame, columns: Mapping[str, str] | None = None, digits: Mapping[str, int] | int = 1,
          size: str = "8pt") -> str:
    """``frame`` as a typst table; ``columns`` maps column → printed header (and picks the order)."""
    cols = list(columns) if columns else list(frame.columns)
    headers = [columns[c] for c in cols] if columns else cols
    numeric = {c: pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]) for c in cols}
    aligns = ", ".join("right" if numeric[c] else "left" for c in cols)
    cells = [f"table.header({', '.join('[*' + '#' + lit(h) + '*]' for h in headers)})"]
    for row in frame[cols].itertuples(index=False):
        for c, v in zip(cols, row):
            d = digits.get(c, 1) if isinstance(digits, Mapping) else digits
            cells.append(lit(fmt_number(v, d) if numeric[c] else ("" if v is None or (isinstance(v, float) and math.isnan(v)) else v)))
    return (f"#text(size: {size})[#table(columns: {len(cols)}, align: ({aligns},), stroke: 0.4pt + gray, "
            f"inset: 4pt, {', '.join(cells)})]\n")


def kv_table(pairs: Sequence[tuple[str, object]], digits: int = 1) -> str:
    """A two-column table of label → value."""
    frame = pd.DataFrame({"k": [p[0] for p in pairs], "v": [fmt_number(p[1], digits) if isinstance(p[1], (int, float)) else p[1]
                                                               for p in pairs]})
    cells = ", ".join(f"{lit(k)}, {lit(v)}" for k, v in frame.itertuples(index=False))
    return f"#table(columns: (auto, 1fr), stroke: 0.4pt + gray, inset: 5pt, {cells})\n"


def document(body: str, title: str, subtitle: str = "", generated: dt.datetime | None = None) -> str:
    when = (generated or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    return f"""#set document(title: {lit(title)})
#set page(paper: "a4", margin: (x: 1.8cm, y: 2cm),
  header: align(right, text(size: 8pt, fill: gray, {lit(title)})),
  footer: context align(center, text(size: 8pt, fill: gray)[#counter(page).display("1 / 1", both: true) · #{lit("生成于 " + when)}]))
#set text(font: ({lit(CJK_SERIF)}, {lit(CJK_SANS)}), size: 10pt, lang: "zh")
#show heading: set text(font: {lit(CJK_SANS)})
#set par(justify: false, leading: 0.8em)
#align(center, text(size: 18pt, weight: "bold", font: {lit(CJK_SANS)}, {lit(title)}))
#align(center, text(size: 10pt, fill: gray, {lit(subtitle)}))
#v(1em)
{body}
"""


def render_pdf(body: str, title: str, subtitle: str = "", images: Mapping[str, bytes] | None = None) -> bytes:
    """PDF bytes of ``body`` (markup built with the helpers above) in the standard page template.

    typst runs in the child process of ``reports.render_worker``: a crash is a ``RenderError``."""
    from reports import render_worker

    files = {Path(name).name: (data if isinstance(data, bytes) else str(data).encode("utf-8"))
             for name, data in (images or {}).items()}
    return render_worker.run("pdf", {"source": document(body, title, subtitle), "images": files})
