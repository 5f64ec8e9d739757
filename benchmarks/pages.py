"""Page timings (medians). Run: .venv/bin/python benchmarks/pages.py [--cities 300] [--quick]

Builds a 300-city demo warehouse (with its nowcast and budget plan), then measures in headless Debian
Chromium against the app started the way the README does (`make run DB=... PORT=...`):
  * cold start → weather vane: first city card visible, all 300 cards rendered (fresh app each time);
  * warm reload of "/" in the same app;
  * city switch on /city through the sidebar selectbox (browser) and through AppTest;
  * each page's AppTest run time (zh), all eight pages (upload and history signed in as an analyst);
  * where the time goes: monitor.status.status_report (the pages call it through a cache);
  * on a 12-city demo: cold start → first card visible (target < 2 s), and upload → usable: the commit
    returning with its batch stored (target < 3 s) and the background refresh of estimates and alerts.
Targets on 2 cores: weather vane visible < 3 s cold at 300 cities, < 2 s at 12; city switch < 0.5 s.
"""
from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.timing import timed  # noqa: E402
from demo_province import build as demo  # noqa: E402
from monitor.status import status_report  # noqa: E402
from warehouse import db, queries  # noqa: E402

N_CITIES = 300
AS_OF = "2026-10"
VANE_TARGET_S = 3.0
SWITCH_TARGET_S = 0.5
PAGES = ["weather", "city", "rankings", "alerts", "overview", "accuracy", "upload", "batches"]
VANE12_TARGET_S = 2.0
COMMIT_TARGET_S = 3.0
TIMEOUT_MS = 120_000


def verdict(value: float, target: float) -> str:
    return "ok" if value < target else f"MISSED (target {target:g} s)"


def run_done(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS)


def wait_cards(page, n: int, t0: float) -> tuple[float, float, float]:
    """(seconds to the page title, to the first card visible, to ≥ n cards), counted from ``t0``."""
    page.locator("h1", has_text="碳预算晴雨表").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    title = time.perf_counter() - t0
    page.locator("div.wv-card[data-region]").first.wait_for(state="visible", timeout=TIMEOUT_MS)
    first = time.perf_counter() - t0
    page.wait_for_function(f"() => document.querySelectorAll('div.wv-card[data-region]').length >= {n}", timeout=TIMEOUT_MS)
    return title, first, time.perf_counter() - t0


def hotspots(fn, n: int = 8) -> list[tuple[str, float]]:
    """Project functions (and vl-convert) with the largest cumulative time in one profiled call of ``fn``."""
    prof = cProfile.Profile()
    prof.enable()
    fn()
    prof.disable()
    rows = []
    for (file, line, func), (_, _, _, cum, _) in pstats.Stats(prof).stats.items():
        mine = file.startswith(str(ROOT)) and "/.venv/" not in file and "/benchmarks/" not in file
        if mine or "vegalite_to_png" in func:
            rows.append((f"{Path(file).relative_to(ROOT) if file.startswith(str(ROOT)) else file}:{line}({func})", cum))
    return sorted(rows, key=lambda r: -r[1])[:n]


def bench_browser(path: Path, cities, n_cities: int = 0, runs: int = 3, switch: bool = True) -> dict:
    from tests.browser_util import browser_page, running_app

    res = {"health": [], "cold_title": [], "cold_first": [], "cold_all": [], "warm_title": [], "warm_first": [],
           "warm_all": [], "switch_title": [], "switch_done": [], "switch_total": []}
    with browser_page() as page:
        for i in range(runs):
            t0 = time.perf_counter()
            with running_app(path, timeout=120) as url:
                res["health"].append(time.perf_counter() - t0)
                page.goto(url + "/")
                title, first, all_ = wait_cards(page, n_cities or N_CITIES, t0)
                res["cold_title"].append(title)
                res["cold_first"].append(first)
                res["cold_all"].append(all_)
                run_done(page)
                t1 = time.perf_counter()
                page.goto(url + "/")
                title, first, all_ = wait_cards(page, n_cities or N_CITIES, t1)
                res["warm_title"].append(title)
                res["warm_first"].append(first)
                res["warm_all"].append(all_)
                run_done(page)
                if i == 0 and switch:
                    _city_switch(page, url, cities, res)
    return res


def _city_switch(page, url: str, cities, res: dict) -> None:
    """On /city: click the sidebar selectbox, type a city name, press Enter; time until the title shows it."""
    first_code, first_name = cities[0]
    page.goto(f"{url}/city")
    page.get_by_text(f"城市详情 · {first_name}").first.wait_for(timeout=TIMEOUT_MS)
    run_done(page)
    box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
    for _, name in cities[1:6]:
        t_click = time.perf_counter()
        box.click()
        page.keyboard.type(name)
        t0 = time.perf_counter()
        page.keyboard.press("Enter")
        page.wait_for_function("(n) => { const h = document.querySelector('h1'); return h && h.innerText.includes(n); }",
                               arg=name, timeout=TIMEOUT_MS)
        t_title = time.perf_counter()
        run_done(page)
        t_done = time.perf_counter()
        res["switch_title"].append(t_title - t0)
        res["switch_done"].append(t_done - t0)
        res["switch_total"].append(t_title - t_click)


