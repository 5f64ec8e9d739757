"""Page-to-page navigation and the plan draft save (issue 22), medians. Run:
    .venv/bin/python benchmarks/navigation.py [--runs 3]        (also: benchmarks/pages.py --navigation)

On the 12-city demo as shipped (`carbon-budget demo`, with its accounts), in headless Debian Chromium against
the app served as the README does:
  * navigation: signed in as the demo admin, click a page in the sidebar → the page's title shown and the run
    finished; every page of the walk, `--runs` rounds (the first visit of each page warms its caches, reported
    apart) — target < 2 s median on a quiet machine;
  * plan draft save: the plan page's 保存草案 path (services.plan_view.draft → CLI `plan draft` in a child
    process), median of `--runs` — target < 3 s on a quiet machine; and what starting the child process
    costs alone.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.timing import timed  # noqa: E402

NAV_TARGET_S = 2.0
DRAFT_TARGET_S = 3.0
AS_OF = "2026-10"
TIMEOUT_MS = 120_000
#: (sidebar link, title shown) in the order a newcomer would click through
WALK = [("碳预算晴雨表", "碳预算晴雨表"), ("城市详情", "城市详情"), ("排名", "排名"),  # (the screen hides the sidebar)
        ("预警", "预警"), ("碳预算编制", "碳预算编制"), ("年度决算", "年度决算"), ("五年决算", "五年决算"),
        ("政策调节", "政策调节"), ("数据总览", "数据总览")]

def verdict(value: float, target: float) -> str:
    return "ok" if value < target else f"MISSED (target {target:g} s)"


def build(tmp: Path) -> Path:
    path = tmp / "nav.duckdb"
    env = dict(os.environ, CARBON_BUDGET_DB=str(path))
    subprocess.run([sys.executable, "-m", "cli.main", "--db", str(path), "demo", "--as-of", AS_OF], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    return path


def bench_navigation(path: Path, runs: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    from tests.browser_util import CHROMIUM, CHROMIUM_ARGS, running_app

    first, later = [], []
    with running_app(path) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        done = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        page.goto(url + "/")
        page.get_by_text("碳预算晴雨表").first.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_function(done, timeout=TIMEOUT_MS)
        page.get_by_role("button", name="以管理员身份登录：张管理").click()  # the demo account, from the sign-in page
        page.wait_for_function(done, timeout=TIMEOUT_MS)
        page.get_by_role("button", name="登录", exact=True).click()
        page.get_by_text("已登录：张管理").first.wait_for(timeout=TIMEOUT_MS)
        for r in range(runs + 1):
            for label, title in WALK:
                nav = page.locator('[data-testid="stSidebarNav"]')
                more = nav.get_by_text(re.compile(r"^View \d+ more$"))
                if more.count():
                    more.first.click()  # a long navigation folds its tail
                link = nav.locator("a").filter(has=page.get_by_text(label, exact=True)).first
                t0 = time.perf_counter()
                link.click()
                page.locator("h1, .sc-title").filter(has_text=title).first.wait_for(timeout=TIMEOUT_MS)
                page.wait_for_function(done, timeout=TIMEOUT_MS)
                (first if r == 0 else later).append(time.perf_counter() - t0)
        browser.close()
    return first, later


def bench_draft(path: Path, runs: int) -> tuple[float, float]:
    from services import plan_view

    args = dict(scenario="policy", method="history", reserve=0.03)
    times = []
    for i in range(runs):
        t0 = time.perf_counter()
        years = f"{2031 + 5 * i}-{2035 + 5 * i}"  # a new plan each time (a draft of existing years would be refused)
        r = plan_view._result(*plan_view.actions._cli(str(path), "plan", "draft", "--parent", "SF", "--years", years,
                                                      "--user", "张管理", "--note", f"bench {i}",
                                                      *plan_view._params(**args), "--json"))
        times.append(time.perf_counter() - t0)
        assert r.ok, (r.message_en, r.payload)
    t_start, _ = timed(lambda: subprocess.run([sys.executable, "-m", "cli.main", "--help"], cwd=ROOT, capture_output=True,
                                              check=True), repeat=3)  # what starting the child process costs alone
    return statistics.median(times), t_start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    path = build(tmp)
    first, later = bench_navigation(path, args.runs)
    med = statistics.median(later)
    print(f"page-to-page navigation, 12-city demo, signed in as the demo admin ({len(WALK)} pages × {args.runs} rounds, "
          f"click in the sidebar → title shown and run finished): median {med:.2f} s [target < {NAV_TARGET_S:g} s] "
          f"{verdict(med, NAV_TARGET_S)}; p90 {sorted(later)[int(0.9 * (len(later) - 1))]:.2f} s; first visit of each "
          f"page (cold caches) median {statistics.median(first):.2f} s")
    d, d_in = bench_draft(path, args.runs)
    print(f"plan draft save (the page's path: CLI `plan draft` in a child process, {args.runs} runs): median {d:.2f} s "
          f"[target < {DRAFT_TARGET_S:g} s] {verdict(d, DRAFT_TARGET_S)}; of which starting the CLI process: {d_in:.2f} s")


if __name__ == "__main__":
    main()
