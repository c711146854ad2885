"""Why a container exits, read from the last lines of its log: the patterns an SRE greps for.

Patterns are tried most specific first; the first that matches any line wins, and its matching
lines (the last two) are the evidence. No match means the cause is unknown: say so, never guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

EVIDENCE_LINES = 2


@dataclass(frozen=True)
class Cause:
    label: str  # completes "the container exits: ..."
    lines: list[str]
    fix: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)


def _host(m: re.Match[str]) -> tuple[str, str | None, dict[str, Any]]:
    # the pattern has one alternative per resolver's wording: the host is whichever group matched
    host = next(g for g in m.groups() if g).rstrip(".")
    return (f'cannot resolve host "{host}"', "create the Service it names, or fix the host name",
            {"unresolved_host": host})


def _nginx(m: re.Match[str]) -> tuple[str, str | None, dict[str, Any]]:
    host = m.group(1)
    return (f'nginx cannot resolve its upstream host "{host}"',
            f'make the Service "{host}" exist (its release must deploy), or fix the upstream',
            {"unresolved_host": host})


def _ports(lines: list[str]) -> list[int]:
    found = {int(p) for line in lines for p in re.findall(r"(?::|port\s*=?\s*)(\d{2,5})\b", line)}
    return sorted(p for p in found if p < 65536)


_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]],
                                                tuple[str, str | None, dict[str, Any]]]]] = [
    (re.compile(r'host not found in upstream "([^":\s]+)'), _nginx),
    (re.compile(r"Multiple head revisions are present"),
     lambda m: ("the alembic migration fails: multiple head revisions (diverged migrations)",
                "merge the heads (`alembic merge heads`) or migrate to `heads`", {})),
    (re.compile(r"ModuleNotFoundError: No module named '([^']+)'"),
     lambda m: (f"Python module '{m.group(1)}' is not installed in the image",
                f"add '{m.group(1).split('.')[0]}' to the image's requirements and rebuild",
                {"module": m.group(1)})),
    # the path before (`exec /run.sh: permission denied`) or after (PermissionError); without a
    # path it may be a database's word, not the file system's
    (re.compile(r"""['"]?(/[^\s'":]+)['"]?: (?:\[Errno 13\] )?Permission denied|"""
                r"""Permission denied[:,]?\s*['"]?(/[^\s'"]+)""", re.I),
     lambda m: (f"permission denied on {m.group(1) or m.group(2)} for the "
                "container's user",
                "install files where the container's (non-root) user can read them",
                {"path": m.group(1) or m.group(2)})),
    (re.compile(r"(\w+(?:Error|Exception)): (.*not initiali[sz]ed.*)", re.I),
     lambda m: (f"crashes at import: {m.group(1)}: {m.group(2)}",
                "initialise it before module-level code uses it", {})),
    (re.compile(r"could not translate host name \"([^\"]+)\"|getaddrinfo ENOTFOUND (\S+)|"
                r"lookup ([\w.-]+)(?: on [\d.:]+)?: no such host"),
     _host),
    (re.compile(r"java\.net\.SocketTimeoutException|java\.net\.ConnectException"),
     lambda m: ("Java socket timeouts talking to its peers", None, {})),
    (re.compile(r"^\s*panic: (.+)"), lambda m: (f"panics: {m.group(1)}", None, {})),
    (re.compile(r"^(\w+(?:Error|Exception)): (.+)$"),
     lambda m: (f"exits with {m.group(1)}: {m.group(2)}", None, {})),
]


def from_log(lines: list[str]) -> Cause | None:
    for pattern, describe in _PATTERNS:
        hits = [(line, m) for line in lines if (m := pattern.search(line))]
        if hits:
            label, fix, facts = describe(hits[-1][1])
            evidence = list(dict.fromkeys(line for line, _ in hits))[-EVIDENCE_LINES:]
            if "SocketTimeoutException" in hits[-1][0] or "ConnectException" in hits[-1][0]:
                facts = {"timeout_ports": _ports([line for line, _ in hits])}
            return Cause(label, evidence, fix, facts)
    return None
