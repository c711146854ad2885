"""Running the diagnosis: every check over a snapshot, silences applied, the findings linked
(chains.edges), a workload's pods failing one way grouped (workloads.py), symptoms put under their
cause and the chains ordered cause first (ranking.py).

The one entry point the dashboard, `kubetriage check` and `verify` share, fed the same objects and
logs (core/logs_read.py). Pure: no I/O, no Textual.
"""

from __future__ import annotations

from collections.abc import Iterable

from kubetriage.checks import chains, ranking, workloads
from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, Report
from kubetriage.checks.registry import CHECKS
from kubetriage.core.gcpause import gc_paused
from kubetriage.core.snapshot import Snapshot
from kubetriage.silences import Silences


def run_checks(snap: Snapshot, checks: Iterable[Check] = CHECKS) -> tuple[list[Finding],
                                                                          list[str]]:
    """All findings, each id once, and a line per check that crashed (a bug, shown, not hidden)."""
    findings: dict[str, Finding] = {}
    broken: list[str] = []
    for check in checks:
        try:
            for f in check.run(snap):
                findings.setdefault(f.id, f)
        except Exception as exc:  # one broken check must not cost the operator the others
            broken.append(f"check {check.code} failed: {type(exc).__name__}: {exc}")
    return list(findings.values()), broken


def diagnose(snap: Snapshot, ignore: Iterable[str] = (), silences: Silences | None = None,
             source: str = "", namespace: str | None = None) -> Report:
    if namespace:
        snap = snap.restricted_to(namespace)
    with gc_paused():  # findings for 10k pods: the collector would rescan the whole cluster
        return _diagnose(snap, ignore, silences, source, namespace)


def _diagnose(snap: Snapshot, ignore: Iterable[str], silences: Silences | None, source: str,
              namespace: str | None) -> Report:
    found, broken = run_checks(snap)
    ignored = set(ignore)
    kept = [f for f in found
            if f.check not in ignored and not (silences and silences.silenced(f))]
    silenced = len(found) - len(kept)
    linked = chains.edges(snap, kept)
    # a workload's pods failing one way are one finding; a symptom goes under its cause
    kept, linked = workloads.group(snap, kept, linked)
    linked = ranking.cause_above_symptom(kept, linked)
    kept.sort(key=lambda f: (-f.rank, f.id))
    built = ranking.order(chains.build(snap, kept, linked), kept)
    return Report(findings=kept, chains=built, silenced=silenced,
                  source=source, namespace=namespace, unavailable=snap.unseen.lines() + broken,
                  unavailable_brief=snap.unseen.brief() + broken,
                  cannot_judge=snap.unseen.judgement(logs_read=len(snap.logs)))
