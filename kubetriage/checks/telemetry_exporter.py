"""KT-601: a telemetry exporter retrying against a collector that does not exist, flooding logs.

Most of a container's recent log lines are OpenTelemetry (or OTLP) export failures to one host
that is a cluster Service name, and that Service is absent (or, if present, unreachable). The
noise hides real errors and costs CPU; the fix is to deploy the collector or disable the export.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, ObjectRef, Remediation
from kubetriage.checks.objects import service_for_host
from kubetriage.core.snapshot import Snapshot

CHECK = Check(code="KT-601", title="Telemetry exporter flooding logs", severity="warning",
              kinds=("Pod", "Service"), doc=__doc__)

# An export line names what it sends, then where: found in two linear steps (the words, then the
# first host:port after them), as one pattern with `.*?` between them is quadratic on long lines.
_EXPORT = re.compile(r"\b(?:export\w*|sending) (?:traces|spans|metrics|logs)\b", re.I)
_OTLP = re.compile(r"\b(?:otlp|otel)\w*\b", re.I)
_TO_HOST = re.compile(r"\bto (?:https?://)?([\w.-]++):(\d+)", re.I)
_HOST = re.compile(r"(?<![\w./-])(?:https?://)?([\w.-]++):(\d+)")
_FAILED = re.compile(r"UNAVAILABLE|error|failed|refused|timeout|retry", re.I)
FLOOD_LINES = 10  # this many failed exports in the recent lines is a flood, not a blip


def _export_target(line: str) -> tuple[str, str] | None:
    """(host, port) an export line sends to: after "exporting traces ... to", or an OTLP line's
    first host with "otel" in its name."""
    if (said := _EXPORT.search(line)) and (to := _TO_HOST.search(line, said.end())):
        return to.group(1), to.group(2)
    if (said := _OTLP.search(line)):
        for m in _HOST.finditer(line, said.end()):
            if "otel" in m.group(1).lower():
                return m.group(1), m.group(2)
    return None


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    for (ns, pod, container, previous), lines in sorted(snap.logs.items()):
        if previous:
            continue
        hits: dict[tuple[str, str], list[str]] = {}
        for line in lines:
            target = _export_target(line)
            if target and _FAILED.search(line):
                hits.setdefault(target, []).append(line)
        if not hits:
            continue
        (host, port), found = max(hits.items(), key=lambda kv: len(kv[1]))
        if len(found) < FLOOD_LINES:
            continue
        svc = service_for_host(snap, host, ns)
        if svc is None or not snap.has_kind("Service"):
            state = "which is unreachable"
        elif snap.get("Service", *svc) is None:
            state = f"but Service {svc[0]}/{svc[1]} does not exist"
        else:
            continue  # the collector exists: a real outage is another check's business
        yield CHECK.finding(ObjectRef(kind="Pod", namespace=ns, name=pod),
                            f"Container {container} of pod {ns}/{pod} keeps exporting telemetry to "
                            f"{host}:{port}, {state}: {len(found)} of its last {len(lines)} log lines.",
                            [found[-1], f"{len(found)} of the last {len(lines)} lines are failed exports"],
                            [Remediation(title="Deploy the collector, or disable the exporter "
                                               "(OTEL_SDK_DISABLED=true)")],
                            part=container, container=container, collector=svc)
