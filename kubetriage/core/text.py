"""Cluster text is untrusted: log lines, event messages and even names may carry terminal escapes.

Before any output, remove escape sequences (CSI, OSC, 8-bit CSI), every other C0 control, DEL,
C1 controls (U+0080-U+009F) and bidi overrides (U+202A-202E, U+2066-2069); a tab or a line break
becomes a space, so a finding's line stays one line. Rich strips only a few of these itself.
"""

from __future__ import annotations

import re

# ESC [ ... final, ESC ] ... BEL|ST, 8-bit CSI ... final, then any other two-byte ESC sequence
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
                      r"|\x9b[0-?]*[ -/]*[@-~]|\x1b[@-_]?")
_SPACES = {ord(c): " " for c in "\t\n\r\v\f"}
_REMOVED = dict.fromkeys([*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0),
                          *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_TABLE = {**_REMOVED, **_SPACES}
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """The text with every control and bidi character removed (tab and line breaks -> space)."""
    if text.isascii() and text.isprintable() or not _UNSAFE.search(text):
        return text  # nearly all cluster text: the C checks answer before the regex runs
    return _ESCAPES.sub("", text).translate(_TABLE)


def clean_lines(text: str) -> str:
    """clean() for each line of a text whose line breaks are its own (a message, usage text)."""
    return "\n".join(clean(line) for line in text.split("\n"))
