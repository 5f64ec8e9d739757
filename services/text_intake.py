"""UI text of upload intake (issue 8): the region list offered with the templates."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "intake_tpl_regions_csv": ("地区列表 CSV", "Region list CSV"),
    "intake_tpl_regions_note": ("Excel 模板含“地区列表”工作表，地区列可从下拉列表选择；CSV 模板请参照地区列表 CSV 填写。",
                                "The Excel templates carry a 'regions' sheet and a drop-down on the region column; "
                                "for the CSV templates use the region list CSV."),
}
