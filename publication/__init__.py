"""Publication (公示 / 向社会公开): a static public-disclosure site made offline from notices.

Pure, like ``reports/``: notices (dicts frozen when they were published, see ``monitor.publish``) in,
files (path → bytes) out. Never reads the warehouse, never imports streamlit or duckdb.

- ``site``: ``render(notices, meta)`` → ``{"index.html": …, "notices/2026-001.html": …, "en/…": …,
  "csv/2026-001-allocations.csv": …, "style.css": …}``. Chinese first (the root pages, ``lang="zh-CN"``),
  English alternate (``en/``, ``lang="en"``), linked both ways (``hreflang``).
- ``text``: the site's own words in both languages; ``style``: the one stylesheet.

Accessibility (GB/T 37668 basics): one ``h1`` per page and headings in order, a skip link, landmarks,
tables with captions and header cells as the text alternative of every chart (charts are inline SVG
with a title and ``role="img"``), colours with a contrast ratio of at least 7:1 for text, a visible
keyboard focus, sizes in ``rem`` so the reader's text size applies, responsive without scripts (tables
scroll inside their own keyboard-focusable box on a phone). Every text is HTML-escaped; every CSV cell
defused (``reports.safe_text``).
"""
