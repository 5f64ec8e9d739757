"""What the measures mean for the outlook, the recommended mix per city and the quarterly bulletin's
tables, composed from a status report and the measures register (pure: no streamlit)."""
from __future__ import annotations

from datetime import date

import pandas as pd

from budget import config as bconfig
from budget import measures as bm
from budget import mix, whatif
from budget.policy import instruments
from monitor.status import StatusReport


def outlook(report: StatusReport, measures: pd.DataFrame, region: str | None = None, include=None) -> pd.DataFrame:
    """``whatif.OUTLOOK_COLUMNS`` for one region (or all): ``include`` = measure ids switched on
    (None: every measure not cancelled)."""
    prog, paths = report.progress, report.paths
    if region is not None:
        prog = prog[prog["region"] == region]
        paths = paths[paths["region"] == region]
        if region != report.province:
            measures = measures[measures["region"] == region]
    return whatif.outlook(prog, paths, measures, report.year, include=include, province=report.province)


def city_mix(report: StatusReport, measures: pd.DataFrame, region: str, indicator_catalog: pd.DataFrame | None = None) -> pd.DataFrame:
    """The recommended mix for ``region`` (``mix.MIX_COLUMNS``) from its status, its alert's drivers and
    nowcast attribution, a separately-listed project, and the measures it already has."""
    row = report.progress.set_index("region").loc[region]
    alert = report.alerts[report.alerts["region"] == region]
    drivers = alert["drivers"].iloc[0] if len(alert) else []
    contributions = alert["contributions"].iloc[0] if len(alert) else []
    projects = alert["projects"].iloc[0] if len(alert) else []
    status = row["status"] if isinstance(row["status"], str) else None
    return mix.recommend_mix(status, drivers, contributions, bool(projects), measures[measures["region"] == region],
                             indicator_catalog)


def _label(table: dict, key, lang: str) -> str:
    return bconfig.label(table, key, lang) if isinstance(key, str) else "—"


def bulletin_frames(report: StatusReport, register: dict, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """The quarterly bulletin's tables (headers in ``lang``): cities (status, level and its change, P
    with and without measures), measures (owner, status, expected, latest report), approved applications."""
    zh = lang == "zh"
    name = "name_zh" if zh else "name_en"
    prog = report.progress
    names = prog.set_index("region")[name].to_dict()
    order = {"green": 0, "orange": 1, "red": 2}

    def change(now, before) -> str:
        if not isinstance(now, str) or not isinstance(before, str):
            return "—"
        d = order[now] - order[before]
        return ("▲ 升级" if zh else "▲ worse") if d > 0 else ("▼ 降级" if zh else "▼ better") if d < 0 else ("＝ 不变" if zh else "＝ same")

    ms = register["measures"]
    n_by_city = ms[ms["effective_status"] != "cancelled"].groupby("region").size() if len(ms) else pd.Series(dtype=int)
    cities = pd.DataFrame({
        ("城市" if zh else "City"): prog[name],
        ("状态" if zh else "Status"): [_label(bconfig.STATUS_LABELS, s, lang) for s in prog["status"]],
        ("预警等级" if zh else "Level"): [_label(bconfig.LEVEL_LABELS, s, lang) for s in prog["warning_level"]],
        ("上季末等级" if zh else "Previous level"): [_label(bconfig.LEVEL_LABELS, s, lang) for s in prog["previous_level"]],
        ("等级变化" if zh else "Change"): [change(a, b) for a, b in zip(prog["warning_level"], prog["previous_level"])],
        ("偏差%" if zh else "Deviation %"): (prog["deviation"] * 100).round(1),
        ("超支概率%" if zh else "P(overspend) %"): (prog["p_overspend"] * 100).round(1),
        ("计入措施后%" if zh else "With measures %"): (prog["p_overspend_with_measures"] * 100).round(1),
        ("措施数" if zh else "Measures"): prog["region"].map(n_by_city).fillna(0).astype(int),
    })
    reps = register["reports"]
    latest = reps.sort_values("submitted_at").drop_duplicates("measure_id", keep="last").set_index("measure_id") \
        if len(reps) else pd.DataFrame(columns=["period", "text", "review_status"])
    tb = instruments().set_index("code")
    review = {"submitted": ("待审核", "submitted"), "accepted": ("已采纳", "accepted"),
              "changes_requested": ("需修改", "changes requested")}
    rows = []
    for m in ms.to_dict("records"):
        rep = latest.loc[m["measure_id"]] if m["measure_id"] in latest.index else None
        rows.append({
            ("城市" if zh else "City"): names.get(m["region"], m["region"]),
            ("措施" if zh else "Measure"): m["title"],
            ("政策工具" if zh else "Instrument"): tb[name].get(m["instrument"], m["instrument"]),
            ("责任部门" if zh else "Owner"): m["owner_dept"],
            ("状态" if zh else "Status"): bm.status_label(m["effective_status"], lang),
            ("计划" if zh else "Planned"): f"{m['planned_start']}–{m['planned_end']}",
            ("预期年减排(万吨)" if zh else "Expected (10^4 t/yr)"): float(m["reduction"]),
            ("最新进展" if zh else "Latest report"): "—" if rep is None else f"{rep['period']} {rep['text']}"[:120],
            ("审核" if zh else "Review"): "—" if rep is None else review.get(rep["review_status"], ("", ""))[0 if zh else 1],
        })
    measures_frame = pd.DataFrame(rows)
    apps = register["applications"]
    ok = apps[apps["status"].isin(["approve", "partly"])]
    kind = {"separately_listed": ("单列指标", "Separately-listed quota"), "advance": ("预支", "Advance")}
    approved = pd.DataFrame({
        ("城市" if zh else "City"): ok["region"].map(lambda r: names.get(r, r)),
        ("类型" if zh else "Kind"): ok["kind"].map(lambda k: kind[k][0 if zh else 1]),
        ("项目" if zh else "Project"): ok["project"].fillna("—"),
        ("年份" if zh else "Year"): ok["year"].astype(int),
        ("申请(万吨)" if zh else "Requested (10^4 t)"): ok["amount"].astype(float),
        ("批准(万吨)" if zh else "Granted (10^4 t)"): ok["amount_granted"].astype(float),
        ("审核人" if zh else "Reviewer"): ok["reviewer"],
        ("理由" if zh else "Reason"): ok["review_reason"],
    })
    return {"cities": cities, "measures": measures_frame, "applications": approved}


def quarter_label(report: StatusReport, lang: str = "zh") -> str:
    q = (report.month - 1) // 3 + 1
    return f"{report.year}年第{q}季度" if lang == "zh" else f"{report.year} Q{q}"


def today() -> date:
    return date.today()
