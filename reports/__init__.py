"""Reports: pure functions from DataFrames to document bytes (PDF via typst, xlsx via openpyxl).

- ``fonts``: the CJK font directories, found once (PDF, chart images).
- ``safe_text``: control and bidi characters cleaned for every document, image and terminal; formula-like
  text defused for every file that leaves (CSV, xlsx).
- ``typst_pdf``: escaping, tables and the page template; ``render_pdf(markup, images)`` → PDF bytes.
- ``xlsx``: ``workbook({sheet: frame})`` → xlsx bytes, every text cell defused.
- ``chart_images``: Vega-Lite spec → PNG/SVG bytes offline (vl-convert) with the CJK fonts.
- ``render_worker``: typst and vl-convert run in a child process; a crash there is a ``RenderError``
  (one refused request), never the end of the server.

One template per document lives beside these (``plan_doc``, ``accounts_doc``, ``bulletin_doc`` …);
pages and the CLI only ask for the bytes. Never imports streamlit or duckdb.
"""
