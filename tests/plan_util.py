"""Warehouses for the plan tests: a tiny one loaded through the upload path (two cities, no GDP or
population) and a copy of a 10-city demo built once per session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from warehouse import ingest, regions_io

REGIONS = "code,name_zh,name_en,parent,level\nP,测试省,Test Province,,province\nA,甲市,Jia,P,city\nB,乙市,Yi,P,city\n"


def tiny_warehouse(folder: Path) -> Path:
    """P with cities A (≈120 万吨/yr, rising) and B (≈60, flat); co2 and electricity 2020-01..2025-12."""
    path = folder / "tiny.duckdb"
    (folder / "regions.csv").write_text(REGIONS, encoding="utf-8")
    regions_io.load_regions_file(path, folder / "regions.csv")
    rows = []
    for y in range(2020, 2026):
        for m in range(1, 13):
            rows.append(("A", f"{y}-{m:02d}", "co2_total", 10.0 * 1.02 ** (y - 2020), "万吨"))
            rows.append(("B", f"{y}-{m:02d}", "co2_total", 5.0, "万吨"))
            for r, e in (("A", 12000.0), ("B", 6000.0)):
                rows.append((r, f"{y}-{m:02d}", "elec_total", e, "万千瓦时"))
    frame = pd.DataFrame(rows, columns=["region", "period", "indicator", "value", "unit"])
    result = ingest.ingest_bytes(path, frame.to_csv(index=False).encode("utf-8"), "tiny.csv")
    assert result.status == "loaded", result.as_json()
    return path


def demo_copy(tmp_path_factory, dest: Path) -> Path:
    """A private copy of a 10-city demo warehouse (built once per session, without a nowcast)."""
    from demo_province import build

    src = tmp_path_factory.getbasetemp() / "plan_demo_src" / "demo.duckdb"
    if not src.exists():
        src.parent.mkdir(exist_ok=True)
        build.build(src, n_cities=10, as_of="2026-10", with_nowcast=False)
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, dest)
    if Path(str(src) + ".wal").exists():
        shutil.copy(str(src) + ".wal", str(dest) + ".wal")
    return dest


def cli_json(capsys, *argv) -> tuple[int, dict | list | None, str]:
    import json

    from cli.main import main

    code = main(list(map(str, argv)))
    out = capsys.readouterr()
    try:
        return code, json.loads(out.out) if out.out.strip() else None, out.err
    except ValueError:
        return code, None, out.err + out.out
