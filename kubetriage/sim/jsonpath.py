"""The JSONPath that CRD printer columns use, evaluated and printed as client-go does.

Steps: `.a.b`, `['a.b']`, `[0]`, `[*]` and `[?(@.x=="y")]`; anything else is refused. A missing
key or index gives no result (the API server's columns allow missing keys), and so does null.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from typing import Any

_STEP = re.compile(r"""
    \.(?P<field>[A-Za-z0-9_$\-/]+)
  | \[(?P<index>-?\d+)\]
  | \['(?P<quoted>[^']*)'\]
  | (?P<wild>\[\*\]|\.\*)
  | \[\?\(@\.(?P<fpath>[A-Za-z0-9_.\-]+)\s*(?P<op>==|!=)\s*
        (?P<literal>"[^"]*"|'[^']*'|-?\d+(?:\.\d+)?|true|false)\s*\)\]
""", re.VERBOSE)


@cache
def parse(path: str) -> tuple[tuple, ...]:
    """The steps of a path; ValueError for a path outside the supported subset."""
    steps, pos = [], 0
    body = path.strip()
    if body.startswith("{") and body.endswith("}"):
        body = body[1:-1]
    while pos < len(body):
        m = _STEP.match(body, pos)
        if not m:
            raise ValueError(f"unsupported JSONPath {path!r} at {body[pos:]!r}")
        if m["field"] is not None:
            steps.append(("field", m["field"]))
        elif m["quoted"] is not None:
            steps.append(("field", m["quoted"]))
        elif m["index"] is not None:
            steps.append(("index", int(m["index"])))
        elif m["wild"] is not None:
            steps.append(("wild",))
        else:
            steps.append(("filter", tuple(m["fpath"].split(".")), m["op"],
                          json.loads(m["literal"].replace("'", '"'))))
        pos = m.end()
    return tuple(steps)


def find(steps: tuple[tuple, ...], obj: Any) -> list:
    """Every value the path reaches in obj, in document order."""
    values = [obj]
    for step in steps:
        found: list = []
        for v in values:
            if step[0] == "field" and isinstance(v, dict) and v.get(step[1]) is not None:
                found.append(v[step[1]])
            elif step[0] == "index" and isinstance(v, list) and -len(v) <= step[1] < len(v):
                found.append(v[step[1]])
            elif step[0] == "wild" and isinstance(v, (list, dict)):
                found += v if isinstance(v, list) else [v[k] for k in sorted(v)]
            elif step[0] == "filter" and isinstance(v, list):
                _, path, op, literal = step
                for item in v:
                    got = find(tuple(("field", p) for p in path), item)
                    if bool(got and got[0] == literal) == (op == "=="):
                        found.append(item)
        values = found
    return values


def text(value: Any) -> str:
    """How client-go's JSONPath prints one value: text for scalars, compact JSON otherwise."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, (dict, list)):
        encoded = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return encoded.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return str(value)


def _go_float(f: float) -> str:
    """Go's %v for a float64: shortest digits, exponent form below 1e-4 and from 1e6 up."""
    if f != f or f in (float("inf"), float("-inf")):
        return {"nan": "NaN", "inf": "+Inf", "-inf": "-Inf"}[repr(f)]
    shortest = Decimal(repr(f)).normalize()
    _, digits, exp = shortest.as_tuple()
    power = len(digits) + int(exp) - 1
    if -4 <= power < 6 or not f:
        return format(shortest, "f")
    text = "".join(map(str, digits))
    mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
    return f"{'-' if f < 0 else ''}{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"
