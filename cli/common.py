"""What every command module shares: exit codes, JSON output, and how a refusal is printed."""
from __future__ import annotations

import json
import sys

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=1, default=str))


def refused(exc) -> int:
    """Print a refusal (``LedgerError``, ``PermissionDenied`` or any error with bilingual messages) in English
    and Chinese on stderr, with its code when it has one; returns EXIT_REJECTED."""
    message = getattr(exc, "message", None)
    en = getattr(exc, "message_en", None) or (message("en") if callable(message) else str(exc))
    zh = getattr(exc, "message_zh", None) or (message("zh") if callable(message) else "")
    code = getattr(exc, "code", None)
    print(f"refused{f' ({code})' if code else ''}: {en}" + (f" / {zh}" if zh and zh != en else ""), file=sys.stderr)
    return EXIT_REJECTED
