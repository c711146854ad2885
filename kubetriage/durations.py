"""Durations written as flux and Go write them: `30s`, `5m`, `1h`, `1h30m`, `1.5h`, `500ms`.

`parse(text, flag)` returns seconds; bad input raises DurationError whose message is the one line
a user reads, naming the flag. `format(seconds)` writes them back the same way (`10m0s` is how
Go prints ten minutes, `10m` is how people type it: both parse).
"""

from __future__ import annotations

import re

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")


class DurationError(ValueError):
    pass


def parse(text: str, flag: str = "duration") -> float:
    value = text.strip()
    pos, total = 0, 0.0
    while pos < len(value):
        m = _PART.match(value, pos)
        if m is None:
            break
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if not value or pos != len(value):
        raise DurationError(f"{flag} {text!r}: not a duration; write it as flux does, e.g. 30s, "
                            "5m, 1h or 1h30m")
    return total


def format(seconds: float) -> str:
    """Go's time.Duration.String() for whole seconds and above: 1h30m0s, 10m0s, 2s; 500ms below."""
    if 0 < seconds < 1:
        return f"{round(seconds * 1000):d}ms"
    whole = int(round(seconds))
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h}h{m}m{s}s"
    if m:
        return f"{m}m{s}s"
    return f"{s}s"
