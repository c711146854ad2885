"""`kubetriage sim --scale pods=10000,events=30k,...` and `--churn 200/s`: the flags read."""

from __future__ import annotations

import re
from typing import TypedDict, cast

SCALE_KEYS = ("pods", "events", "helmreleases", "namespaces")


class Scale(TypedDict, total=False):
    """The counts --scale gives: generate_scenario's keywords of the same names."""

    pods: int
    events: int
    helmreleases: int
    namespaces: int


_WHOLE = re.compile(r"^(\d+)(k?)$")
_RATE = re.compile(r"^(\d+(?:\.\d+)?)(/s)?$")


def parse_scale(text: str) -> Scale:
    """`pods=10000,events=30k,helmreleases=500[,namespaces=N]` -> counts.

    Raises ValueError with the one line a user sees, naming the bad part."""
    out: dict[str, int] = {}
    for part in text.split(","):
        key, eq, value = part.strip().partition("=")
        if not eq or not key:
            raise ValueError(f'--scale: "{part.strip()}" is not KEY=NUMBER '
                             f"(known keys: {', '.join(SCALE_KEYS)})")
        if key not in SCALE_KEYS:
            raise ValueError(f'--scale: unknown key "{key}" (known: {", ".join(SCALE_KEYS)})')
        m = _WHOLE.match(value.strip())
        if not m:
            raise ValueError(f'--scale: "{part.strip()}" is not a whole number')
        out[key] = int(m.group(1)) * (1000 if m.group(2) else 1)
    if out.get("namespaces") == 0:
        raise ValueError('--scale: "namespaces=0" must be at least 1')
    return cast(Scale, out)  # its keys are SCALE_KEYS, checked above


def parse_rate(text: str) -> float:
    """`200/s` or `200` -> 200.0; ValueError names --churn."""
    m = _RATE.match(text.strip())
    if not m or float(m.group(1)) <= 0:
        raise ValueError(f'--churn: "{text}" is not a rate such as 200/s')
    return float(m.group(1))

