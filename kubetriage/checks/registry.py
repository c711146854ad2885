"""The catalogue of checks: one explicit list, one code each, in ranges by domain.

Codes are stable: users silence them and scripts grep for them. A retired code stays in RETIRED
forever and is never given to a new check (tests/checks/test_registry.py enforces it).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kubetriage.checks.finding import Finding, Severity
from kubetriage.core.snapshot import Snapshot

DOMAINS = {  # first code of the range -> domain
    100: "Flux and Helm releases",
    200: "pods and containers",
    300: "secrets and configuration",
    400: "networking",
    500: "workloads and scaling",
    600: "observability",
}
RETIRED: dict[str, str] = {}  # code -> why it was retired; never reuse one

_MODULES = (
    "helmrelease_failed", "dependency_not_ready", "kustomization_failed", "job_failed",
    "crashloop", "image_pull", "registry_trust", "container_config", "failed_mount",
    "pod_pending", "probe_failed", "restart_storm",
    "sealed_secret", "sealing_key",
    "service_endpoints", "missing_service", "netpol_egress",
    "hpa_target", "deployment_revisions",
    "telemetry_exporter",
)


@dataclass(frozen=True)
class Check:
    code: str
    title: str
    severity: Severity
    kinds: tuple[str, ...]
    doc: str
    module: str
    run: Callable[[Snapshot], Iterable[Finding]]

    @property
    def domain(self) -> str:
        return DOMAINS.get(int(self.code[3:]) // 100 * 100, "unknown")


def _load(name: str) -> Check:
    m = importlib.import_module(f"kubetriage.checks.{name}")
    return Check(m.CODE, m.TITLE, m.SEVERITY, tuple(m.KINDS), (m.__doc__ or "").strip(),
                 name, m.check)


CHECKS: tuple[Check, ...] = tuple(_load(name) for name in _MODULES)
BY_CODE: dict[str, Check] = {c.code: c for c in CHECKS}


def catalogue() -> str:
    """The list of checks as Markdown, by domain: docs/checks.md is this, never edited by hand."""
    lines = ["# Checks", "",
             "Generated from kubetriage/checks/registry.py by `kubetriage check --list-checks`.",
             "Silence one with `--ignore CODE` or in the silences file."]
    for start, domain in DOMAINS.items():
        lines += ["", f"## KT-{start}–KT-{start + 99}: {domain}", "",
                  "| code | title | severity | reads | what it detects |",
                  "| --- | --- | --- | --- | --- |"]
        for c in sorted((c for c in CHECKS if c.domain == domain), key=lambda c: c.code):
            first = c.doc.split("\n\n")[0].replace("\n", " ")
            first = first.split(": ", 1)[1] if first.startswith(c.code) else first
            lines.append(f"| {c.code} | {c.title} | {c.severity} | {', '.join(c.kinds)} | "
                         f"{first.replace('|', '/')} |")
    if RETIRED:
        lines += ["", "## Retired codes (never reused)", ""]
        lines += [f"- {code}: {why}" for code, why in sorted(RETIRED.items())]
    return "\n".join(lines) + "\n"
