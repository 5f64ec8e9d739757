"""What running the native renderers in a child process costs (issue 21 item 1): a 30-city bar chart PNG and
a 300-row PDF table, in-process (the old way, a crash ends the process) and through ``reports.render_worker``
(first call: the child starts; then warm), plus the cost of one crash and the recovery after it.

    .venv/bin/python -m benchmarks.render_isolation
"""
from __future__ import annotations

import time

import pandas as pd

from benchmarks.timing import timed

SPEC = {"data": {"values": [{"城市": f"城市{i:02d}", "执行率": 80 + i} for i in range(30)]}, "mark": "bar",
        "encoding": {"x": {"field": "城市", "type": "nominal"}, "y": {"field": "执行率", "type": "quantitative"}},
        "width": 620, "height": 230, "config": {"font": "Noto Sans CJK SC"}}


def main() -> None:
    import typst
    import vl_convert as vlc

    from reports import chart_images, render_worker, typst_pdf
    from reports.fonts import font_dirs

    body = typst_pdf.table(pd.DataFrame({"地区": [f"城市{i}" for i in range(300)], "预算（万吨）": range(300)}))
    source = typst_pdf.document(body, "基准")

    for d in font_dirs():
        vlc.register_font_directory(d)
    vlc.vegalite_to_png(SPEC, scale=2.0)          # warm the in-process renderer
    t_png_in, _ = timed(lambda: vlc.vegalite_to_png(SPEC, scale=2.0), repeat=5)

    import tempfile
    from pathlib import Path

    def pdf_in() -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "main.typ").write_text(source, encoding="utf-8")
            return typst.compile(str(Path(tmp) / "main.typ"), root=tmp, font_paths=list(font_dirs()))

    pdf_in()
    t_pdf_in, _ = timed(pdf_in, repeat=5)

    t0 = time.perf_counter()
    chart_images.spec_png(SPEC)
    t_first = time.perf_counter() - t0
    t_png_w, _ = timed(lambda: chart_images.spec_png(SPEC), repeat=5)
    typst_pdf.render_pdf(body, "基准")
    t_pdf_w, _ = timed(lambda: typst_pdf.render_pdf(body, "基准"), repeat=5)

    t0 = time.perf_counter()
    try:
        render_worker.run("crash", {})
    except render_worker.RenderError:
        pass
    t_crash = time.perf_counter() - t0
    t0 = time.perf_counter()
    chart_images.spec_png(SPEC)
    t_recover = time.perf_counter() - t0

    print(f"chart PNG  in-process (warm) median {t_png_in:.3f} s; child process: first call {t_first:.2f} s "
          f"(starts the child), then median {t_png_w:.3f} s")
    print(f"300-row PDF in-process (warm) median {t_pdf_in:.3f} s; child process median {t_pdf_w:.3f} s")
    print(f"a renderer crash answered as RenderError in {t_crash:.2f} s; the next PNG (new child) {t_recover:.2f} s")


if __name__ == "__main__":
    main()
