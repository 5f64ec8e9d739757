"""Mutation testing of the core modules with mutmut: kill rate per module and the surviving mutants.

A suite is worth the bugs it catches. mutmut plants one small change at a time in a module (an
operator, a constant, a comparison, a string, a dropped argument) and runs the tests that cover the
changed function; a mutant that no test notices "survives". This script runs mutmut once per core
module with only that module's covering test files (``MODULES`` below), ONE worker (the machine is
shared), and prints per module: mutants, killed, survived, no covering test, timeouts, and the kill
rate; then every surviving mutant as a diff. It is slow (minutes per module): not part of
``make test``.

    .venv/bin/python benchmarks/mutation.py                           # every core module
    .venv/bin/python benchmarks/mutation.py --module budget/status.py # one module while developing
    .venv/bin/python benchmarks/mutation.py --module budget/status.py --tests tests/test_x.py
    .venv/bin/python benchmarks/mutation.py --list                    # modules and their tests

How it runs: each module gets a scratch copy of the working tree under ``benchmarks/out/mutation/``
(git-ignored), with a ``[tool.mutmut]`` section naming the one module to mutate and its test files;
``python -m mutmut run --max-children 1`` runs there (mutmut works on a ``mutants/`` copy and maps
every test to the functions it calls, so each mutant runs only the tests that reach it). Tests
marked ``slow`` or ``browser`` are left out. mutmut is the optional extra ``mutation`` in
pyproject.toml (``pip install -e ".[mutation]"``); the script installs it into this interpreter if
it is missing. Kill rate = killed (incl. timeouts) / (killed + survived + no covering test).
Known equivalent survivors are listed in ``EQUIVALENT`` with the reason; they are printed
separately and the rate "without equivalents" leaves them out.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "mutation"
MUTMUT = "mutmut==3.8.1"  # keep in step with the `mutation` extra in pyproject.toml
TARGET = 0.85
PACKAGES = ["budget", "nowcast", "engines", "monitor", "warehouse", "intake", "reports", "services", "cli",
            "demo_province", "app_pages"]
ALSO_COPY = ["data", "app.py", "Makefile"]
# Tests that read the source files themselves (size and import rules) fail on mutmut's instrumented copy for
# every mutant alike, which would count as a kill: leave them out.
SOURCE_CHECKS = ["tests/test_budget_progress.py::test_budget_package_stays_pure_and_small",
                 "tests/test_meters_job.py::test_engines_room_stays_pure"]
PYTEST_ARGS = ["-m", "not slow and not browser", "-p", "no:cacheprovider"] + [
    arg for t in SOURCE_CHECKS for arg in ("--deselect", t)]
IGNORE = shutil.ignore_patterns(".git", ".venv", "mutants", "out", "__pycache__", "*.pyc", "*.duckdb", "*.duckdb.wal",
                                "*.duckdb.meters", ".hypothesis", ".pytest_cache", "*.egg-info")

# Core module -> its covering test files: the unit tests that call it (directly or through the layer right
# above) and build no demo warehouse, so a mutant costs seconds, not minutes. mutmut narrows further, per
# function, to the tests that actually reach it. Integration tests (pages, CLI, demo) are not counted here.
MODULES: dict[str, list[str]] = {
    "budget/adjustment_rule.py": ["tests/test_accounts_logic.py", "tests/test_core_accounts.py"],
    "budget/alerts.py": ["tests/test_budget_progress.py", "tests/test_core_alerts.py"],
    "budget/allocation.py": ["tests/test_plan_logic.py", "tests/test_core_plan.py"],
    "budget/evaluation.py": ["tests/test_accounts_logic.py", "tests/test_core_accounts.py"],
    "budget/ledger.py": ["tests/test_budget_ledger.py"],
    "budget/lmdi.py": ["tests/test_accounts_logic.py", "tests/test_core_lmdi.py"],
    "budget/measures.py": ["tests/test_measures_logic.py", "tests/test_core_measures.py"],
    "budget/mix.py": ["tests/test_measures_logic.py", "tests/test_core_measures.py"],
    "budget/periods.py": ["tests/test_budget_progress.py", "tests/test_core_periods.py"],
    "budget/plan.py": ["tests/test_budget_ledger.py", "tests/test_plan_logic.py", "tests/test_core_plan.py"],
    "budget/plan_versions.py": ["tests/test_plan_logic.py"],
    "budget/policy.py": ["tests/test_budget_progress.py", "tests/test_measures_logic.py", "tests/test_core_alerts.py"],
    "budget/progress.py": ["tests/test_budget_progress.py", "tests/test_budget_speed_equivalence.py",
                           "tests/test_core_progress.py"],
    "budget/projection.py": ["tests/test_budget_progress.py", "tests/test_core_progress.py"],
    "budget/rankings.py": ["tests/test_budget_progress.py", "tests/test_core_progress.py"],
    "budget/scenarios.py": ["tests/test_plan_logic.py", "tests/test_core_plan.py"],
    "budget/schedule.py": ["tests/test_budget_progress.py", "tests/test_core_progress.py"],
    "budget/status.py": ["tests/test_budget_progress.py", "tests/test_core_progress.py"],
    "budget/whatif.py": ["tests/test_measures_logic.py", "tests/test_core_measures.py"],
    "budget/year_close.py": ["tests/test_accounts_logic.py", "tests/test_core_accounts.py"],
    "nowcast/product.py": ["tests/test_nowcast_product.py"],
    "nowcast/intervals.py": ["tests/test_nowcast_product.py"],
    "nowcast/reconcile.py": ["tests/test_core_reconcile.py"],
    "engines/meter_job.py": ["tests/test_meters_job.py", "tests/test_core_engines.py"],
    "engines/duckdb_engine.py": ["tests/test_meters_job.py", "tests/test_core_engines.py"],
    "engines/__init__.py": ["tests/test_meters_job.py", "tests/test_core_engines.py"],
    "monitor/ledger_change.py": ["tests/test_trust_authority.py"],
    "warehouse/users.py": ["tests/test_users.py", "tests/test_users_scope.py"],
    "intake/validate.py": ["tests/test_upload_validate.py", "tests/test_core_intake.py"],
    "intake/row_checks.py": ["tests/test_upload_validate.py", "tests/test_core_intake.py"],
    "intake/meters_validate.py": ["tests/test_meters_ingest.py", "tests/test_core_intake.py"],
    "intake/registry.py": ["tests/test_plan_registry.py", "tests/test_core_intake.py"],
    "reports/safe_text.py": ["tests/test_reports_defuse.py"],
}

# Survivors that no test can kill because the mutant behaves exactly like the original, with the reason.
# Key: mutmut's mutant name (numbered per function: an edit of the function renumbers them, so re-check the
# list after changing a module). Keep the reason specific: what makes the two programs equal.
EQUIVALENT: dict[str, str] = {}


def _same(reason: str, prefix: str, *numbers: int) -> None:
    for n in numbers:
        EQUIVALENT[f"{prefix}__mutmut_{n}"] = reason


_same("rank(ascending=None): pandas sorts descending for any falsy value", "budget.rankings.x__rank", 2)
_same("astype(None) of a numeric column is float64, as astype(float)", "budget.rankings.x__rank", 6)
_same("previous ranks as float instead of Int64: cast to Int64 again before the subtraction",
      "budget.rankings.x_rank_cities", 39, 56)
_same("na_position='last' is sort_values' default", "budget.rankings.x_rank_cities", 82)
_same("groupby sort order: cumcount() and transform('size') are aligned with the input rows",
      "budget.schedule.x__last_years", 3, 5, 8, 12, 14, 17)
_same("years == 0 takes np.minimum(-0, size) = 0 either way (and zeros_like(None) is a zero as well)",
      "budget.schedule.x__last_years", 33, 35, 37)
_same("totals and counts come from the same group-by: reindex(None) leaves the same index",
      "budget.schedule.x_seasonal_pattern", 25)
_same("None assigned into a float array is NaN", "budget.schedule.x_seasonal_pattern", 130)
_same("merge on region and year: the chosen frame has only those columns, the common ones",
      "budget.schedule.x_seasonal_pattern", 63, 65)
_same("a chosen year is complete, so unstack already gives the month columns 1..12 in order",
      "budget.schedule.x_seasonal_pattern", 71)
_same("the values are float already (monthly_frame casts them)", "budget.schedule.x_seasonal_pattern", 91)
_same("axis=0 / nan=0.0 are numpy's defaults", "budget.schedule.x_seasonal_pattern", 149, 153, 161)
_same("each row of the mean already sums to 1: dividing or multiplying by 1", "budget.schedule.x_seasonal_pattern", 188)
_same("the dict already lists the columns in that order", "budget.schedule.x_seasonal_pattern", 211, 213)
_same("an array of str: tolist() gives the same Python strings", "budget.schedule.x_seasonal_pattern", 221, 223)
_same("np.arange of ints is int64 on the 64-bit platforms the project runs on",
      "budget.schedule.x_seasonal_pattern", 233, 236)
_same("a missing value becomes text that is not a month either way ('None', 'nan', 'XXXX')",
      "budget.whatif.x__month_numbers", 4, 6, 8)
_same("fullmatch on text values leaves no missing value to fill; a bool Series gives a bool array",
      "budget.whatif.x__month_numbers", 10, 11, 14)
_same("str[5:8] of a 7-character YYYY-MM is str[5:7]", "budget.whatif.x__month_numbers", 30)
_same("to_numpy(dtype=None) of an int, float, bool or text column gives the same values",
      "budget.whatif.x_outlook", 29, 34, 38, 79, 86, 92, 95, 143)
_same("nan=0.0 is np.nan_to_num's default", "budget.whatif.x_outlook", 72, 110, 157)
_same("NaN values are already excluded by the isfinite mask before", "budget.whatif.x_outlook", 73)
_same("None assigned into a float array is NaN", "budget.whatif.x_outlook", 113)
_same("the dict already lists the columns in that order", "budget.whatif.x_outlook", 116, 118)
_same("a bool Series gives a bool array", "budget.whatif.x_reduction_grid", 22, 24)
_same("to_numeric gives float64 already", "budget.whatif.x_reduction_grid", 77)
_same("np.errstate only silences warnings", "budget.whatif.x_reduction_grid", 92)
_same("keep='first' is drop_duplicates' default", "budget.policy.x_instruments", 11)
_same("keep='first' is drop_duplicates' default; sort_values ignores kind when sorting on several columns",
      "budget.policy.x_recommend_policies", 35, 37, 39, 44, 45)
_same("monthly_frame sorts and resets the index after the concat", "budget.periods.x__lay_jan_feb", 180)
_same("astype(None) of year text then astype(int) gives the same years", "budget.periods.x_gdp_by_quarter", 50)
_same("a bool Series gives a bool array; 'span' is only missing when no Jan-Feb row was laid",
      "budget.periods.x_monthly_frame", 40, 50)
_same("the relevance map gives float already", "budget.alerts.x_driver_changes", 150)
_same("an empty frame: no values whose dtype could differ", "budget.alerts.x_driver_changes", 170)
_same("pandas reads the orient case-insensitively", "budget.alerts.x_build_alerts", 70)
_same("group ids are 0..n-1 in order already: sorting them changes nothing", "intake.row_checks.x_duplicate_groups",
      16, 18)
_same("SQL keywords and settings are case-insensitive", "engines.duckdb_engine.xǁDuckDBEngineǁ__init__", 11, 12)
_same("SQL keywords and settings are case-insensitive", "engines.duckdb_engine.xǁDuckDBEngineǁread_parquet", 25, 27)
_same("SQL keywords and settings are case-insensitive", "engines.duckdb_engine.xǁDuckDBEngineǁview", 6, 8)
_same("a Protocol's method body is never run", "engines.xǁEngineǁview", 1)
_same("a dev of None/NaN is always 'no_data', whose text has no percentage", "budget.adjustment_rule.x__reason", 10)
_same("pd.Series(None).fillna(False) is the same all-False mask", "budget.adjustment_rule.x_propose", 50)
_same("any language but 'zh' is English", "budget.adjustment_rule.x_propose", 370)
_same("np.errstate only silences warnings", "budget.projection.x_project_grid", 90, 130)
_same("the schedule is float already", "budget.progress.x__core", 30)
_same("np.errstate only silences warnings", "budget.progress.x__intensity", 120)
_same("a GDP of 0 is masked to NaN by ~(gdp <= 0) whatever the divisor", "budget.progress.x__intensity", 140)
_same("itertuples(index=None) yields no index, like index=False", "nowcast.reconcile.x_reconcile", 12)
_same("ok = None is as false as ok = False for the `if not ok` after it", "nowcast.reconcile.x_reconcile", 47)
_same("defuse() returns a non-text column name unchanged", "reports.safe_text.x_defuse_frame", 9)
_same("CRLF is the csv module's default line terminator", "reports.safe_text.x_rows_csv_bytes", 6)
_same("codec names are case-insensitive", "reports.safe_text.x_rows_csv_bytes", 11)
_same("codec names are case-insensitive", "reports.safe_text.x_to_csv_bytes", 6)
_same("to_csv(index=None) writes no index, like index=False", "reports.safe_text.x_to_csv_bytes", 2)
_same("to_csv(index=None) writes no index, like index=False", "reports.safe_text.x_write_csv", 2)


def ensure_mutmut() -> None:
    if importlib.util.find_spec("mutmut") is None:
        print(f"mutmut is missing: installing {MUTMUT} (the `mutation` extra) into {sys.prefix}")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", MUTMUT], check=True)


def scratch_copy(module: str, tests: list[str], head: bool) -> Path:
    """A fresh copy of the working tree (or of the last commit, with the module's test files from the working
    tree) whose pyproject.toml tells mutmut what to mutate and which tests to run."""
    work = OUT / module.replace("/", "__").removesuffix(".py")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    if head:
        archive = subprocess.run(["git", "archive", "HEAD", *PACKAGES, "tests", *ALSO_COPY], cwd=ROOT,
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(work)], input=archive, check=True)
        for t in tests:
            shutil.copy2(ROOT / t, work / t)
    else:
        for name in PACKAGES + ["tests"]:
            shutil.copytree(ROOT / name, work / name, ignore=IGNORE)
        for name in ALSO_COPY:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, work / name, ignore=IGNORE)
            elif src.exists():
                shutil.copy2(src, work / name)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    cfg = {
        "source_paths": PACKAGES,
        "only_mutate": [module],
        "also_copy": ALSO_COPY,
        "pytest_add_cli_args": PYTEST_ARGS,
        "pytest_add_cli_args_test_selection": tests,
        "use_git_change_detection": False,
        "track_dependencies": False,
    }
    lines = ["", "[tool.mutmut]"] + [f"{k} = {json.dumps(v)}" for k, v in cfg.items()]
    (work / "pyproject.toml").write_text(text + "\n".join(lines) + "\n", encoding="utf-8")
    return work


STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 35: "suspicious",
          36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout", 37: "killed"}


SAMPLES = {1: [], 2: ["*__mutmut_*[02468]"], 5: ["*__mutmut_*[05]"], 10: ["*__mutmut_*0"]}


_DIFFS = """
import json, sys
from mutmut.mutation.diff_apply import get_diff_for_mutant
out = {}
for name in json.loads(sys.stdin.read()):
    try:
        out[name] = get_diff_for_mutant(name)
    except Exception as e:  # a diff is for reading only
        out[name] = f"(no diff: {e})"