def bench_apptest(path: Path, cities) -> dict:
    os.environ["CARBON_BUDGET_DB"] = str(path)
    import logging

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    for name in ("streamlit.runtime.scriptrunner_utils.script_run_context", "streamlit.runtime.caching.cache_data_api"):
        logging.getLogger(name).addFilter(lambda r: "ScriptRunContext" not in r.getMessage()
                                          and "No runtime found" not in r.getMessage())  # bare-mode noise

    from tests.apptest_util import APP, open_page

    out = {}
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["lang"] = "zh"
    t0 = time.perf_counter()
    at.run()
    out["first_run_cold_cache"] = time.perf_counter() - t0
    assert not at.exception, at.exception

    from warehouse import users

    if not users.any_users(path):
        users.add_user(path, "bench", "analyst", "bench-pass-1")
    for name in PAGES:
        times = []
        for _ in range(3):
            at = AppTest.from_file(APP, default_timeout=300)
            at.session_state["lang"] = "zh"
            at.session_state["auth_user"] = {"name": "bench", "role": "analyst"}
            at.run()
            at.switch_page(f"app_pages/{name}.py")
            t0 = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t0)
            assert not at.exception, f"{name}: {at.exception}"
        out[name] = statistics.median(times)

    at = open_page("city", "zh", timeout=300)
    times = []
    for code, name in cities[1:6]:
        t0 = time.perf_counter()
        at.selectbox(key="cd_region").select(code).run()
        times.append(time.perf_counter() - t0)
        assert name in at.title[0].value, at.title[0].value
    out["switch"] = statistics.median(times)
    return out


