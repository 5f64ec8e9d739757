"""Listing an uploaded workbook's sheets cheaply (it runs in the app's own server process, before any check)."""
from __future__ import annotations

import io


def list_sheets(data: bytes) -> list[str]:
    """Worksheet names of an xlsx, from the workbook part alone (no sheet is parsed): cheap enough for the
    app's own server process whatever the sheets hold. Empty when the bytes are not a readable workbook."""
    from openpyxl.reader.excel import ExcelReader

    try:
        data = bytes(data or b"")
        if data[:4] != b"PK\x03\x04":
            return []
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=False)
        reader.read_manifest()
        reader.read_workbook()
        return [s.name for s, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
    except Exception:  # noqa: BLE001 - the check that follows reports why the file cannot be read
        return []
