"""UI text of the nowcast accuracy page (keys nc_*): (zh, en)."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "nc_intro": ("本产品的估算值来自“产品模型”：在每个预测步长上，按滚动回测中过去各起点的误差，从 LightGBM 电-碳模型、岭回归、"
                 "汇总收缩比率模型和简单基线中选出的模型或模型组合"
                 "（被明显超越的模型不参与，从不劣于最佳简单基线）。下表为模型从未见过的数据上的误差，数值越小越好。",
                 "The product's estimates come from the product model: per horizon, the model or combination (of LightGBM, "
                 "ridge, the pooled shrunk ratio and the simple baselines) that the rolling backtest shows best on past "
                 "origins (clearly beaten models get no weight; never knowingly worse than the best simple baseline). Errors below are on data the models never saw; lower is better."),
    "nc_beats": ("产品模型平均误差 {prod:.1%}，为最佳简单基线 {best}（{best_mape:.1%}）的 {ratio:.2f} 倍。",
                 "Product model mean error {prod:.1%}: {ratio:.2f} × the best simple baseline, {best} ({best_mape:.1%})."),
    "nc_loses": ("注意：产品模型平均误差 {prod:.1%}，未优于最佳简单基线 {best}（{best_mape:.1%}）。",
                 "Caution: the product model's mean error {prod:.1%} does not beat the best simple baseline, "
                 "{best} ({best_mape:.1%})."),
    "nc_choice": ("产品模型的选择与权重（按步长）", "Product model: choice and weights by horizon"),
    "nc_choice_caption": ("依据本次运行回测中全部已知实际值的误差选择；存储的估算值即来自此选择。",
                          "Chosen on the errors of every backtest actual known to this run; the stored estimates "
                          "come from this choice."),
    "nc_chosen": ("选用", "Chosen"),
    "nc_weights": ("权重", "Weights"),
    "nc_rows": ("依据的回测点数", "Backtest points used"),
    "nc_combination": ("组合", "Combination"),
    "nc_pooled_note": ("（步长合并评分）", " (horizons pooled)"),
    "nc_coverage_h": ("产品模型区间覆盖率（按步长）", "Product model interval coverage by horizon"),
    "nc_coverage_caption": ("目标：90% 区间的实际覆盖率在 85%–95% 之间。",
                            "Target: the 90% band covers 85–95% of the actuals."),
    "nc_circ": ("含与不含火电发电量的对比", "With and without thermal generation"),
    "nc_circ_caption": ("Carbon Monitor 类的排放数据中电力部门由火电发电量推算，含该驱动时模型误差偏乐观。"
                        "不含火电的回测使用 {n} 个起点（{origins}）。",
                        "Carbon Monitor-style CO2 computes the power sector from thermal generation, so a model fed "
                        "thermal generation looks better than it is. The backtest without it uses {n} origin(s) ({origins})."),
    "nc_circ_none": ("数据中没有火电发电量，无需对比。", "The data hold no thermal generation: nothing to compare."),
    "nc_circ_failed": ("历史数据不足，未能完成不含火电的回测。", "Too little history for the backtest without thermal generation."),
    "nc_with": ("含火电发电量的 MAPE", "MAPE with thermal generation"),
    "nc_without": ("不含火电发电量的 MAPE", "MAPE without thermal generation"),
    "nc_model_product": ("产品模型（选择/组合）", "Product model (choice/combination)"),
    "nc_model_pooled": ("汇总收缩比率模型", "Pooled shrunk ratio"),
    # --- live record (issue 19) ---
    "nc_live": ("估算值实绩记录：我们公布了什么，实际发生了什么", "Live record: what we said, what happened"),
    "nc_live_intro": ("每一次模型运行存储并在页面上展示的估算值，在该月统计数据到达后逐一核验：误差按月份和预测步长统计，"
                      "并检查实际值是否落在当时公布的 90% 区间内。同一数据月份多次运行时，以最后一次为准。",
                      "Every estimate a model run stored and showed is scored once the statistics for its month arrive: "
                      "the error by month and by horizon, and whether the outcome fell inside the 90% band published with "
                      "it. Where several runs share a data month, the last one stood."),
    "nc_live_none": ("尚无可核验的记录：已公布的估算值所对应月份的统计数据还未到达（{pending} 个估算值待核验）。",
                     "Nothing to score yet: no statistics have arrived for a month with a published estimate "
                     "({pending} estimates waiting)."),
    "nc_live_n": ("已核验估算值", "Estimates scored"),
    "nc_live_months": ("月份数", "Months"),
    "nc_live_mape": ("平均误差", "Mean error"),
    "nc_live_cov": ("90% 区间实际覆盖率", "90% band coverage"),
    "nc_live_hw": ("区间平均半宽", "Mean band half-width"),
    "nc_live_pending": ("待核验", "Awaiting statistics"),
    "nc_live_region": ("地区", "Region"),
    "nc_live_chart_caption": ("实线为统计值；点为当时公布的估算值（颜色为预测步长），竖线为其 90% 区间。",
                              "Line: the statistics; dots: the estimates as published (colour: horizon), with their 90% band."),
    "nc_live_by_h": ("按预测步长", "By horizon"),
    "nc_live_by_m": ("按月份：实际误差与区间覆盖", "By month: realised error and band coverage"),
    "nc_col_n": ("个数", "Count"),
    "nc_col_cov90": ("90% 覆盖率", "90% coverage"),
    "nc_col_hw": ("平均半宽", "Mean half-width"),
    "nc_col_bias": ("平均偏差", "Mean bias"),
    "nc_col_actual": ("统计值", "Statistics"),
    "nc_col_estimate": ("估算值", "Estimate"),
    # --- bands by origin ---
    "nc_bands": ("区间是否可信：逐个回测起点的覆盖率与宽度", "Bands that mean what they say: coverage and width at every origin"),
    "nc_bands_caption": ("区间按当下校准：取最近 4 个月目标期的回测误差（不少于 60 个），按预测步长的误差形状缩放，"
                         "而不是把平静的当下和动荡的过去混在一起。每个滚动起点单独评判，目标是 90% 区间覆盖 85%–95%，"
                         "且不比证据所需的更宽。",
                         "Bands are calibrated on the present: the backtest errors of the last 4 months of target periods "
                         "(at least 60), scaled by the horizon's error profile, instead of mixing a calm present with a "
                         "turbulent past. Each rolling origin is judged on its own: the 90% band should cover 85–95%, and be "
                         "no wider than the evidence requires."),
    "nc_col_origin": ("回测起点", "Origin"),
    "nc_bands_inside": ("{k}/{n} 个起点的覆盖率在 85%–95% 之内；平均半宽 {hw:.1%}。",
                        "{k} of {n} origins inside 85–95%; mean half-width {hw:.1%}."),
    # --- choice and evidence ---
    "nc_evidence": ("依据", "Evidence"),
    "nc_evidence_sig": ("优于 {base} {gain:.0%}（p={p:.3f}，{n} 期）", "beats {base} by {gain:.0%} (p={p:.3f}, {n} periods)"),
    "nc_evidence_not": ("相对 {base} 的改进 {gain:.0%} 不显著（p={p:.3f}，{n} 期）：采用基线",
                        "gain over {base} of {gain:.0%} not significant (p={p:.3f}, {n} periods): the baseline is used"),
    "nc_evidence_base": ("本身即为最佳基线", "is the best baseline itself"),
    "nc_evidence_none": ("历史不足，采用基线", "too little history: the baselines"),
    "nc_evidence_caption": ("产品模型只有在回测显示相对最佳简单基线有显著改进（单侧 Diebold–Mariano 检验，5% 水平，"
                            "按目标期计）时才偏离该基线，否则就是该基线。",
                            "The product departs from the best simple baseline only where the backtest shows a significant "
                            "gain (one-sided Diebold–Mariano test at 5%, over target periods); otherwise it is that baseline."),
    # --- confidence word ---
    "nc_confidence": ("置信度", "Confidence"),
    "nc_est_table": ("本市估算值（尚无统计数据的月份）", "Estimates for this city (months without statistics yet)"),
    "nc_col_band": ("90% 区间", "90% band"),
}
