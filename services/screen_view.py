"""The leadership screen (会议大屏) for the pages: laid out on a 1920×1080 base, readable on a phone; the map of
the regions coloured by warning level (``reports.region_map``), the key figures large, the ranked metric's
bars coloured by that metric, the level changes since last quarter named, and a rotation through the metrics."""
from __future__ import annotations

import html
from functools import lru_cache

import altair as alt
import pandas as pd

from budget import config as bconfig
from reports import region_map
from services import budget_view as bv
from services import units, words
from services.charts import FONT
from services.i18n import lang, name_col, t

METRICS = ("deviation", "p_overspend", "intensity_change", "yoy_change")
ROTATE_SECONDS = 20
#: colour of a ranked metric's bars by its value (red is worse in every language): explicit domain and range
METRIC_SCALES = {
    "deviation": ([-0.10, 0.0, 0.03, 0.08], ["#2e7d32", "#9ccc65", "#f57c00", "#c62828"]),
    "p_overspend": ([0.0, 0.5, 0.8, 1.0], ["#2e7d32", "#f9a825", "#f57c00", "#c62828"]),
    "intensity_change": ([-0.08, 0.0, 0.08], ["#2e7d32", "#eeeeee", "#c62828"]),
    "yoy_change": ([-0.08, 0.0, 0.08], ["#2e7d32", "#eeeeee", "#c62828"]),
}

CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"] {display:none !important;}
.stApp {background:#0b1f33;}
.stMainBlockContainer, .block-container {max-width:1920px !important; padding:1.2rem 2rem 1rem !important;}
.stApp, .stApp p, .stApp span, .stApp label, .stApp h1, .stApp h2, .stApp h3 {color:#e8f1fb;}
.sc-title {font-size:clamp(1.4rem, 2.4vw, 2.9rem) !important; font-weight:700; margin:0; line-height:1.25; color:#ffffff;}
.sc-sub {font-size:clamp(.9rem, 1vw, 1.25rem) !important; color:#9fb6cc !important; margin:.2rem 0 .6rem;}
.sc-figs {display:grid; grid-template-columns:repeat(auto-fit, minmax(150px, 1fr)); gap:12px; margin:.3rem 0 .8rem;}
.sc-fig {background:#12304d; border-radius:10px; padding:10px 14px; border-top:5px solid var(--c, #4fc3f7);}
.sc-fig b {display:block; font-size:clamp(1.2rem, 1.7vw, 2.2rem); line-height:1.15; color:#ffffff; white-space:nowrap;}
.sc-fig span {font-size:clamp(.85rem, .95vw, 1.15rem); color:#9fb6cc !important;}
.sc-map {background:#0f2a44; border-radius:12px; padding:8px;}
.sc-map svg {width:100%; height:auto; max-height:64vh; display:block; margin:0 auto;}
.sc-map .rm-inset-label {fill:#9fb6cc;}
.sc-map .rm-label, .sc-map .rm-tile-name, .sc-map .rm-tile-fig {fill:#0b1f33; font-weight:600; pointer-events:none;}
.sc-map .rm-region:hover, .sc-map .rm-region:focus {opacity:.85; outline:2px solid #fff;}
.sc-legend {display:flex; flex-wrap:wrap; gap:14px; font-size:clamp(.85rem, .95vw, 1.15rem); margin:.4rem 0 0;}
.sc-legend i {display:inline-block; width:16px; height:16px; border-radius:3px; margin-right:6px; vertical-align:-2px;}
.sc-changes {background:#12304d; border-radius:10px; padding:8px 14px; font-size:clamp(.9rem, 1.05vw, 1.3rem);}
.sc-changes li {margin:.15rem 0;}
.sc-up {color:#ff8a80 !important; font-weight:700;} .sc-down {color:#b9f6ca !important; font-weight:700;}
@media (max-width: 800px) {
  .stMainBlockContainer, .block-container {padding:.6rem .6rem !important;}
  .sc-figs {grid-template-columns:repeat(2, 1fr);}
  .sc-map svg {max-height:none;}
}
</style>
"""


def level_color(level) -> str:
    return bconfig.LEVEL_COLORS.get(level, bconfig.MISSING_COLOR) if isinstance(level, str) else bconfig.MISSING_COLOR


def figures_html(rep) -> str:
    """The province's key figures, large."""
    prog = rep.progress
    prov = prog[prog["is_province"].astype(bool)]
    cities = prog[~prog["is_province"].astype(bool)]
    levels = cities["warning_level"].value_counts()
    items = []
    if len(prov):
        p = prov.iloc[0]
        items += [(t("fu_budget"), units.mass(p["budget"]), "#4fc3f7"), (t("fu_used"), units.mass(p["used"]), "#4fc3f7"),
                  (t("bv_execution"), units.pct(p["execution_rate"]), "#4fc3f7"),
                  (t("bv_schedule"), units.pct(p["schedule_progress"]), "#4fc3f7"),
                  (t("bv_deviation"), units.pct(p["deviation"], signed=True), level_color(p["warning_level"])),
                  (t("bv_p_overspend"), units.pct(p["p_overspend"]), level_color(p["warning_level"]))]
    for lvl in ("red", "orange", "green"):
        items.append((t("fu_n_level", level=bv.level_label(lvl), what=words.members(rep)), f"{int(levels.get(lvl, 0))}",
                      level_color(lvl)))
    return '<div class="sc-figs">' + "".join(
        f'<div class="sc-fig" style="--c:{c}"><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>' for k, v, c in items) + "</div>"


def _region_label(r, nc: str) -> str:
    return t("fu_map_region", name=r[nc], level=bv.level_label(r["warning_level"]), status=bv.status_label(r["status"]),
             dev=units.pct(r["deviation"], signed=True), p=units.pct(r["p_overspend"]))


@lru_cache(maxsize=8)
def _map_cached(key: tuple, level: str, aria: str, no_data: str, sea: str) -> tuple[str, str]:
    regions = [region_map.Region(*k) for k in key]
    return region_map.region_map(regions, level, aria, no_data, sea)


def map_html(rep) -> tuple[str, str]:
    """(html, kind) of the map: real boundaries or tiles, each region named with its level and figure."""
    nc = name_col()
    cities = rep.progress[~rep.progress["is_province"].astype(bool)].sort_values("region")
    key = tuple((str(r["region"]), str(r[nc]), level_color(r["warning_level"]), _region_label(r, nc),
                 units.pct(r["deviation"], signed=True), str(r["name_zh"])) for _, r in cities.iterrows())
    level = words.member_level(rep)
    svg, kind = _map_cached(key, level, t("fu_map_aria", what=words.members(rep)), t("fu_no_data"), t("fu_sea_islands"))
    legend = "".join(f'<span><i style="background:{level_color(lv)}"></i>{html.escape(bv.level_label(lv))}</span>'
                     for lv in ("red", "orange", "green"))
    legend += f'<span><i style="background:{region_map.NO_DATA_COLOR}"></i>{html.escape(t("fu_no_data"))}</span>'
    return f'<div class="sc-map">{svg}<div class="sc-legend">{legend}</div></div>', kind


def bars(rep, metric: str) -> alt.Chart:
    """The cities ranked by ``metric`` (1 = needs most attention on top), each bar coloured by its own value."""
    nc = name_col()
    col = {"deviation": "rank_deviation", "intensity_change": "rank_intensity", "yoy_change": "rank_yoy",
           "p_overspend": "rank_p_overspend"}[metric]
    ranked = rep.rankings.sort_values([col, "region"]).reset_index(drop=True)
    frame = pd.DataFrame({"name": ranked[nc], "value": ranked[metric].astype(float),
                          "text": ranked[metric].map(lambda v: units.pct(v, signed=metric != "p_overspend"))})
    domain, rng = METRIC_SCALES[metric]
    step = max(14, min(40, 600 // max(len(frame), 1)))  # 12 cities or 31 provinces: every name shown, all on one screen
    size = min(18, step - 2)
    base = alt.Chart(frame).encode(
        y=alt.Y("name:N", sort=list(frame["name"]), title=None,
                axis=alt.Axis(labelFontSize=size, labelColor="#e8f1fb", labelLimit=0, labelOverlap=False, domain=False, ticks=False)),
        x=alt.X("value:Q", title=None, axis=alt.Axis(format="%", labelColor="#9fb6cc", labelFontSize=size - 4, gridColor="#1d3b5a")))
    bar = base.mark_bar(cornerRadiusEnd=4).encode(
        color=alt.Color("value:Q", scale=alt.Scale(domain=domain, range=rng, clamp=True), legend=None),
        tooltip=[alt.Tooltip("name:N", title=words.member(rep)), alt.Tooltip("text:N", title=t(f"rk_{metric}"))])
    text = base.mark_text(align="left", dx=6, fontSize=size - 2, color="#e8f1fb").encode(text="text:N")
    return alt.layer(bar, text).properties(
        height=alt.Step(step),
        title=alt.TitleParams(t("fu_ranked_by", metric=t(f"rk_{metric}")), fontSize=22, color="#e8f1fb", anchor="start", limit=0),
    ).configure(font=FONT, background="transparent").configure_view(stroke=None)


def changes_html(rep) -> str:
    """The level changes since last quarter's published status, named: ▲ worse, ▼ better."""
    nc = name_col()
    cities = rep.progress[~rep.progress["is_province"].astype(bool)]
    up, down = [], []
    for _, r in cities.iterrows():
        cur, prev = r["warning_level"], r["previous_level"]
        if not isinstance(cur, str) or not isinstance(prev, str) or cur == prev:
            continue
        item = t("fu_change_item", name=r[nc], prev=bv.level_label(prev), cur=bv.level_label(cur))
        (up if bv.LEVEL_ORDER[cur] > bv.LEVEL_ORDER[prev] else down).append(html.escape(item))
    if not up and not down:
        return f'<div class="sc-changes">{html.escape(t("fu_no_changes"))}</div>'
    joiner = "、" if lang() == "zh" else "; "
    lines = [f'<li><span class="sc-up">▲ {html.escape(t("fu_worse"))}</span> ' + joiner.join(up) + "</li>"] if up else []
    lines += [f'<li><span class="sc-down">▼ {html.escape(t("fu_better"))}</span> ' + joiner.join(down) + "</li>"] if down else []
    return f'<div class="sc-changes"><b>{html.escape(t("fu_changes_title"))}</b><ul>{"".join(lines)}</ul></div>'