def pick_cities(path: Path, n: int = 6) -> list[tuple[str, str]]:
    """Cities whose Chinese name is not contained in any other city's name (so typing it selects it)."""
    with db.connect(path) as con:
        cities = queries.regions(con, "city")
    names = list(cities["name_zh"])
    unique = [(c, z) for c, z in zip(cities["code"], names) if sum(z in other for other in names) == 1]
    step = max(1, len(unique) // n)
    return unique[::step][:n]


def rankings_png_seconds(rep) -> float:
    """The rankings page renders its 300-bar chart to PNG (vl-convert) on every run, for the download button."""
    from budget import config as bconfig
    from services import charts, png

    ranked = rep.rankings.sort_values(["rank_deviation", "region"]).reset_index(drop=True)
    chart = charts.ranking_chart(ranked.assign(label=ranked["name_zh"]), "label", "deviation", "排名", "偏差",
                                 "warning_level", bconfig.LEVEL_COLORS)
    png.chart_png(chart)  # font registration once
    t, _ = timed(lambda: png.chart_png(chart), repeat=3)
    return t


def bench_small(tmp: Path, runs: int) -> None:
    """12 cities (the demo as shipped): cold start → first card, and upload → usable."""
    from services import actions
    from warehouse import users

    path = tmp / "pages12.duckdb"
    demo.build(path, n_cities=12, as_of=AS_OF)
    b = bench_browser(path, [], n_cities=12, runs=runs, switch=False)
    first = statistics.median(b["cold_first"])
    print(f"12-city demo, browser cold start (`make run`, {runs} runs): app up median {statistics.median(b['health']):.2f} s; "
          f"page title median {statistics.median(b['cold_title']):.2f} s; first card visible median {first:.2f} s [target < {VANE12_TARGET_S:g} s] {verdict(first, VANE12_TARGET_S)} "
          f"(runs {', '.join(f'{x:.2f}' for x in b['cold_first'])}); all 12 cards median {statistics.median(b['cold_all']):.2f} s")
    users.add_user(path, "bench", "analyst", "bench-pass-1")
    commits, refreshes = [], []
    for i in range(runs):
        payload = (f"地区,时期,指标,数值,单位\n钢城市,2026-10,全社会用电量,{4.2 + i / 10:.2f},亿千瓦时\n").encode("utf-8")
        t0 = time.perf_counter()
        result = actions.commit_upload(str(path), "bench", payload, f"q{i}.csv")
        commits.append(time.perf_counter() - t0)
        assert result.ok and result.payload.get("refresh") == "started", result
        job = actions.wait_refresh(str(path))
        assert job is not None and job.ok, job and job.error
        refreshes.append(time.perf_counter() - t0)
    c, r = statistics.median(commits), statistics.median(refreshes)
    print(f"12-city upload → usable ({runs} uploads): commit returns (batch stored, what changed listed, page usable) "
          f"median {c:.2f} s [target < {COMMIT_TARGET_S:g} s] {verdict(c, COMMIT_TARGET_S)}; new estimates and alerts in "
          f"(background refresh done) median {r:.2f} s after the click")


def main() -> None:
    import argparse

    global N_CITIES
    ap = argparse.ArgumentParser()
    ap.add_argument("--cities", type=int, default=N_CITIES)
    ap.add_argument("--quick", action="store_true", help="only the 12-city cold start and upload → usable")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--navigation", action="store_true",
                    help="only page-to-page navigation and the plan draft save on the demo (benchmarks/navigation.py)")
    args = ap.parse_args()
    if args.navigation:
        from benchmarks import navigation

        sys.argv = [sys.argv[0], "--runs", str(args.runs)]
        navigation.main()
        return
    N_CITIES = args.cities
    tmp = Path(tempfile.mkdtemp())
    bench_small(tmp, args.runs)
    if args.quick:
        return
    path = tmp / f"pages{N_CITIES}.duckdb"
    t0 = time.perf_counter()
    info = demo.build(path, n_cities=N_CITIES, as_of=AS_OF)
    t_build = time.perf_counter() - t0
    print(f"{N_CITIES}-city demo build incl. nowcast ({info['nowcast']['estimates']:,} estimates) and budget plan "
          f"({info['observations']:,} values): {t_build:.1f} s")
    cities = pick_cities(path)

    t_status, rep = timed(lambda: status_report(path), repeat=1)
    print(f"monitor.status.status_report on {N_CITIES} cities (uncached; what the first page view after a start or a "
          f"new batch pays): {t_status:.2f} s (1 run, as of {rep.as_of})")
    print("  where it goes (one run under cProfile, which inflates times; cumulative s):")
    for name, cum in hotspots(lambda: status_report(path)):
        print(f"    {cum:6.2f}  {name}")
    t_png = rankings_png_seconds(rep)
    print(f"rankings chart → PNG (vl-convert; rendered when the download is clicked, then cached): median {t_png:.2f} s")

    b = bench_browser(path, cities)
    med = {k: statistics.median(v) for k, v in b.items() if v}
    print("browser (headless Debian Chromium, `make run`, fresh app process each time, 3 runs):")
    print(f"  app process up (health endpoint 200):  median {med['health']:.2f} s")
    print(f"  cold start → page title shown:         median {med['cold_title']:.2f} s")
    print(f"  cold start → first city card visible:  median {med['cold_first']:.2f} s  "
          f"[target < {VANE_TARGET_S:g} s] {verdict(med['cold_first'], VANE_TARGET_S)}  "
          f"(runs {', '.join(f'{x:.2f}' for x in b['cold_first'])})")
    print(f"  cold start → all {N_CITIES} cards rendered:   median {med['cold_all']:.2f} s  "
          f"{verdict(med['cold_all'], VANE_TARGET_S)}")
    print(f"  warm reload of / → title / first card / all cards: medians {med['warm_title']:.2f} / "
          f"{med['warm_first']:.2f} / {med['warm_all']:.2f} s")
    print(f"  city switch (sidebar selectbox, Enter → title shows the city): median {med['switch_title']:.2f} s  "
          f"[target < {SWITCH_TARGET_S:g} s] {verdict(med['switch_title'], SWITCH_TARGET_S)}  "
          f"(5 switches: {', '.join(f'{x:.2f}' for x in b['switch_title'])})")
    print(f"  city switch, Enter → run finished: median {med['switch_done']:.2f} s; "
          f"click+type+Enter → title: median {med['switch_total']:.2f} s")

    a = bench_apptest(path, cities)
    print("AppTest (in process, zh):")
    print(f"  first app run with an empty cache (weather vane, incl. status report): {a['first_run_cold_cache']:.2f} s")
    for name in PAGES:
        print(f"  page {name:9s} run, warm cache: median {a[name]:.2f} s")
    print(f"  city switch (selectbox cd_region .select().run()): median {a['switch']:.3f} s  "
          f"[target < {SWITCH_TARGET_S:g} s] {verdict(a['switch'], SWITCH_TARGET_S)}")

    missed = []
    if med["cold_first"] >= VANE_TARGET_S:
        missed.append(f"weather vane cold {med['cold_first']:.2f} s ≥ {VANE_TARGET_S:g} s: app process up "
                      f"{med['health']:.2f} s, title at {med['cold_title']:.2f} s, then the uncached status_report "
                      f"({t_status:.2f} s alone) until the cards")
    if med["switch_title"] >= SWITCH_TARGET_S:
        missed.append(f"browser city switch {med['switch_title']:.2f} s ≥ {SWITCH_TARGET_S:g} s "
                      f"(AppTest city page run {a['city']:.2f} s with a warm cache)")
    if a["switch"] >= SWITCH_TARGET_S:
        missed.append(f"AppTest city switch {a['switch']:.2f} s ≥ {SWITCH_TARGET_S:g} s")
    print("targets: " + ("all met" if not missed else "MISSED — " + "; ".join(missed)))
    print(f"(no target) rankings page warm run {a['rankings']:.2f} s (the PNG is rendered only when its download is "
          f"clicked: {t_png:.2f} s, measured above, not part of the page run)")


if __name__ == "__main__":
    main()
