"""CLI: `nowcast` (train on the warehouse, store a run) and `backtest` (any long CSV, no warehouse)."""
from __future__ import annotations

import json
import sys

import pandas as pd

from monitor.nowcast_run import run_and_store
from reports.safe_text import write_csv
from warehouse import catalog

EXIT_OK, EXIT_REJECTED = 0, 1


def cmd_nowcast(args) -> int:
    try:
        out = run_and_store(args.db_path, as_of=args.as_of)
        from monitor.quarterly import publish_due

        out["published_quarters"] = publish_due(args.db_path)  # a quarter's end reached: its status published once
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1, default=str))
    else:
        run = out["model_run"]
        print(f"model run {run['run_id']}: as of {run['as_of']}, data cut {run['data_cut']}, "
              f"{len(out['estimates'])} estimates stored as kind 'estimated'")
        for h, c in run.get("product", {}).items():
            weights = ", ".join(f"{m} {w:.0%}" for m, w in sorted(c["weights"].items(), key=lambda kv: -kv[1]))
            ev = c.get("evidence") or {}
            why = (f"; vs {ev['baseline']}: gain {ev.get('gain') or 0:.0%}, p={ev['p_value']:.3f} over {ev.get('n_periods')} "
                   f"periods, {'significant' if ev.get('significant') else 'not significant: the baseline'}"
                   if ev.get("p_value") is not None else "")
            print(f"  horizon {h}: product = {c['chosen']} ({weights}{why})")
        for s in run["skipped"]:
            print(f"  skipped {s['region']}: {s['reason']}")
    return EXIT_OK


def read_long_csv(path: str, regions_file: str | None = None) -> tuple[pd.DataFrame, list[str]]:
    """A long CSV region,period,indicator,value,unit in canonical units; (frame, problems)."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        return pd.DataFrame(), [f"cannot read {path}: {exc}"]
    need = ["region", "period", "indicator", "value", "unit"]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        return pd.DataFrame(), [f"missing column(s) {', '.join(missing)}; expected header {','.join(need)}"]
    units = catalog.units()
    canon = catalog.indicators().set_index("code")["unit"]
    frame = raw[need].copy()
    frame["canonical"] = frame["indicator"].map(canon)
    frame = frame.merge(units, on="unit", how="left")
    fits = frame["canonical_unit"].isna() | (frame["canonical_unit"] == frame["canonical"]) | frame["canonical"].isna()
    frame = frame[fits].drop_duplicates(subset=["region", "period", "indicator"], keep="first").copy()
    problems = []
    bad_unit = frame["factor"].isna()
    if bad_unit.any():
        problems.append(f"{int(bad_unit.sum())} rows with an unknown unit ({', '.join(sorted(frame.loc[bad_unit, 'unit'].unique())[:5])}) were left out")
    value = pd.to_numeric(frame["value"], errors="coerce") * frame["factor"]
    frame = frame.assign(value=value)[~bad_unit & value.notna()]
    if regions_file:
        regs = pd.read_csv(regions_file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        mapping = {**dict(zip(regs["name_zh"], regs["code"])), **dict(zip(regs["name_en"], regs["code"]))}
        frame["region"] = frame["region"].map(lambda r: mapping.get(r, r))
    return frame[["region", "period", "indicator", "value"]].reset_index(drop=True), problems


def cmd_backtest(args) -> int:
    import nowcast

    obs, problems = read_long_csv(args.input, args.regions)
    for p in problems:
        print(f"warning: {p}", file=sys.stderr)
    if obs.empty:
        print("error: no usable rows in the input", file=sys.stderr)
        return EXIT_REJECTED
    drop = tuple(args.drop or ())
    try:
        result = nowcast.run_backtest(obs, target=args.target, origins=args.origins, drop_indicators=drop)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    if args.predictions:
        cols = ["model", "region", "period", "origin", "horizon", "prediction", "lo80", "hi80", "lo90", "hi90", "actual"]
        unit = catalog.indicators().set_index("code")["unit"].get(args.target, "")   # values are canonical
        write_csv(result.predictions[cols].assign(unit=unit), args.predictions)
    if args.json:
        print(json.dumps({"summary": result.summary.to_dict(orient="records"),
                          "metrics": result.metrics.to_dict(orient="records")}, ensure_ascii=False, default=str))
    else:
        print(result.summary.to_string(index=False))
    return EXIT_OK


def add_parsers(sub) -> None:
    n = sub.add_parser("nowcast", help="train the electricity-to-carbon model and store estimates")
    n.add_argument("--as-of", default=None, help="use what was known up to this month, YYYY-MM")
    n.add_argument("--json", action="store_true")
    n.set_defaults(func=cmd_nowcast)

    b = sub.add_parser("backtest", help="rolling-origin backtest of every model on a long CSV")
    b.add_argument("--input", required=True)
    b.add_argument("--regions", default=None, help="regions CSV mapping names to codes")
    b.add_argument("--target", default=catalog.TARGET)
    b.add_argument("--origins", type=int, default=6)
    b.add_argument("--drop", action="append", help="indicator to leave out (repeatable), e.g. gen_thermal")
    b.add_argument("--json", action="store_true")
    b.add_argument("--predictions", default=None, help="write model,region,period,origin,horizon,prediction,lo80,hi80,"
                   "lo90,hi90,actual,unit (model 'product' = the estimate the product stores, chosen on past origins "
                   "only; an annual target: the last --origins years, each one year ahead of its origin)")
    b.set_defaults(func=cmd_backtest)
