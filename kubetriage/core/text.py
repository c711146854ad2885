"""Cluster text is untrusted: log lines, event messages and even names may carry terminal escapes.

Before any output, remove escape sequences (CSI, OSC, 8-bit CSI), every other C0 control, DEL,
C1 controls (U+0080-U+009F), bidi overrides and marks (U+202A-202E, U+2066-2069, U+200E/200F,
U+061C), zero-width and invisible format characters (U+200B-200D, U+2060-206F, U+FEFF); a tab or
a line break (U+2028/2029 too) becomes a space, so a finding's line stays one line. Rich strips
only a few of these itself.

A log is split into lines at "\n" only (log_lines): str.splitlines also breaks at U+2028/2029,
\v, \f, \x1c-\x1e and \x85, which a log line may hold and a terminal does not break at.
"""

from __future__ import annotations

import re

# ESC [ ... final, ESC ] ... BEL|ST, 8-bit CSI ... final, then any other two-byte ESC sequence
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
                      r"|\x9b[0-?]*[ -/]*[@-~]|\x1b[@-_]?")
_SPACES = {ord(c): " " for c in "\t\n\r\v\f\u2028\u2029"}
_REMOVED = dict.fromkeys([*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x061C,
                          *range(0x200B, 0x2010), *range(0x202A, 0x202F),
                          *range(0x2060, 0x2070), 0xFEFF])
_TABLE = {**_REMOVED, **_SPACES}
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e"
                     "\u2060-\u206f\ufeff]")


def clean(text: str) -> str:
    """The text with every control and bidi character removed (tab and line breaks -> space)."""
    if text.isascii() and text.isprintable() or not _UNSAFE.search(text):
        return text  # nearly all cluster text: the C checks answer before the regex runs
    return _ESCAPES.sub("", text).translate(_TABLE)


def clean_lines(text: str) -> str:
    """clean() for each line of a text whose line breaks are its own (a message, usage text)."""
    return "\n".join(clean(line) for line in text.split("\n"))


def log_lines(text: str) -> list[str]:
    """A log's lines, split at "\n" only (a "\r" before it dropped), without a last empty one."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def cap(text: str, limit: int) -> str:
    """At most `limit` characters of text, saying when it was cut and how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… (cut: {len(text):,} characters)"


def shorten(text: str, limit: int) -> str:
    """text cut to at most `limit` characters, ending in an ellipsis where it was cut: a
    sentence quoted in a summary or a toast, the whole of it elsewhere."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def visible(text: str) -> str:
    """The text with every character clean() would remove or change written as its escape
    (\\x1b, \\u200b): for a command or a name that must not read as another one."""
    if not _UNSAFE.search(text):
        return text
    return "".join(c.encode("unicode_escape").decode("ascii") if _UNSAFE.match(c) else c
                   for c in text)
