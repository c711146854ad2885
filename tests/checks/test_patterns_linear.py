"""Every regular expression the checks run on cluster text is linear in the line's length, and a
megabyte line costs the cause reader a slice.

Logs, status messages and events are written by whoever runs in the cluster: one base64 blob on
one line must not stall `kubetriage check`. Python's engine backtracks, so a pattern that is
quadratic on some line (`(\\w+Error): (.*not initialized.*)` took 1.5 s on 20k characters and
over a minute on 100k) would hang for hours on these. Each pattern meets lines built from its own
literal words repeated (what makes a backtracking engine retry at every occurrence) and from the
characters its classes take, SWEEP characters long: a quadratic pattern needs minutes there
(hours at a megabyte), a linear one milliseconds, so the bound per line (two orders of magnitude
above a linear scan on a loaded machine) tells them apart without measuring speed. Then the cause
reader and every check meet 1 MB lines end to end.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import time
from pathlib import Path

import pytest

import kubetriage.checks
from kubetriage.checks import causes

MB = 1_000_000
SWEEP = 200_000
CHECKS_DIR = Path(kubetriage.checks.__file__).parent


def _patterns(value, seen) -> list[re.Pattern[str]]:
    if isinstance(value, re.Pattern):
        return [value]
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, (list, tuple, set, frozenset)):
        return [p for v in value for p in _patterns(v, seen)]
    if isinstance(value, dict):
        return [p for v in (*value.keys(), *value.values()) for p in _patterns(v, seen)]
    if hasattr(value, "__dict__") and type(value).__module__.startswith("kubetriage.checks"):
        return _patterns(vars(value), seen)
    return []


def every_pattern() -> list[tuple[str, re.Pattern[str]]]:
    found: dict[tuple[str, int], tuple[str, re.Pattern[str]]] = {}
    for info in pkgutil.iter_modules([str(CHECKS_DIR)]):
        module = importlib.import_module(f"kubetriage.checks.{info.name}")
        for pattern in _patterns(vars(module), set()):
            if isinstance(pattern.pattern, str):
                found[(pattern.pattern, pattern.flags)] = (info.name, pattern)
    return sorted(found.values(), key=lambda x: (x[0], x[1].pattern))


def hostile_lines(pattern: re.Pattern[str]) -> list[str]:
    words = set(re.findall(r"[A-Za-z][\w.-]{2,}|[^\w\s\\()[\]{}|*+?^$]{1,3}", pattern.pattern))
    pieces = sorted(words) + ["a", " ", '"', "a.", "/a", "a:"]
    lines = [(piece * (SWEEP // len(piece) + 1))[:SWEEP] for piece in pieces]
    mixed = " ".join(sorted(words)) + " "
    lines.append((mixed * (SWEEP // len(mixed) + 1))[:SWEEP])
    return lines


PATTERNS = every_pattern()


def test_the_patterns_are_found():
    """The sweep sees the patterns of the checks, including causes.py's rule table."""
    sources = {p.pattern for _, p in PATTERNS}
    assert any("host not found in upstream" in s for s in sources)
    assert any("exceeded quota" in s for s in sources) or len(PATTERNS) > 20


@pytest.mark.parametrize("module, pattern", PATTERNS,
                         ids=[f"{m}:{p.pattern[:40]}" for m, p in PATTERNS])
def test_pattern_is_linear_on_long_lines(module, pattern):
    for line in hostile_lines(pattern):
        start = time.perf_counter()
        pattern.search(line)
        for _ in zip(range(100), pattern.finditer(line)):
            pass
        took = time.perf_counter() - start
        assert took < 10.0, f"{module}: {pattern.pattern!r} took {took:.1f} s on {line[:20]!r}..."


def test_no_check_compiles_a_pattern_inline():
    """A pattern written inside a function escapes the sweep above: all are module-level."""
    calls = ("search", "match", "fullmatch", "findall", "finditer", "sub", "split")
    inline = []
    for path in sorted(CHECKS_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re" \
                    and node.func.attr in calls:
                inline.append(f"{path.name}:{node.lineno}")
    assert inline == []


def test_a_megabyte_log_reads_in_bounded_time():
    """The cause reader on 200 lines of a megabyte each: lines are cut before any pattern."""
    blob = "eyJhIjoi" + "QUFB" * (MB // 4)
    lines = [blob] * 199 + ["RuntimeError: Observability not initialized"]
    start = time.perf_counter()
    found = causes.from_log(lines)
    assert time.perf_counter() - start < 5.0
    assert found is not None and found.label == \
        "crashes at import: RuntimeError: Observability not initialized"
