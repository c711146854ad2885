"""Why a container exits, read from the last lines of its log: the patterns an SRE greps for.

Two passes. The precise patterns, most specific first: the first that matches any line wins, its
matching lines (the last two) are the evidence, and it knows the fix (`precise`). When none
matches, the line that states the failure is picked as a person reading the log would pick it
(`stated`): the line after Spring's `Description:`, a Go `panic:` (not the goroutine trace after
it), Java's last `Caused by:`, a Python traceback's final line, nginx `[emerg]`, a `FATAL:`, an
`Error:` (not Node's closing `Node.js vNN`), a JSON line at level error; then any line saying
error, fatal, panic, exception or emerg. It is quoted as the "reason read from the log". Nothing
is guessed: a log that states nothing gives None, and the caller says the cause is unknown.

Cluster text is hostile: every pattern here (and in every check) runs in time linear in the
line, and a line is cut at LINE_CAP characters before any pattern sees it, so a megabyte of
base64 on one line costs a slice, not a scan (tests/checks/test_patterns_linear.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from kubetriage.core.snapshot import Snapshot
from kubetriage.core.types import LogRef

EVIDENCE_LINES = 2
LINE_CAP = 4096  # a cause is stated in its first few hundred characters
QUOTE_CAP = 200  # what a summary quotes of a line; the evidence shows it whole (to 400)


@dataclass(frozen=True)
class Cause:
    label: str  # completes "the container exits: ..."
    lines: list[str]
    fix: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)


Described = tuple[str, str | None, dict[str, Any]]


def _host(host: str) -> Described:
    host = host.rstrip(".")
    return (f'cannot resolve host "{host}"', "create the Service it names, or fix the host name",
            {"unresolved_host": host})


def _nginx(m: re.Match[str]) -> Described:
    host = m.group(1)
    return (f'nginx cannot resolve its upstream host "{host}"',
            f'make the Service "{host}" exist (its release must deploy), or fix the upstream',
            {"unresolved_host": host})


def _resolver(m: re.Match[str]) -> Described:
    host = m.group(1).rstrip(".")
    return (f'nginx cannot resolve its DNS resolver "{host}"',
            "point the resolver (the chart's dnsService value) at the cluster's real DNS Service",
            {"unresolved_host": host, "resolver": True})


def _django(m: re.Match[str]) -> Described:
    return (f"the database's migration history is inconsistent: {m.group(1)}",
            "the database holds migrations of a newer image: restore it from before that image "
            "ran, or run the image whose migrations it has (never `migrate --fake` blindly)", {})


class _NotInitialised:
    """`SomeError: ... not initialized ...`, found in two linear steps (the phrase, then the
    exception named before it): one pattern with both parts backtracks quadratically."""

    def search(self, line: str) -> tuple[str, str] | None:
        said = _NOT_INIT.search(line)
        if said is None:
            return None
        exc = None
        for found in _EXCEPTION_NAME.finditer(line, 0, said.start()):
            exc = found  # the exception named last before the phrase
        return (exc.group(1), line[exc.end():].strip()) if exc else None


_NOT_INIT = re.compile(r"not initiali[sz]ed", re.I)
_EXCEPTION_NAME = re.compile(r"\b(\w+(?:Error|Exception)): ")
# a path must start a token: without the lookbehind, a line of slashes backtracks quadratically
_PATH = r"""(?<![^\s'"(=])['"]?(/[^\s'":]+)['"]?"""

Rule = tuple[Any, Callable[[Any], Described]]  # (a pattern or matcher, its description)
_PATTERNS: list[Rule] = [
    (re.compile(r'host not found in upstream "([^":\s]+)'), _nginx),
    (re.compile(r'host not found in resolver "([^"\s]+)"'), _resolver),
    (re.compile(r"Multiple head revisions are present"),
     lambda m: ("the alembic migration fails: multiple head revisions (diverged migrations)",
                "merge the heads (`alembic merge heads`) or migrate to `heads`", {})),
    (re.compile(r"InconsistentMigrationHistory: (Migration [^\s]+ is applied before its "
                r"dependency [^\s]+)"), _django),
    (re.compile(r"ModuleNotFoundError: No module named '([^']+)'"),
     lambda m: (f"Python module '{m.group(1)}' is not installed in the image",
                f"add '{m.group(1).split('.')[0]}' to the image's requirements and rebuild",
                {"module": m.group(1)})),
    (re.compile(r"\bexec (/[^\s:]+): exec format error|(exec format error)"),
     lambda m: ("the image is built for another CPU architecture than the node's "
                "(exec format error)",
                "use a multi-arch image, or pin the pod to nodes of the image's architecture "
                "(nodeSelector kubernetes.io/arch)", {"exec_format": True})),
    # the path before (`exec /run.sh: permission denied`) or after (PermissionError); without a
    # path it may be a database's word, not the file system's
    (re.compile(_PATH + r""": (?:\[Errno 13\] )?Permission denied|"""
                r"""Permission denied[:,]? ?['"]?(/[^\s'"]+)""", re.I),
     lambda m: (f"permission denied on {m.group(1) or m.group(2)} for the "
                "container's user",
                "install files where the container's (non-root) user can read them",
                {"path": m.group(1) or m.group(2)})),
    (_NotInitialised(), lambda found: (f"crashes at import: {found[0]}: {found[1]}",
                                       "initialise it before module-level code uses it", {})),
    (re.compile(r'password authentication failed for user "([^"]+)"'),
     lambda m: (f'the database refuses the password of user "{m.group(1)}"',
                "make the password in the Secret match the one the database was initialised "
                "with (a database on an old volume keeps its first password)", {})),
    (re.compile(r"could not translate host name \"([^\"]+)\"|getaddrinfo ENOTFOUND (\S+)|"
                r"nslookup: can't resolve '([^']+)'|wget: bad address '([^']+)'|"
                r"\blookup ([\w.-]+)(?: on [\d.:]+)?: no such host"),
     lambda m: _host(next(g for g in m.groups() if g))),
    (re.compile(r"java\.net\.SocketTimeoutException|java\.net\.ConnectException"),
     lambda m: ("Java socket timeouts talking to its peers", None, {})),
    (re.compile(r"^\s*panic: (.+)"),
     lambda m: (f"panics: {m.group(1)}", "a bug in the program: run the previous (or a fixed) "
                "version of the image", {})),
    (re.compile(r"^(\w+(?:Error|Exception)): (.+)$"),
     lambda m: (f"exits with {m.group(1)}: {m.group(2)}", None, {})),
]
_PORTS = re.compile(r"(?::|port[\s=]{0,3})(\d{2,5})\b")


def _ports(lines: list[str]) -> list[int]:
    found = {int(p) for line in lines for p in _PORTS.findall(line)}
    return sorted(p for p in found if p < 65536)


def capped(lines: Sequence[str]) -> list[str]:
    return [line if len(line) <= LINE_CAP else line[:LINE_CAP] for line in lines]


def precise(lines: Sequence[str]) -> Cause | None:
    """The cause when a precise pattern matches, with its fix; else None."""
    lines = capped(lines)
    for pattern, describe in _PATTERNS:
        hits = [(line, m) for line in lines if (m := pattern.search(line))]
        if not hits:
            continue
        label, fix, facts = describe(hits[-1][1])
        evidence = list(dict.fromkeys(line for line, _ in hits))[-EVIDENCE_LINES:]
        if "SocketTimeoutException" in hits[-1][0] or "ConnectException" in hits[-1][0]:
            facts = {"timeout_ports": _ports([line for line, _ in hits])}
        return Cause(label, evidence, fix, facts)
    return None


def from_log(lines: Sequence[str]) -> Cause | None:
    """The precise cause, else the line that states the failure; None when the log says
    nothing of the kind."""
    return precise(lines) or stated(lines)


# -- the line that states the failure ------------------------------------------------------------

_PANIC = re.compile(r"^\s*panic: ")
_CAUSED_BY = re.compile(r"^\s*Caused by: ")
_JAVA_MAIN = re.compile(r"^Exception in thread ")
_TRACEBACK = re.compile(r"^Traceback \(most recent call last\):")
_CHAINED = re.compile(r"^(?:During handling of the above exception|The above exception was)")
_SPRING = re.compile(r"APPLICATION FAILED TO START")
_DESCRIPTION = re.compile(r"^Description:\s*$")
_STATEMENTS = re.compile(
    r"\[emerg\]|\bFATAL:\s|\bexec format error\b|^\w*Error: |^\s*\w+(?:\.\w+)*Exception: |"
    r"^E\d{4} |\blevel=(?:error|fatal|panic)\b|\b(?:ERROR|FATAL|CRITICAL)\b")
_JSON_LEVEL = re.compile(r'"(?:level|severity|lvl)"\s?:\s?"(?:error|fatal|panic|critical|'
                         r'ERROR|FATAL|PANIC|CRITICAL)"')
_ANY = re.compile(r"\b(?:error|fatal|panic|exception|emerg|failed|failure)\b", re.I)
# levels that say a line is not the failure, whatever words it holds (a logger named ...Exception)
_QUIET_HEAD = re.compile(r"\b(?:INFO|DEBUG|TRACE|WARN|WARNING|NOTICE)\b|^[IWD]\d{4} |"
                         r"\[(?:warn|notice|info|debug)\]")
_QUIET = re.compile(r"\blevel=(?:info|debug|trace|warn|warning)\b|"
                    r'"(?:level|severity)"\s?:\s?"(?:info|debug|trace|warn|warning|INFO|DEBUG|'
                    r'WARN|WARNING)"')
QUIET_HEAD = 48  # where a line's own level stands (after a timestamp)
_NOISE = re.compile(r"^\s*(?:[}\])]+,?|Node\.js v\d[\d.]*|at .*|goroutine \d+ \[.*|\.\.\.|"
                    r"\^+|throw err;|[-*=_]{3,})\s*$")


def stated(lines: Sequence[str]) -> Cause | None:
    """The line a person reading the log would quote as the failure, or None."""
    lines = capped(lines)
    line = _spring(lines) or _last(lines, _PANIC) or _last(lines, _CAUSED_BY) or \
        _last(lines, _JAVA_MAIN) or _traceback_end(lines) or _json_error(lines) or \
        _last(lines, _STATEMENTS, quiet=True) or _last(lines, _ANY, quiet=True)
    return _quoted(line) if line else None


def last_words(lines: Sequence[str]) -> Cause | None:
    """The last meaningful line of a container that exited non-zero: what it said last."""
    line = next((ln for ln in reversed(capped(lines)) if ln.strip() and not _NOISE.match(ln)),
                None)
    return _quoted(line) if line else None


def _quoted(line: str) -> Cause:
    text = line.strip()
    text = text if len(text) <= QUOTE_CAP else text[: QUOTE_CAP - 1] + "…"
    return Cause(f'reason read from the log: "{text}"', [line.strip()], None, {"stated": True})


def _last(lines: list[str], pattern: re.Pattern[str], quiet: bool = False) -> str | None:
    for line in reversed(lines):
        if pattern.search(line) and not (quiet and _quiet(line)) and not _NOISE.match(line):
            return line
    return None


def _quiet(line: str) -> bool:
    """Whether the line declares a level below error (INFO lines name exceptions, too)."""
    return bool(_QUIET_HEAD.search(line[:QUIET_HEAD]) or _QUIET.search(line))


def _spring(lines: list[str]) -> str | None:
    """Spring Boot's failure analysis: the sentence after `Description:`, not the advice."""
    for i in range(len(lines) - 1, -1, -1):
        if _SPRING.search(lines[i]):
            for j in range(i + 1, len(lines)):
                if _DESCRIPTION.match(lines[j]):
                    return next((ln for ln in lines[j + 1:] if ln.strip()), None)
            return None
    return None


def _traceback_end(lines: list[str]) -> str | None:
    """The exception line closing the last Python traceback: its first unindented line."""
    found, inside = None, False
    for line in lines:
        if _TRACEBACK.match(line):
            inside = True
        elif inside and line.strip() and not line[:1].isspace():
            if not _CHAINED.match(line):
                found, inside = line, False
    return found


def _json_error(lines: list[str]) -> str | None:
    """`msg: error` of the last JSON log line at level error (controller-runtime, zap, ...)."""
    for line in reversed(lines):
        if not line.lstrip().startswith("{") or not _JSON_LEVEL.search(line):
            continue
        try:
            doc = orjson.loads(line)
        except orjson.JSONDecodeError:
            return line
        if isinstance(doc, dict):
            parts = [str(doc[k]) for k in ("msg", "message", "error", "err")
                     if isinstance(doc.get(k), (str, int, float)) and doc.get(k) != ""]
            return ": ".join(dict.fromkeys(parts)) or line
        return line
    return None


def precise_by_log(snap: Snapshot) -> dict[LogRef, Cause]:
    """Every log of the snapshot with a precise cause, read once for all the checks that link
    on its facts (a host it cannot resolve, the ports it times out on)."""
    def read(snap: Snapshot) -> dict[LogRef, Cause]:
        return {key: cause for key, lines in snap.logs.items() if (cause := precise(lines))}
    return snap.derived("precise-causes", read)
