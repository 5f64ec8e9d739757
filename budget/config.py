"""The single home for the budget package's thresholds, colours and domain labels.

Every number the budget logic compares against lives here, with the reason for its value.
Labels are *domain* labels (statuses, warning levels, ledger entry types, ledger error messages);
the app keeps its own translation table for ordinary UI text.
"""
from __future__ import annotations

# --------------------------------------------------------------------------------------------
# Status: deviation = execution_rate / schedule_progress - 1 (时序进度偏差)
# --------------------------------------------------------------------------------------------
#: |deviation| <= STATUS_TOLERANCE -> balance (平衡); below -> surplus (盈余); above -> overspend (超支).
#: Both edges belong to "balance" (deviation exactly +3% is still balance).
STATUS_TOLERANCE = 0.03

STATUSES = ("surplus", "balance", "overspend")

# --------------------------------------------------------------------------------------------
# Warning levels (预警等级). A level is reached when EITHER condition holds.
# --------------------------------------------------------------------------------------------
#: red (一级, severe): deviation strictly above +8%, or probability of overspend >= 0.8.
RED_DEVIATION = 0.08
RED_P_OVERSPEND = 0.8
#: orange (二级, tight): deviation strictly above +3%, or probability of overspend >= 0.5.
ORANGE_DEVIATION = 0.03
ORANGE_P_OVERSPEND = 0.5
#: green (三级): on track.
WARNING_LEVELS = ("red", "orange", "green")
#: Severity order used for sorting (higher = more severe).
LEVEL_SEVERITY = {"green": 0, "orange": 1, "red": 2}

#: Deviations are rounded to this many decimals before comparison, so that 1.03 / 1.0 - 1
#: (= 0.030000000000000027 in binary floating point) is treated as exactly +3%.
COMPARISON_DECIMALS = 10

# --------------------------------------------------------------------------------------------
# Ledger rules
# --------------------------------------------------------------------------------------------
#: Default share of the province's annual total set aside as reserve (预留). The Beijing rule caps
#: the adjustment quantity at 5%; the plan refuses reserve shares above RESERVE_SHARE_MAX.
RESERVE_SHARE_DEFAULT = 0.03
RESERVE_SHARE_MAX = 0.05
#: A region may advance (预支) at most this share of its next-year budget (as it stood before any
#: advance) into the current year; cumulative over all advances for that year.
ADVANCE_CAP_SHARE = 0.05
#: Name of the province-held reserve account in ledger entries (from_region / to_region).
RESERVE_ACCOUNT = "reserve"
#: Prefix of another province's account in a cross-province transfer (跨区域调剂), e.g. ``EXTERNAL:湖北省``.
EXTERNAL_PREFIX = "EXTERNAL:"
#: Absolute tolerance (万吨) for "more than the account holds" and balance checks.
LEDGER_TOLERANCE = 1e-6
#: Largest plausible single ledger amount (万吨 CO2): 5×10^6 万吨 = 50 Gt, far above any country's yearly
#: emissions (China ≈ 1.2×10^6 万吨). Larger or non-finite amounts are refused, so sums stay finite.
LEDGER_MAX_AMOUNT = 5e6
#: Plausible calendar years of anything people record (statistics, registries, meter days, measures,
#: applications): a year outside is a typing error and refused with a message (issue 21).
PLAUSIBLE_YEARS = (1990, 2100)
#: Largest weight of one component of a mixed allocation (weights are relative: bounded so their sum
#: stays finite; ``history=1e308,gdp=1e308`` is refused rather than silently becoming equal shares).
PLAN_MAX_WEIGHT = 1000.0

ENTRY_TYPES = (
    "allocation",
    "reserve_set_aside",
    "reserve_release",
    "transfer",
    "advance",
    "separately_listed",
    "adjustment",
    "trade",
)

