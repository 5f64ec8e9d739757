"""Screenshots of the meeting-room screen (会议大屏) at 1920×1080, for the demo and for the 31-province pack.

Run: .venv/bin/python benchmarks/screen_shots.py [--pack ../shared/data/china-provinces-monthly]

1. Demo: `carbon-budget demo` (12 cities), the app started as `carbon-budget serve` starts it.
2. Real pack (when present beside the checkout): the README's real-data steps through the CLI — regions load,
   ingest --accept-valid-rows, an admin, `plan draft --parent <the tree's root> --years 2021-2025`, its approval, `nowcast`.
For each, in Chinese and in English, Chromium opens `/screen` at 1920×1080 and the script prints what is on
the screen: which map (real boundaries or tiles), how many regions carry a text alternative with their level,
whether the map's accessible name says it is a map, where the map sits (on the first screen or not), and the
time until the map was drawn. PNGs go to benchmarks/out/screen_<name>_<lang>.png.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from page_views import CHROMIUM, CHROMIUM_ARGS, DONE_JS, server  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
CLI = [sys.executable, "-m", "cli.main"]
WORD = {"zh": "地图", "en": "map"}


def cli(db: Path, *args: str, stdin: str | None = None, check: bool = True) -> None:
    subprocess.run([*CLI, "--db", str(db), *args], cwd=ROOT, check=check, input=stdin, text=True,
                   stdout=subprocess.DEVNULL)


def build_demo(db: Path) -> None:
    cli(db, "demo")


def build_pack(db: Path, pack: Path) -> None:
    cli(db, "regions", "load", str(pack / "regions.csv"))
    # exit 1: the pack's negative months are refused, the other rows load
    cli(db, "ingest", str(pack / "observations.csv"), "--accept-valid-rows", check=False)
    cli(db, "users", "add", "shots-admin", "--role", "admin", stdin="shots-pass-123\nshots-pass-123\n")
    regions = pd.read_csv(pack / "regions.csv", dtype=str)
    parent = regions.loc[regions["parent"].isna(), "code"].iloc[0]   # the tree's root: the pack's country
    cli(db, "plan", "draft", "--parent", parent, "--years", "2021-2025", "--user", "shots-admin")
    cli(db, "plan", "approve", f"{parent}-2021-2025", "--version", "1", "--user", "shots-admin")
    cli(db, "nowcast")


def shoot(url: str, name: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for lang in ("zh", "en"):
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            t0 = time.perf_counter()
            page.goto(f"{url}/screen?lang={lang}")
            svg = page.locator("svg.rm-map").first
            svg.wait_for(timeout=180_000)
            page.wait_for_function(DONE_JS, timeout=180_000)
            drawn = time.perf_counter() - t0
            regions = page.locator("svg.rm-map .rm-region")
            labels = [regions.nth(i).get_attribute("aria-label") or "" for i in range(regions.count())]
            box = svg.bounding_box()
            kind = "real boundaries" if page.locator("svg.rm-map path.rm-region").count() else "tiles"
            shot = OUT / f"screen_{name}_{lang}.png"
            page.screenshot(path=str(shot))
            print(f"{name} {lang}: {kind}; {sum(1 for x in labels if x)} of {len(labels)} regions with a text "
                  f"alternative (e.g. {labels[0][:70]!r}); map's name says map: "
                  f"{WORD[lang] in (svg.get_attribute('aria-label') or '').lower()}; map {box['width']:.0f}×"
                  f"{box['height']:.0f} px at y={box['y']:.0f} (first screen: {box['y'] + box['height'] / 2 < 1080}); "
                  f"drawn {drawn:.1f} s after the load; {shot.relative_to(ROOT)}")
            page.close()
        browser.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack", default=str(ROOT.parent / "shared" / "data" / "china-provinces-monthly"))
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        builds = [("demo", build_demo)]
        pack = Path(args.pack)
        if (pack / "regions.csv").exists():
            builds.append(("provinces", lambda db: build_pack(db, pack)))
        else:
            print(f"no pack at {pack}: the demo only")
        for name, build in builds:
            db = Path(folder) / f"{name}.duckdb"
            build(db)
            with server(db, ROOT) as (url, _pid):
                shoot(url, name)


if __name__ == "__main__":
    main()
