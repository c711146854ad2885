"""The catalogue of checks: one explicit list, one code each, in ranges by domain.

Codes are stable: users silence them and scripts grep for them. A retired code stays in RETIRED
forever and is never given to a new check (tests/checks/test_registry.py enforces it).
"""

from __future__ import annotations

from kubetriage.checks import (
    certificate,
    container_config,
    crashloop,
    create_refused,
    dependency_not_ready,
    deployment_revisions,
    failed_mount,
    flux_source,
    helmchart_failed,
    helmrelease_failed,
    hpa_target,
    image_pull,
    image_shared,
    ingress_backend,
    init_waiting,
    job_failed,
    kustomization_failed,
    missing_service,
    namespace_stuck,
    netpol_blocks,
    netpol_egress,
    node_condition,
    pod_pending,
    pod_sandbox,
    probe_failed,
    pvc_pending,
    quota_refused,
    registry_trust,
    restart_storm,
    sealed_secret,
    sealing_key,
    service_endpoints,
    telemetry_exporter,
)
from kubetriage.checks.check import DOMAINS, Check

RETIRED: dict[str, str] = {}  # code -> why it was retired; never reuse one

CHECKS: tuple[Check, ...] = tuple(module.CHECK for module in (
    helmrelease_failed,
    dependency_not_ready,
    kustomization_failed,
    job_failed,
    flux_source,
    helmchart_failed,
    crashloop,
    image_pull,
    image_shared,
    registry_trust,
    container_config,
    failed_mount,
    pod_pending,
    probe_failed,
    restart_storm,
    init_waiting,
    pod_sandbox,
    certificate,
    sealed_secret,
    sealing_key,
    service_endpoints,
    missing_service,
    netpol_egress,
    netpol_blocks,
    ingress_backend,
    hpa_target,
    quota_refused,
    create_refused,
    deployment_revisions,
    telemetry_exporter,
    pvc_pending,
    node_condition,
    namespace_stuck,
))
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
            first = (c.doc or "").split("\n\n")[0].replace("\n", " ")
            first = first.split(": ", 1)[1] if first.startswith(c.code) else first
            lines.append(f"| {c.code} | {c.title} | {c.severity} | {', '.join(c.kinds)} | "
                         f"{first.replace('|', '/')} |")
    if RETIRED:
        lines += ["", "## Retired codes (never reused)", ""]
        lines += [f"- {code}: {why}" for code, why in sorted(RETIRED.items())]
    return "\n".join(lines) + "\n"
