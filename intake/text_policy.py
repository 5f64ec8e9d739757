"""One text policy at the door: every free text a person types or uploads (names, titles, owners,
reasons, notes, comments, report texts, file cells, file names) passes here before it is stored.
Pure (no duckdb, no streamlit).

- ``normalize``: Unicode NFC; control characters (``\\x07``, ``\\x0b``, ``\\x1b[31m`` …, NUL), bidirectional
  overrides and marks (``\\u202e``, ``\\u200f`` …), lone surrogates and non-characters removed (the set of
  ``reports.safe_text.UNSAFE_CHARS``, the same one every document writer applies again on the way out);
  CR/CRLF become newlines. A one-line text also turns newlines and tabs into single spaces.
- ``free_text`` / ``line``: ``normalize`` then trim, refuse blank when required, refuse longer than the
  field's bound (``TextRefused``, bilingual). Text is never silently cut.
- ``identifier``: codes and names that identify something (region and enterprise codes, user names)
  are *refused* when they hold such characters instead of being quietly changed into another name.

Formula-like text (``=SUM(..)``, ``+cmd``) is allowed in: it is data; every CSV and xlsx that leaves
defuses it (``reports.safe_text.defuse``).
"""
from __future__ import annotations

import math
import unicodedata

from reports.safe_text import UNSAFE_CHARS

#: Bounds in characters (after normalising). One home for every free-text field's limit.
MAX_IDENTIFIER = 64      # region, enterprise, indicator codes; user names
MAX_NAME = 200           # names, titles, owners, sectors, file names: one line
MAX_NOTE = 4000          # notes, reasons, comments, report texts, plans: several lines
MAX_FILE_NAME = 200

MESSAGES = {
    "blank": ("{field}不能为空", "{field} must not be blank"),
    "too_long": ("{field}超过 {max} 个字符（收到 {n} 个）", "{field} is longer than {max} characters (got {n})"),
    "bad_characters": ("{field}含有控制字符或方向控制字符（位置 {pos}），请删除后重试",
                       "{field} holds a control or bidirectional-override character (at position {pos}); remove it"),
    "not_text": ("{field}须为文本", "{field} must be text"),
}


class TextRefused(ValueError):
    """Refused text: ``code`` keys ``MESSAGES``; ``message_zh`` / ``message_en``; nothing was stored."""

    def __init__(self, code: str, field: str | tuple[str, str], **params):
        zh_field, en_field = (field, field) if isinstance(field, str) else field
        self.code, self.field, self.params = code, en_field, params
        zh, en = MESSAGES[code]
        self.message_zh = zh.format(field=zh_field, **params)
        self.message_en = en.format(field=en_field, **params)
        super().__init__(self.message_en)

    def message(self, lang: str = "en") -> str:
        return self.message_zh if lang == "zh" else self.message_en


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value if isinstance(value, str) else str(value)


def normalize(value, multiline: bool = True) -> str:
    """``value`` as stored text: NFC, unsafe characters removed; one line unless ``multiline``.
    Leading and trailing whitespace is kept (see ``free_text`` / ``line`` for the trimmed forms)."""
    s = _text(value)
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = UNSAFE_CHARS.sub("", s)
    s = unicodedata.normalize("NFC", s)
    if not multiline:
        s = " ".join(s.split())
    else:
        s = s.replace("\t", " ").replace("\u2028", "\n").replace("\u2029", "\n")
    return s


def free_text(value, field: str | tuple[str, str], *, max_len: int = MAX_NOTE, required: bool = True,
              multiline: bool = True) -> str | None:
    """A normalised, trimmed text within ``max_len`` characters; None for a blank optional one."""
    s = normalize(value, multiline).strip()
    if not s:
        if required:
            raise TextRefused("blank", field)
        return None
    if len(s) > max_len:
        raise TextRefused("too_long", field, max=max_len, n=len(s))
    return s


def line(value, field: str | tuple[str, str], *, max_len: int = MAX_NAME, required: bool = True) -> str | None:
    """``free_text`` on one line (newlines and tabs become single spaces)."""
    return free_text(value, field, max_len=max_len, required=required, multiline=False)


def unsafe_position(value) -> int | None:
    """1-based position of the first character ``identifier`` refuses (None when there is none)."""
    s = _text(value)
    for i, ch in enumerate(s, start=1):
        if UNSAFE_CHARS.match(ch) or (unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
                                      and ch not in "\u200d"):
            return i
    return None


def identifier(value, field: str | tuple[str, str], *, max_len: int = MAX_IDENTIFIER, required: bool = True) -> str | None:
    """A code or name that identifies something: NFC and trimmed, refused (not changed) when it holds a
    control, format or bidirectional character, or is longer than ``max_len``."""
    s = unicodedata.normalize("NFC", _text(value)).strip(" \t\r\n")   # other controls are judged, not trimmed
    if not s:
        if required:
            raise TextRefused("blank", field)
        return None
    pos = unsafe_position(s)
    if pos is not None:
        raise TextRefused("bad_characters", field, pos=pos)
    if len(s) > max_len:
        raise TextRefused("too_long", field, max=max_len, n=len(s))
    return s


def file_name(value) -> str | None:
    """An uploaded file's name as recorded: normalised, one line, cut (not refused) to ``MAX_FILE_NAME``:
    the name is the browser's, not something the person typed for us."""
    s = normalize(value, multiline=False).strip()
    if not s:
        return None
    return s if len(s) <= MAX_FILE_NAME else s[:MAX_FILE_NAME - 1] + "…"
