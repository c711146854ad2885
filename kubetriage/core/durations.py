"""Durations and times as flux, Go and Kubernetes write them.

Durations written as flux and Go write them: `30s`, `5m`, `1h`, `1h30m`, `1.5h`, `500ms`.

`parse(text, flag)` returns seconds; bad input raises DurationError whose message is the one line
a user reads, naming the flag. `format(seconds)` writes them back the same way (`10m0s` is how
Go prints ten minutes, `10m` is how people type it: both parse).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

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


def human_duration(d: timedelta) -> str:
    """Kubernetes' duration.HumanDuration: 45s, 5m10s, 26h, 2d3h, 400d, 3y12d."""
    seconds = int(d.total_seconds())  # truncates toward zero, as Go's int(d.Seconds()) does
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        return f"{minutes}m{seconds % 60}s" if seconds % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return f"{hours // 24}d{hours % 24}h" if hours % 24 else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = (hours // 24) % 365
        return f"{hours // 24 // 365}y{days}d" if days else f"{hours // 24 // 365}y"
    return f"{hours // 24 // 365}y"


def parse_time(value: Any) -> datetime | None:
    """An RFC 3339 timestamp (metav1.Time or MicroTime), or None."""
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)