print(json.dumps(out))
"""


def survivor_diffs(work: Path, env: dict, names: list[str]) -> dict[str, str]:
    """mutmut's diff of each mutant (in one process: ``mutmut show`` per mutant costs a start-up each)."""
    if not names:
        return {}
    proc = subprocess.run([sys.executable, "-c", _DIFFS], cwd=work, env=env, input=json.dumps(names),
                          capture_output=True, text=True)
    try:
        raw = json.loads(proc.stdout)
    except ValueError:
        raw = {n: f"(no diff: {proc.stderr[-300:]})" for n in names}
    return {n: "\n".join(line for line in raw.get(n, "").splitlines() if not line.startswith(("---", "+++")))
            for n in names}


def workdir(module: str) -> Path:
    return OUT / module.replace("/", "__").removesuffix(".py")


def run_module(module: str, tests: list[str], keep: bool, head: bool = False, sample: int = 1) -> dict:
    missing = [t for t in tests if not (ROOT / t).exists()]
    tests = [t for t in tests if (ROOT / t).exists()]
    if not tests:
        return {"module": module, "error": "no covering test file exists", "seconds": 0.0, "missing_tests": missing}
    work = scratch_copy(module, tests, head)
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "mutmut", "run", "--max-children", "1", *SAMPLES[sample]]
    proc = subprocess.Popen(cmd, cwd=work, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate()
    except BaseException:  # Ctrl-C: stop mutmut and its forked workers (its own process group), then re-raise
        os.killpg(proc.pid, signal.SIGTERM)
        raise
    seconds = time.perf_counter() - t0
    (work / "mutmut.log").write_text(out + "\n--- stderr ---\n" + err, encoding="utf-8")
    (work / "run.json").write_text(json.dumps({"seconds": seconds, "sample": sample, "missing_tests": missing,
                                               "exit": proc.returncode}), encoding="utf-8")
    result = collect(module)
    if not keep and "error" not in result:
        shutil.rmtree(work / "mutants", ignore_errors=True)
    return result


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CARBON_BUDGET_DB",)}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def collect(module: str) -> dict:
    """The result of the last run for ``module`` from mutmut's files in its scratch folder."""
    work = workdir(module)
    run = json.loads((work / "run.json").read_text(encoding="utf-8")) if (work / "run.json").exists() else {}
    seconds, sample, missing = run.get("seconds", 0.0), run.get("sample", 1), run.get("missing_tests", [])
    log = (work / "mutmut.log").read_text(encoding="utf-8") if (work / "mutmut.log").exists() else ""
    meta = work / "mutants" / (module + ".meta")
    if not meta.exists():
        return {"module": module, "error": f"mutmut produced no results (exit {run.get('exit')}); see "
                f"{work}/mutmut.log\n{log[-3000:]}", "seconds": seconds, "missing_tests": missing}
    all_codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    codes = {k: v for k, v in all_codes.items() if v is not None}
    if not codes or (sample == 1 and len(codes) < len(all_codes)):
        return {"module": module, "error": f"mutmut did not check the mutants (exit {run.get('exit')}); see "
                f"{work}/mutmut.log\n{log[-3000:]}", "seconds": seconds, "missing_tests": missing}
    by_status: dict[str, list[str]] = {}
    for name, code in sorted(codes.items(), key=lambda kv: (kv[0].rsplit("_", 1)[0], int(kv[0].rsplit("_", 1)[1]))):
        by_status.setdefault(STATUS.get(code, "suspicious"), []).append(name)
    survivors = by_status.get("survived", []) + by_status.get("no tests", [])
    diffs = survivor_diffs(work, _env(), survivors)
    killed = len(by_status.get("killed", [])) + len(by_status.get("timeout", []))
    counted = killed + len(survivors)
    equivalent = [n for n in survivors if n in EQUIVALENT]
    return {
        "module": module, "seconds": seconds, "missing_tests": missing, "total": len(codes), "generated": len(all_codes),
        "sample": sample, "killed": killed,
        "survived": len(by_status.get("survived", [])), "no_tests": len(by_status.get("no tests", [])),
        "timeout": len(by_status.get("timeout", [])), "other": {k: len(v) for k, v in by_status.items()
                                                                if k not in ("killed", "survived", "no tests", "timeout")},
        "rate": killed / counted if counted else 1.0,
        "rate_without_equivalent": killed / (counted - len(equivalent)) if counted - len(equivalent) else 1.0,
        "survivors": {n: {"status": "no tests" if n in by_status.get("no tests", []) else "survived",
                          "equivalent": EQUIVALENT.get(n), "diff": diffs[n]} for n in survivors},
    }


def rescore(r: dict) -> dict:
    """A saved result with the equivalent survivors marked from the current ``EQUIVALENT`` list."""
    if "error" in r:
        return r
    for name, sv in r["survivors"].items():
        sv["equivalent"] = EQUIVALENT.get(name)
    eq = sum(1 for sv in r["survivors"].values() if sv["equivalent"])
    counted = r["killed"] + len(r["survivors"])
    r["rate_without_equivalent"] = r["killed"] / (counted - eq) if counted - eq else 1.0
    return r


def print_report(results: list[dict]) -> None:
    print()
    if any(r.get("sample", 1) > 1 for r in results):
        print("(sampled: 'mutants' counts the mutants run, a systematic 1-in-K sample of those generated)")
    print(f"{'module':32} {'mutants':>7} {'killed':>6} {'surv.':>5} {'no test':>7} {'equiv.':>6} {'kill rate':>9} "
          f"{'w/o equiv.':>10} {'time':>6}")
    for r in results:
        if "error" in r:
            print(f"{r['module']:32} ERROR {r['error'].splitlines()[0]}")
            continue
        eq = sum(1 for s in r["survivors"].values() if s["equivalent"])
        flag = "" if r["rate_without_equivalent"] >= TARGET else "  < 85%"
        print(f"{r['module']:32} {r['total']:7d} {r['killed']:6d} {r['survived']:5d} {r['no_tests']:7d} {eq:6d} "
              f"{r['rate']:9.1%} {r['rate_without_equivalent']:10.1%} {r['seconds']:5.0f}s{flag}")
    for r in results:
        if "error" in r:
            print(f"\n### {r['module']}: {r['error']}")
            continue
        if r["missing_tests"]:
            print(f"\n### {r['module']}: test files not found (skipped): {', '.join(r['missing_tests'])}")
        if not r["survivors"]:
            continue
        print(f"\n### {r['module']}: {len(r['survivors'])} surviving mutants")
        for name, s in r["survivors"].items():
            tag = f"EQUIVALENT: {s['equivalent']}" if s["equivalent"] else s["status"].upper()
            print(f"- {name} [{tag}]")
            for line in s["diff"].splitlines():
                if line.startswith(("+", "-")):
                    print(f"    {line}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--module", action="append", help="a core module path such as budget/status.py (repeatable)")
    ap.add_argument("--tests", nargs="+", help="test files to use instead of the module's list")
    ap.add_argument("--list", action="store_true", help="print the modules and their test files, run nothing")
    ap.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    ap.add_argument("--head", action="store_true",
                    help="mutate the last commit (with the module's test files from the working tree) instead of "
                         "the working tree: for a tree where others' unfinished edits break the tests")
    ap.add_argument("--sample", type=int, choices=sorted(SAMPLES), default=1,
                    help="run a systematic 1-in-K sample of the mutants (by mutant number) instead of all of them")
    ap.add_argument("--keep", action="store_true", help="keep mutmut's mutants/ folder (for `mutmut show/apply`, "
                                                         "or --report-only later)")
    ap.add_argument("--report-only", action="store_true", help="print the last kept run of each module again")
    ap.add_argument("--from-json", nargs="+", type=Path, metavar="FILE",
                    help="print the results saved by earlier --json runs again (with today's EQUIVALENT list)")
    args = ap.parse_args(argv)
    if args.from_json:
        results = [rescore(r) for f in args.from_json for r in json.loads(f.read_text(encoding="utf-8"))]
        print_report(results)
        return 0
    if args.list:
        for m, t in MODULES.items():
            print(f"{m}: {' '.join(t)}")
        return 0
    modules = args.module or list(MODULES)
    unknown = [m for m in modules if m not in MODULES and not args.tests]
    if unknown:
        print(f"not a core module: {', '.join(unknown)} (see --list, or give --tests)", file=sys.stderr)
        return 1
    ensure_mutmut()
    results = []
    if args.report_only:
        modules = [m for m in modules if (workdir(m) / "mutants").exists()]
    for m in modules:
        print(f"{'reading' if args.report_only else 'mutating'} {m} ...", flush=True)
        r = collect(m) if args.report_only else \
            run_module(m, args.tests or MODULES[m], keep=args.keep, head=args.head, sample=args.sample)
        results.append(r)
        if "error" not in r:
            print(f"  {r['killed']}/{r['total']} killed ({r['rate']:.1%}) in {r['seconds']:.0f}s", flush=True)
    print_report(results)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    bad = [r for r in results if "error" in r or r["rate_without_equivalent"] < TARGET]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
