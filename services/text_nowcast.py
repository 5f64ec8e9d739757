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
}