# --------------------------------------------------------------------------------------------
# Progress and probability of overspend
# --------------------------------------------------------------------------------------------
#: Years of complete monthly history used for the seasonal schedule pattern.
SEASONAL_YEARS = 3
#: z-value of a two-sided 90% normal band: sd = (hi90 - lo90) / (2 * Z90).
Z90 = 1.6448536269514722
#: Projection of a month h months after the last month with data: mean = same month last year x
#: trend; sd = PROJECTION_CV_PER_MONTH x mean x sqrt(h). Errors of the projected months are taken
#: as fully correlated (one common trend error); so are those of the estimated months (one model).
PROJECTION_CV_PER_MONTH = 0.03
#: Recent year-on-year trend = sum of the last TREND_MONTHS months with data in the year / same
#: months a year earlier, clipped to TREND_CLIP.
TREND_MONTHS = 3
TREND_CLIP = (0.7, 1.3)

# --------------------------------------------------------------------------------------------
# Alerts: how strongly a driver's year-on-year change moves CO2 (approximate carbon relevance,
# sign -1 for clean generation whose growth lowers emissions). Score = relevance x yoy change.
# Drivers missing here are ignored when explaining an alert.
# --------------------------------------------------------------------------------------------
DRIVER_RELEVANCE = {
    "gen_thermal": 1.0,
    "fuel_raw_coal": 1.0,
    "out_crude_steel": 1.0,
    "out_pig_iron": 0.9,
    "out_cement": 0.9,
    "fuel_coke": 0.8,
    "elec_total": 0.7,
    "elec_secondary": 0.7,
    "out_flat_glass": 0.6,
    "out_nonferrous": 0.6,
    "out_ethylene": 0.6,
    "elec_net_import": 0.5,
    "fuel_diesel": 0.5,
    "fuel_gasoline": 0.5,
    "fuel_natural_gas": 0.5,
    "fuel_fuel_oil": 0.4,
    "fuel_kerosene": 0.3,
    "fuel_lpg": 0.3,
    "out_steel_products": 0.4,
    "elec_tertiary": 0.4,
    "elec_residential": 0.3,
    "elec_primary": 0.1,
    "gen_hydro": -0.5,
    "gen_wind": -0.5,
    "gen_solar": -0.5,
    "gen_nuclear": -0.5,
}
#: A driver must have moved at least this much (relevance-weighted yoy) to be named.
MIN_DRIVER_SCORE = 0.01
#: How many drivers an alert names.
TOP_DRIVERS = 2

# --------------------------------------------------------------------------------------------
# Colours (hex) per status and warning level
# --------------------------------------------------------------------------------------------
STATUS_COLORS = {"surplus": "#2e7d32", "balance": "#1565c0", "overspend": "#c62828"}
LEVEL_COLORS = {"red": "#d32f2f", "orange": "#f57c00", "green": "#388e3c"}
MISSING_COLOR = "#9e9e9e"
# Colours bound to meanings, never to the order of translated labels (red is bad in every language):
GRADE_COLORS = {"excellent": "#2e7d32", "good": "#1565c0", "pass": "#f9a825", "fail": "#c62828"}
LMDI_FACTOR_COLORS = {"activity": "#5c6bc0", "structure": "#26a69a", "energy_intensity": "#ffa726",
                      "carbon_intensity": "#8d6e63"}

