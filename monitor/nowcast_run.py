"""Train the nowcast on what the warehouse knows and store the run (shared by CLI, demo, uploads)."""
from __future__ import annotations

import nowcast
from budget import lmdi
from warehouse import catalog, db, model_runs, periods, queries

#: Rolling origins scored in a stored run's backtest (as many again warm up its interval calibration):
#: enough residuals for the 80/90% bands, few enough that a refresh after an upload stays short.
CALIBRATION_ORIGINS = 4
#: Origins of the second, smaller backtest without thermal generation (circularity check: Carbon
#: Monitor-style CO2 is computed from thermal generation, so gen_thermal flatters any model).
CIRCULARITY_ORIGINS = 1
CIRCULAR_DRIVERS = ("gen_thermal",)
#: Not drivers of the nowcast: sector value added serves the accounts' LMDI structure effect; GDP
#: already carries the economy into the model.
NOT_DRIVERS = lmdi.VA_INDICATORS


def model_obs(obs):
    """The warehouse's model inputs without the indicators that are not nowcast drivers."""
    return obs[~obs["indicator"].isin(NOT_DRIVERS)].reset_index(drop=True)


def hierarchy(regions) -> dict[str, list[str]]:
    """parent code -> child codes, from the regions table (code, parent)."""
    out: dict[str, list[str]] = {}
    for code, parent in zip(regions["code"], regions["parent"]):
        if isinstance(parent, str) and parent and parent != code:
            out.setdefault(parent, []).append(str(code))
    return out


def circularity(obs, drivers=CIRCULAR_DRIVERS, origins: int = CIRCULARITY_ORIGINS) -> dict | None:
    """Backtest summary without ``drivers`` (None when the data hold none of them)."""
    present = [d for d in drivers if (obs["indicator"] == d).any()]
    if not present:
        return None
    try:
        bt = nowcast.run_backtest(obs, target=catalog.TARGET, origins=origins, drop_indicators=tuple(present))
    except ValueError as exc:
        return {"dropped": present, "error": str(exc)}
    return {"dropped": present, "origins": bt.settings.get("origins", []),
            "summary": bt.summary.to_dict(orient="records")}


def run_and_store(db_path: str, as_of: str | None = None, user: str = "system") -> dict:
    """Train on what the warehouse knows as of ``as_of`` and store the run and its estimates."""

    with db.connect(db_path) as con:
        obs = model_obs(model_runs.model_inputs(con, as_of))
        regions = queries.regions(con)
    if obs.empty:
        raise ValueError("the warehouse holds no statistical data to train on")
    as_of = as_of or obs.loc[periods.is_month(obs["period"]), "period"].max()
    result = nowcast.nowcast(obs, target=catalog.TARGET, as_of=as_of, origins=CALIBRATION_ORIGINS,
                             hierarchy=hierarchy(regions))
    settings = dict(result.settings)
    settings["circularity"] = circularity(obs)
    with db.transaction(db_path) as con:
        run = model_runs.store_model_run(
            con, as_of=as_of, data_cut=result.settings.get("data_cut"), settings=settings,
            summary=result.summary, metrics=result.metrics, skipped=result.skipped, estimates=result.estimates,
            created_by=user)
    unit = catalog.indicators().set_index("code").loc[catalog.TARGET, "unit"]
    estimates = [
        {"region": r.region, "period": r.period, "value": round(float(r.value), 3), "lo80": round(float(r.lo80), 3),
         "hi80": round(float(r.hi80), 3), "lo90": round(float(r.lo90), 3), "hi90": round(float(r.hi90), 3), "unit": unit}
        for r in result.estimates.itertuples()
    ]
    product = settings.get("product", {})
    run_info = {**run, "as_of": as_of, "data_cut": result.settings.get("data_cut"),
                "skipped": result.skipped.to_dict(orient="records"),
                "summary": result.summary.to_dict(orient="records"),
                "product": {h: {"chosen": c.get("chosen"), "weights": c.get("weights"), "evidence": c.get("evidence")}
                            for h, c in product.get("choice", {}).items()}}
    return {"model_run": run_info, "estimates": estimates}


def choice_table(settings: dict | None) -> list[dict]:
    """The stored run's product choice, one row per horizon: horizon, chosen, weights {model: w}, n."""
    choice = ((settings or {}).get("product") or {}).get("choice") or {}
    return [{"horizon": int(h), "chosen": c.get("chosen"), "weights": dict(c.get("weights") or {}),
             "n": int(c.get("n") or 0), "pooled": bool(c.get("pooled_horizons"))}
            for h, c in sorted(choice.items(), key=lambda kv: int(kv[0]))]


def circularity_table(summary: list[dict] | None, settings: dict | None) -> list[dict]:
    """Per model: MAPE with every driver (the run's backtest) and without the circular drivers."""
    circ = (settings or {}).get("circularity") or {}
    if not summary or not circ.get("summary"):
        return []
    def mean_by_model(rows):
        out: dict[str, list[float]] = {}
        for r in rows:
            if r.get("mape") is not None:
                out.setdefault(r["model"], []).append(float(r["mape"]))
        return {m: sum(v) / len(v) for m, v in out.items()}
    with_, without = mean_by_model(summary), mean_by_model(circ["summary"])
    return [{"model": m, "with": with_[m], "without": without.get(m)} for m in with_]
