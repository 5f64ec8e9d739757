"""A small warehouse for the books tests: province P with cities A, B, C, monthly statistics 2020-2025,
users adm1 and adm2 (admins) and gov (approver); optionally the demo's sign-off rules."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

REGIONS = "code,name_zh,name_en,parent,level\nP,测试省,Test Province,,province\nA,甲市,Jia,P,city\nB,乙市,Yi,P,city\nC,丙市,Bing,P,city\n"
CITIES = ["A", "B", "C"]


def monthly(y: int, m: int, region: str) -> float:
    """A's emissions grow 4% a year, B's fall 1%, C's are flat; each month wobbles by up to ±3%."""
    base, growth = {"A": (10.0, 1.04), "B": (5.0, 0.99), "C": (8.0, 1.0)}[region]
    wobble = 1.0 + 0.03 * (((y * 7 + m * 3 + ord(region)) % 5) - 2) / 2
    return round(base * growth ** (y - 2020) * wobble, 4)


def books_warehouse(folder: Path, signoffs: bool = True, last_year: int = 2025) -> Path:
    from monitor import rules as mrules
    from warehouse import ingest, regions_io, users

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "books.duckdb"
    (folder / "regions.csv").write_text(REGIONS, encoding="utf-8")
    regions_io.load_regions_file(path, folder / "regions.csv")
    rows = []
    for y in range(2020, last_year + 1):
        for m in range(1, 13):
            for r in CITIES:
                rows.append((r, f"{y}-{m:02d}", "co2_total", monthly(y, m, r), "万吨"))
                rows.append((r, f"{y}-{m:02d}", "elec_total", 1000.0, "万千瓦时"))
    frame = pd.DataFrame(rows, columns=["region", "period", "indicator", "value", "unit"])
    assert ingest.ingest_bytes(path, frame.to_csv(index=False).encode(), "t.csv").status == "loaded"
    for name, role in (("adm1", "admin"), ("adm2", "admin"), ("gov", "approver")):
        users.add_user(path, name, role, "password-123")
    if signoffs:
        mrules.set_rule(path, "signoff.plan_approve", "approver", date(2020, 1, 1), "demo", "adm1")
        mrules.set_rule(path, "signoff.budget_total_change", "admin", date(2020, 1, 1), "demo", "adm1")
    return path
