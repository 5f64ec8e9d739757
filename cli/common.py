"""What every command module shares: exit codes, JSON output, and how a refusal is printed."""
from __future__ import annotations

import json
import sys

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


class CleanStream:
    """A text stream that passes everything through ``reports.safe_text.clean``: stored text printed by a
    command (a measure title with ``\x1b[31m``, a name with ``\u202e``) cannot steer the terminal.
    ``cli.main.main`` wraps stdout and stderr with it for every command."""

    def __init__(self, inner):
        self._inner = inner

    def write(self, text: str) -> int:
        from reports.safe_text import clean

        self._inner.write(clean(text))
        return len(text)

    def __getattr__(self, name):
        return getattr(self._inner, name)


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


def guarded(*refusals: type[BaseException], usage: tuple[type[BaseException], ...] = ()):
    """Decorator for a ``cmd_*`` function: an exception of a ``refusals`` type is printed by :func:`refused`
    (exit 1); one of a ``usage`` type (checked after the refusals) as ``error: …`` (exit 2)."""
    import functools

    def wrap(fn):
        @functools.wraps(fn)
        def run(args) -> int:
            try:
                return fn(args)
            except refusals as exc:
                return refused(exc)
            except usage as exc:
                print(f"error: {exc}", file=sys.stderr)
                return EXIT_USAGE
        return run
    return wrap
