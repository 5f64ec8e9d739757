"""The site's one stylesheet: readable on a phone, text size from the reader's settings (rem), text
contrast ≥ 7:1 on white, a visible focus ring, no scripts."""
from __future__ import annotations

TEXT_COLOR = "#1a1a1a"     # on #ffffff: 17.4:1
MUTED_COLOR = "#404040"    # on #ffffff: 10.4:1
LINK_COLOR = "#0b4f9c"     # on #ffffff: 8.0:1
ACCENT = "#8a1c1c"         # headings rule, corrections (on white 9.4:1)
BAR_COLOR = "#1f5f99"
BACKGROUND = "#ffffff"

CSS = f"""
*, *::before, *::after {{ box-sizing: border-box; }}
html {{ font-size: 100%; -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }}
body {{ margin: 0; color: {TEXT_COLOR}; background: {BACKGROUND}; line-height: 1.6;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; }}
a {{ color: {LINK_COLOR}; text-decoration: underline; text-underline-offset: 0.15em; }}
a:focus-visible, [tabindex]:focus-visible {{ outline: 3px solid {ACCENT}; outline-offset: 2px; }}
.skip {{ position: absolute; left: -999rem; }}
.skip:focus {{ left: 1rem; top: 1rem; background: {BACKGROUND}; padding: 0.5rem 1rem; z-index: 2; }}
header, main, footer {{ max-width: 60rem; margin: 0 auto; padding: 0 1rem; }}
header {{ border-bottom: 0.25rem solid {ACCENT}; padding-top: 1rem; }}
header p {{ margin: 0.25rem 0 0.75rem; color: {MUTED_COLOR}; }}
nav ul {{ list-style: none; padding: 0; margin: 0 0 0.75rem; display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; }}
h1 {{ font-size: 1.6rem; line-height: 1.3; margin: 1.25rem 0 0.5rem; }}
h2 {{ font-size: 1.3rem; margin: 1.75rem 0 0.5rem; }}
h3 {{ font-size: 1.1rem; margin: 1.25rem 0 0.5rem; }}
.meta {{ color: {MUTED_COLOR}; margin: 0 0 1rem; }}
.correction {{ border-left: 0.3rem solid {ACCENT}; padding: 0.5rem 0.75rem; background: #fbf3f3; }}
dl.facts {{ display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0 0 1rem; }}
dl.facts dt {{ font-weight: 700; }}
dl.facts dd {{ margin: 0; }}
.table-wrap {{ overflow-x: auto; margin: 0 0 1rem; }}
table {{ border-collapse: collapse; min-width: 100%; font-size: 0.95rem; }}
caption {{ text-align: left; font-weight: 700; padding: 0.25rem 0; }}
th, td {{ border: 1px solid #8c8c8c; padding: 0.35rem 0.5rem; vertical-align: top; }}
thead th {{ background: #eef2f6; text-align: left; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
figure {{ margin: 0 0 1rem; }}
.bars {{ max-width: 44rem; }}
.bar-row {{ display: grid; grid-template-columns: minmax(4.5rem, 11rem) 1fr minmax(4rem, max-content); gap: 0.5rem;
  align-items: center; margin: 0.15rem 0; font-size: 0.9rem; }}
.bar-label {{ text-align: right; overflow-wrap: anywhere; }}
.bar-track {{ display: block; }}
.bar {{ display: block; height: 1rem; background: {BAR_COLOR}; }}
.bar.neg {{ background: {ACCENT}; background-image: repeating-linear-gradient(45deg, transparent 0 0.3rem,
  rgba(255,255,255,0.35) 0.3rem 0.45rem); }}
.bar-value {{ font-variant-numeric: tabular-nums; white-space: nowrap; }}
tbody th {{ text-align: left; font-weight: 600; }}
figcaption {{ color: {MUTED_COLOR}; font-size: 0.95rem; }}
ol.notices {{ padding-left: 1.25rem; }}
ol.notices li {{ margin: 0 0 0.75rem; }}
footer {{ border-top: 1px solid #8c8c8c; margin-top: 2rem; padding-top: 0.75rem; padding-bottom: 2rem; color: {MUTED_COLOR}; }}
@media (max-width: 40rem) {{
  h1 {{ font-size: 1.35rem; }}
  dl.facts {{ grid-template-columns: 1fr; }}
  dl.facts dd {{ margin-bottom: 0.4rem; }}
}}
@media print {{ nav, .skip {{ display: none; }} }}
"""
