"""UI text of the meter-data upload page (issue 18 item 7) — keys prefixed ``mt_``."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "mt_page": ("电表数据上传", "Meter data upload"),
    "mt_intro": ("上传重点排放单位的日用电量（电网电表读数）：下载模板，检查（列出每一处问题，未写入任何数据），"
                 "无错误后入库为一个批次；批次可回滚，回滚后同一文件可重新上传。",
                 "Upload key emitters' daily electricity use (grid meter readings): download the template, check "
                 "(every problem is listed before anything is stored), then load it as one batch once it is clean; "
                 "a batch can be rolled back, after which the same file may be loaded again."),
    "mt_templates": ("模板与企业名录", "Template and registered enterprises"),
    "mt_tpl_csv": ("模板 CSV", "Template CSV"),
    "mt_tpl_enterprises": ("可用企业编码 CSV", "Registered enterprise codes CSV"),
    "mt_tpl_note": ("每行一个企业一天：`enterprise_id`（名录中的企业编码）、`date`（`YYYY-MM-DD`）、`kwh`（当日用电量，千瓦时）。"
                    "例如：`{example}`。也可上传同样三列的 `Parquet` 文件。",
                    "One row per enterprise and day: `enterprise_id` (a code from the registry), `date` (`YYYY-MM-DD`), `kwh` "
                    "(that day's use in kWh). For example: `{example}`. A `Parquet` file with the same three columns works too."),
    "mt_no_registry": ("尚无重点排放单位名录：请先上传名录（`carbon-budget registry load`）。",
                       "No key-emitter registry yet: load one first (`carbon-budget registry load`)."),
    "mt_file": ("电表数据文件（CSV 或 `Parquet`）", "Meter file (CSV or `Parquet`)"),
    "mt_check": ("检查", "Check"),
    "mt_summary": ("共 {rows} 行：错误 {errors} 处，提示 {warnings} 处，可入库 {clean} 行。",
                   "{rows} rows: {errors} errors, {warnings} warnings, {clean} rows ready to load."),
    "mt_has_errors": ("文件有错误，不能入库：请按下表修正后重新上传。",
                      "The file has errors and cannot be loaded: fix them as the table says and upload it again."),
    "mt_clean": ("文件无错误，可以入库。", "The file is clean and can be loaded."),
    "mt_report_csv": ("下载问题清单 CSV", "Download the problems as CSV"),
    "mt_load": ("入库", "Load"),
    "mt_loading": ("正在入库……", "Loading…"),
    "mt_loaded": ("已入库：批次 {batch}，{n} 条日读数。", "Loaded: batch {batch}, {n} daily readings."),
    "mt_failed": ("未入库：{msg}", "Not loaded: {msg}"),
    "mt_loaded_parts": ("本批次按月份和城市写入：", "The batch by month and city:"),
    "mt_batches": ("电表数据批次", "Meter batches"),
    "mt_no_batches": ("尚无电表数据批次。", "No meter batches yet."),
    "mt_rollback": ("回滚批次", "Roll a batch back"),
    "mt_rollback_pick": ("要回滚的批次", "Batch to roll back"),
    "mt_rollback_none": ("没有可回滚的电表上传批次（示范数据和已回滚的批次不能回滚）。",
                         "No meter upload can be rolled back (demo data and batches already rolled back cannot)."),
    "mt_rollback_confirm": ("确认回滚批次 {batch}（其读数不再计入；记录为一个回滚批次）",
                            "Confirm rolling back batch {batch} (its readings no longer count; recorded as a rollback batch)"),
    "mt_rollback_done": ("已回滚：{msg}", "Rolled back: {msg}"),
    "mt_col_files": ("文件数", "Files"),
    "mt_col_kwh": ("用电量（千瓦时）", "kWh"),
    "mt_col_first": ("起始日期", "First day"),
    "mt_col_last": ("截止日期", "Last day"),
    "mt_col_rolled_back_by": ("回滚批次", "Rolled back by"),
    "mt_col_readings": ("日读数", "Daily readings"),
    "mt_col_city": ("城市", "City"),
    "mt_col_month": ("月份", "Month"),
}
