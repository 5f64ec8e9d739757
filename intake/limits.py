"""Upload limits, in one place: what a single file may ask of the server (read in the app's own process).

Beyond a limit the file is refused with a clear report, never read in part: the numbers are generous for
real statistics (a wide template has under 40 columns; a quarter of a national tree, ~3,200 regions × 26
indicators × 3 months, is ~250,000 long rows; a year of a 334-city province ~105,000) and small enough that
a file at the limit is read and checked in a few seconds and a few hundred MB (benchmarks/hostile_uploads.py).
"""
from __future__ import annotations

MAX_BYTES = 20 * 1024 * 1024          # uploaded file size
MAX_UNZIPPED = 250 * 1024 * 1024      # xlsx: sum of the zip members' sizes
MAX_COLUMNS = 256                     # filled columns of a sheet or CSV (the last filled cell of any row)
MAX_ROWS = 250_000                    # data rows of a sheet or CSV; split larger files by period or region
MAX_REPORT_ROWS_PER_CODE = 200        # report lines per problem code; the rest are summarised in one line
MAX_SUGGESTIONS = 50                  # distinct unknown names that get a "did you mean" (difflib is slow)
MAX_LISTED_ROWS = 5                   # row numbers quoted in one grouped message (duplicates, summaries)