# --------------------------------------------------------------------------------------------
# Domain labels (zh / en)
# --------------------------------------------------------------------------------------------
STATUS_LABELS = {
    "surplus": {"zh": "盈余", "en": "Surplus"},
    "balance": {"zh": "平衡", "en": "Balance"},
    "overspend": {"zh": "超支", "en": "Overspend"},
}
LEVEL_LABELS = {
    "red": {"zh": "一级预警（严重）", "en": "Level 1 (severe)"},
    "orange": {"zh": "二级预警（偏紧）", "en": "Level 2 (tight)"},
    "green": {"zh": "三级（正常）", "en": "Level 3 (on track)"},
}
ENTRY_TYPE_LABELS = {
    "allocation": {"zh": "分配", "en": "Allocation"},
    "reserve_set_aside": {"zh": "预留储备", "en": "Reserve set-aside"},
    "reserve_release": {"zh": "储备下达", "en": "Reserve release"},
    "transfer": {"zh": "调剂", "en": "Transfer"},
    "advance": {"zh": "预支", "en": "Advance"},
    "separately_listed": {"zh": "单列指标", "en": "Separately-listed quota"},
    "adjustment": {"zh": "调整", "en": "Adjustment"},
    "trade": {"zh": "区域指标交易", "en": "Regional quota trade"},
}
POLICY_CASE_LABELS = {
    "surplus": {"zh": "盈余情境", "en": "Surplus"},
    "balance": {"zh": "平衡情境", "en": "Balance"},
    "overspend": {"zh": "超支情境", "en": "Overspend"},
    "major_project": {"zh": "重大项目导致预算偏紧", "en": "Major project straining the budget"},
}
INSTRUMENT_TYPE_LABELS = {
    "control": {"zh": "管控类", "en": "Control"},
    "economic": {"zh": "经济类", "en": "Economic"},
    "information": {"zh": "信息类", "en": "Information"},
}
#: Nowcast driver groups (contribution keys) that are not indicator codes.
DRIVER_GROUP_LABELS = {  # keys = nowcast.features.GROUPS
    "electricity": {"zh": "用电量", "en": "electricity use"},
    "industry": {"zh": "工业产品产量", "en": "industrial output"},
    "power_mix": {"zh": "发电结构", "en": "power mix"},
    "energy_fuel": {"zh": "能源消费", "en": "fuel use"},
    "calendar": {"zh": "日历因素", "en": "calendar"},
    "intensity_trend": {"zh": "碳强度趋势", "en": "intensity trend"},
    "region_other": {"zh": "地区基线", "en": "regional baseline"},
}
#: Contribution groups that are a baseline, not a driver: never named as a cause.
NON_DRIVER_GROUPS = ("region_other",)
#: Ledger error messages; ``{...}`` fields come from LedgerError.params.
LEDGER_ERROR_MESSAGES = {
    "unknown_type": {"zh": "未知的账目类型：{type}", "en": "Unknown entry type: {type}"},
    "invalid_amount": {"zh": "金额无效：{amount}", "en": "Invalid amount: {amount}"},
    "invalid_year": {"zh": "年份无效：{year}", "en": "Invalid year: {year}"},
    "amount_too_large": {"zh": "金额 {amount} 超出合理范围（单笔不超过 {max:,.0f} 万吨）；请检查单位（万吨 CO2）",
                         "en": "Amount {amount} is outside the plausible range (at most {max:,.0f} 10k t per entry); check the unit (10k t CO2)"},
    "unknown_region": {"zh": "没有代码为“{region}”的地区；请用 `carbon-budget regions load` 载入或检查代码",
                       "en": "No region with code '{region}'; load it with `carbon-budget regions load` or check the code"},
    "closed_year": {"zh": "{year} 年已完成年度决算，预算账目不可再变动；请调整下一年度",
                    "en": "Year {year} is closed (annual final accounts approved); its books cannot change — adjust the next year instead"},
    "missing_field": {"zh": "缺少字段：{field}", "en": "Missing field: {field}"},
    "same_region": {"zh": "调出与调入地区相同：{region}", "en": "Transfer from and to the same region: {region}"},
    "cross_border_both": {"zh": "跨区域调剂须有一方为本省账户：{region}", "en": "A cross-border transfer needs one side in the province: {region}"},
    "cross_border_document": {"zh": "与{region}的跨区域调剂须注明依据文件（--document）",
                              "en": "A transfer with {region} across the border needs its document (--document)"},
    "duplicate_entry_id": {"zh": "账目编号重复：{entry_id}", "en": "Duplicate entry id: {entry_id}"},
    "insufficient_budget": {
        "zh": "{region} {year}年预算 {available:.2f} 万吨，不足以调出 {amount:.2f} 万吨",
        "en": "{region} has {available:.2f} (10^4 t) in {year}, cannot give {amount:.2f}",
    },
    "insufficient_reserve": {
        "zh": "{year}年储备 {available:.2f} 万吨，不足以下达 {amount:.2f} 万吨",
        "en": "Reserve for {year} is {available:.2f} (10^4 t), cannot release {amount:.2f}",
    },
    "no_next_year_budget": {
        "zh": "{region} 没有 {next_year} 年预算，无法预支",
        "en": "{region} has no budget for {next_year} to advance from",
    },
    "advance_over_cap": {
        "zh": "{region} 预支累计 {total:.2f} 万吨，超过上限 {cap:.2f} 万吨（下一年预算的 {share:.0%}）",
        "en": "{region} advance total {total:.2f} exceeds the cap {cap:.2f} ({share:.0%} of next year's budget)",
    },
    "negative_budget": {
        "zh": "调整后 {region} {year}年预算为负（{result:.2f} 万吨）",
        "en": "Adjustment would make {region}'s {year} budget negative ({result:.2f})",
    },
    "reserve_over_max": {
        "zh": "储备比例 {share:.1%} 超过上限 {max:.0%}",
        "en": "Reserve share {share:.1%} exceeds the maximum {max:.0%}",
    },
    "allocation_exceeds_total": {
        "zh": "{year}年储备与单列指标（{claimed:.2f} 万吨）超过省级总量 {total:.2f} 万吨",
        "en": "Reserve and separately-listed quota for {year} ({claimed:.2f}) exceed the province total {total:.2f}",
    },
    "reserve_over_cap": {
        "zh": "{year}年储备将达省级总量的 {share:.2%}，超过规则上限 {cap:.1%}",
        "en": "The {year} reserve would reach {share:.2%} of the province total, above the rules' cap {cap:.1%}",
    },
    "parent_account": {
        "zh": "“{region}”是上级地区，不是预算账户：调剂只能在下级地区与储备之间进行",
        "en": "'{region}' is the parent region, not a budget account: transfers go between member regions and the reserve",
    },
    "unbalanced": {
        "zh": "{year}年账不平：差额 {gap:.4f} 万吨",
        "en": "Books do not balance for {year}: gap {gap:.4f} (10^4 t)",
    },
}


