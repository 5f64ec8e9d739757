"""Policy-adjustment timings (medians). Run: .venv/bin/python benchmarks/measures.py

On a 300-city demo (no nowcast, to keep the build short) with two measures per city: the what-if
recompute for one city (measures switched on/off) [target < 0.3 s], for all 300 cities [< 2 s], the
status report with the with-measures columns [≈ 1 s], the register read, and the quarterly bulletin
PDF and xlsx [PDF < 5 s].
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.timing import timed  # noqa: E402
from budget import measures as bm  # noqa: E402
from budget import whatif  # noqa: E402
from budget.policy import instruments  # noqa: E402
from demo_province import build as demo  # noqa: E402
from monitor import measures as ms  # noqa: E402
from monitor import measures_outlook as mo  # noqa: E402
from monitor.status import status_report  # noqa: E402
from reports import bulletin_doc  # noqa: E402
from warehouse import db  # noqa: E402
from warehouse import measures as store  # noqa: E402

AS_OF = "2026-10"


def add_measures(path: Path, cities: list[str]) -> int:
    tb = instruments().set_index("code")
    n = 0
    with db.transaction(path) as con:
        for i, city in enumerate(cities):
            for code, start, red in (("phase_out", "2026-03", 80.0), ("differential_price", "2026-09", 40.0 + i % 7)):
                rec = bm.validate_measure({"region": city, "title": f"{code} {city}", "instrument": code, "owner_dept": "bench",
                                           "planned_start": start, "planned_end": "2027-12", "reduction": red},
                                          set(cities), tb.index)
                store.insert_measure(con, rec, str(tb.loc[code, "instrument_type"]), "bench")
                n += 1
    return n


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "big.duckdb"
    t_build = 0.0
    if not path.exists():  # pass a path to reuse a 300-city build
        t_build, _ = timed(lambda: demo.build(path, n_cities=300, as_of=AS_OF, with_nowcast=False), repeat=1)
    rep0 = status_report(path)
    cities = rep0.progress.loc[~rep0.progress["is_province"].astype(bool), "region"].tolist()
    n = add_measures(path, cities) if not len(ms.register(path)["measures"]) > len(cities) else 2 * len(cities)
    print(f"300-city demo build (no nowcast): {t_build:.1f} s; {n} measures added for {len(cities)} cities")
    t_status, rep = timed(lambda: status_report(path), repeat=3)
    print(f"status report with measures (300 cities): median {t_status:.3f} s  [target ≈ 1 s]")
    def extra():  # what the status report does for the measures: one read and the with-measures columns
        with db.connect(path) as con:
            frame = store.measures(con)
        return whatif.with_measures(rep.progress, rep.paths, frame, rep.year, rep.province)

    t_extra, _ = timed(extra, repeat=5)
    print(f"  of which the measures (read + with_measures columns): median {t_extra * 1000:.0f} ms")
    t_reg, reg = timed(lambda: ms.register(path), repeat=3)
    print(f"register read + late rules ({len(reg['measures'])} measures): median {t_reg:.3f} s")
    city = cities[len(cities) // 2]
    on = [int(i) for i in reg["measures"].loc[reg["measures"]["region"] == city, "measure_id"]][:1]
    t_one, o = timed(lambda: mo.outlook(rep, reg["measures"], city, include=on), repeat=5)
    print(f"what-if recompute, one city ({city}, 1 of 2 measures on): median {t_one * 1000:.1f} ms  [target < 300 ms]")
    t_all, _ = timed(lambda: whatif.outlook(rep.progress, rep.paths, reg["measures"], rep.year, province=rep.province),
                     repeat=5)
    print(f"what-if recompute, all 300 cities + province: median {t_all * 1000:.1f} ms  [target < 2000 ms]")
    t_pdf, pdf = timed(lambda: bulletin_doc.bulletin_pdf(mo.bulletin_frames(rep, reg, "zh"), mo.quarter_label(rep), rep.as_of),
                       repeat=3)
    print(f"bulletin PDF (zh, 300 cities, {n} measures): median {t_pdf:.2f} s, {len(pdf) / 1e6:.2f} MB  [target < 5 s]")
    t_x, x = timed(lambda: bulletin_doc.bulletin_xlsx(mo.bulletin_frames(rep, reg, "en"), "en"), repeat=3)
    print(f"bulletin xlsx (en): median {t_x:.2f} s, {len(x) / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
