"""What a check declares about itself, and how it makes its findings.

    CHECK = Check(code="KT-206", title="Pod cannot be scheduled", severity="error",
                  kinds=("Pod", "Event"), doc=__doc__)

    @CHECK.runs
    def check(snap: Snapshot) -> Iterator[Finding]:
        yield CHECK.finding(ref(pod), "one sentence", ["evidence line"], [Remediation(...)])

The registry imports each module's CHECK by name: one explicit list, nothing found by reflection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kubetriage.checks.finding import Finding, ObjectRef, Remediation, Severity
from kubetriage.core.snapshot import Snapshot

DOMAINS = {  # first code of the range -> domain
    100: "Flux and Helm releases",
    200: "pods and containers",
    300: "secrets and configuration",
    400: "networking",
    500: "workloads and scaling",
    600: "observability",
    700: "storage and nodes",
}

Run = Callable[[Snapshot], Iterable[Finding]]


@dataclass(eq=False)
class Check:
    code: str
    title: str
    severity: Severity
    kinds: tuple[str, ...]
    doc: str | None = ""
    run: Run = field(default=lambda snap: (), repr=False)

    def __post_init__(self) -> None:
        self.doc = (self.doc or "").strip()

    def runs(self, fn: Run) -> Run:
        """The decorator naming a module's function as what this check runs."""
        self.run = fn
        return fn

    @property
    def module(self) -> str:
        """The module the check lives in (its test is tests/checks/test_<module>.py)."""
        return self.run.__module__.rsplit(".", 1)[-1]

    @property
    def domain(self) -> str:
        return DOMAINS.get(int(self.code[3:]) // 100 * 100, "unknown")

    def finding(self, obj: ObjectRef, summary: str, evidence: list[str],
                remediations: list[Remediation] | None = None, severity: Severity | None = None,
                part: str | None = None, **facts: Any) -> Finding:
        """A finding of this check about obj; `part` tells apart several about one object."""
        ident = f"{self.code}/{obj.kind}/{obj.namespace or '-'}/{obj.name}"
        return Finding(id=f"{ident}/{part}" if part else ident, check=self.code,
                       title=self.title, severity=severity or self.severity, object=obj,
                       summary=summary, evidence=evidence, remediations=remediations or [],
                       facts=facts)