# --------------------------------------------------------------------------------------------
# Budget plan compilation (碳预算方案编制): budget/scenarios.py, budget/allocation.py
# The reserve cap of a plan is RESERVE_SHARE_MAX above (the Beijing 5% rule).
# --------------------------------------------------------------------------------------------
PLAN_SCENARIOS = ("baseline", "policy", "strengthened")
PLAN_METHODS = ("history", "gdp", "intensity", "per_capita", "mix")
#: Yearly path shapes of a five-year total: straight line through the scenario, the scenario's own
#: shape, or typed in by the user.
PLAN_PATH_SHAPES = ("linear", "scenario", "typed")
#: Placeholder five-year intensity decline (强度约束), used only where no target handed down has been entered
#: (``targets load``) and always labelled as a placeholder: 18%, the 14th FYP national figure.
PLAN_INTENSITY_TARGET_DECLINE = 0.18
#: Years of history behind the history share and the fairness "change against the last five years".
PLAN_HISTORY_YEARS = 5
#: Relative width of a scenario's 90% band after one year; it widens with sqrt(years ahead).
PLAN_BAND_CV = 0.015
#: Key-emitter inclusion threshold (重点排放单位): annual emissions of at least 2.6 万吨 CO2
#: (≈ 1 万吨 standard coal, the national rule for the carbon market's key emitting units).
KEY_EMITTER_THRESHOLD = 2.6
SCENARIO_LABELS = {
    "baseline": {"zh": "基准情景", "en": "Baseline trend"},
    "policy": {"zh": "政策情景", "en": "Policy"},
    "strengthened": {"zh": "强化情景", "en": "Strengthened"},
}
METHOD_LABELS = {
    "history": {"zh": "历史排放法（祖父法）", "en": "Historical share (grandfathering)"},
    "gdp": {"zh": "GDP 份额法", "en": "GDP share"},
    "intensity": {"zh": "强度法", "en": "Intensity-based"},
    "per_capita": {"zh": "人均均等法", "en": "Equal per capita"},
    "mix": {"zh": "加权混合法", "en": "Weighted mix"},
}
PLAN_ERROR_MESSAGES = {
    "missing_factor": {"zh": "分配方法“{method}”缺少因子：{factor}（{regions}）",
                       "en": "Method '{method}' is missing a factor: {factor} ({regions})"},
    "unknown_method": {"zh": "未知的分配方法：{method}", "en": "Unknown allocation method: {method}"},
    "unknown_scenario": {"zh": "未知的情景：{scenario}", "en": "Unknown scenario: {scenario}"},
    "bad_weights": {"zh": "混合权重无效：{weights}（须为 0 至 1000 的有限数，且和大于 0）",
                    "en": "Invalid mix weights: {weights} (finite, from 0 to 1000, sum above 0)"},
    "bad_years": {"zh": "规划年份无效：{years}", "en": "Invalid plan years: {years}"},
    "bad_total": {"zh": "总量无效：{total}", "en": "Invalid total: {total}"},
    "typed_mismatch": {"zh": "逐年目标之和 {sum:.2f} 万吨不等于五年总量 {total:.2f} 万吨",
                       "en": "Yearly targets sum to {sum:.2f}, not the five-year total {total:.2f} (10^4 t)"},
    "no_history": {"zh": "{region} 没有 {year} 年之前的完整年度排放数据", "en": "{region} has no complete year of emissions before {year}"},
    "no_members": {"zh": "{parent} 没有下级地区", "en": "{parent} has no member regions"},
    "unknown_region": {"zh": "未知地区：{region}", "en": "Unknown region: {region}"},
    "bad_project": {"zh": "单列项目无效：{project}", "en": "Invalid separately-listed project: {project}"},
    "no_units": {"zh": "{region} 没有可分配的{kind}", "en": "{region} has no {kind} to allocate to"},
    "not_found": {"zh": "没有方案 {plan} 版本 {version}", "en": "No plan {plan} version {version}"},
    "already_approved": {"zh": "方案 {plan} 已批准版本 {version}", "en": "Plan {plan} version {version} is already approved"},
    "years_taken": {"zh": "{years} 年已有其他已批准方案（{plan}）；新方案须用 --supersedes 指明替代哪个方案",
                    "en": "An approved plan already covers {years} ({plan}); a new plan must name the plan it supersedes (--supersedes)"},
    "bad_supersedes": {"zh": "{plan} 不是覆盖相同上级地区和年份的已批准方案，不能被替代",
                       "en": "{plan} is not an approved plan for the same parent and years: it cannot be superseded"},
    "total_over_cap": {"zh": "五年总量 {total:,.2f} 万吨超过上级下达的总量上限 {cap:,.2f} 万吨（{document}）",
                       "en": "The five-year total {total:,.2f} exceeds the cap handed down, {cap:,.2f} (10^4 t) ({document})"},
    "comment_empty": {"zh": "意见须为 1–{max} 个字符", "en": "A comment needs 1-{max} characters"},
    "comment_amount": {"zh": "申请量无效：{amount}（须为非负有限数）", "en": "Invalid requested amount: {amount} (finite, not negative)"},
}


def label(table: dict, key: str, lang: str = "zh") -> str:
    """Label of ``key`` in one of the tables above, in ``lang`` ('zh' or 'en'); the key itself if absent."""
    entry = table.get(key)
    if entry is None:
        return str(key)
    return entry.get(lang, entry.get("en", str(key)))
