"""The verification report: what an operator pastes into a ticket after "Reconcile and verify",
shaped like the seeds' own (TASK-003's final verification): the verdict, the steps, state tables
of releases, pods and services as the run ended, what changed during the run, what remains with
its failure chains, and a timeline."""

from __future__ import annotations

from datetime import datetime

from kubetriage.actions.reconcile import condition
from kubetriage.core import durations
from kubetriage.core.text import clean, visible
from kubetriage.health import name_of, pod_row
from kubetriage.report.markdown import _cell as _escape
from kubetriage.report.markdown import _code
from kubetriage.verify import Verification

_MARK = {"passed": "✅ passed", "failed": "❌ failed", "skipped": "— skipped",
         "pending": "not reached", "running": "interrupted", "unseen": "⚠ could not read"}


def _cell(text: str) -> str:
    """Cluster text in one table cell: cleaned, on one line, escaped."""
    return _escape(" ".join(clean(text).split()))


def _t(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S UTC") if when else "?"


def _clock(when: datetime) -> str:
    return when.strftime("%H:%M:%S")


def release_row(release: dict) -> tuple[str, str, str, str, str]:
    """(release, ready, message, chart version, suspended) as the report's table shows it."""
    ready = condition(release, "Ready") or {}
    status = release.get("status") or {}
    history = status.get("history") or [{}]
    version = history[0].get("chartVersion") or status.get("lastAttemptedRevision") or \
        (((release.get("spec") or {}).get("chart") or {}).get("spec") or {}).get("version") or ""
    suspended = "yes" if (release.get("spec") or {}).get("suspend") else "no"
    return (name_of(release), ready.get("status", "Unknown"), ready.get("message") or "",
            str(version), suspended)


def render_verification(v: Verification) -> str:
    verdict = "VERIFIED" if v.ok else "NOT VERIFIED: could not read everything" if v.unseen \
        else "NOT VERIFIED"
    took = (v.finished - v.started).total_seconds() if v.finished else 0.0
    scope = f"namespace `{_cell(v.namespace)}`" if v.namespace else "all namespaces"
    timeout = durations.format(v.timeout) if v.timeout is not None else "each release's own"
    out = [f"# Verification: {_cell(v.context)}: {verdict}", "",
           f"- **Scope**: {scope}",
           f"- **Run**: {_t(v.started)} to {_t(v.finished)} ({durations.format(took)})",
           f"- **Options**: reconcile {'requested' if v.reconcile else 'not requested'}; "
           f"timeout {timeout}; stability window {durations.format(v.stability)}", ""]
    out += ["## Steps", "", "| step | result | detail |", "| --- | --- | --- |"]
    out += [f"| {s.title} | {_MARK[s.status]} | {_cell(s.summary)} |" for s in v.steps]
    for s in v.steps:
        if s.details:
            out += ["", f"**{s.title}**:", ""] + [f"- {_cell(d)}" for d in s.details]
    out += ["", "## State at the end of the run", "", "### HelmReleases", ""]
    if v.releases:
        out += ["| release | ready | message | chart version | suspended |",
                "| --- | --- | --- | --- | --- |"]
        out += ["| " + " | ".join(_cell(c) for c in release_row(r)) + " |" for r in v.releases]
    else:
        out.append("No HelmReleases in scope.")
    out += ["", "### Pods", ""]
    if v.pods:
        out += ["| pod | ready | status | restarts |", "| --- | --- | --- | --- |"]
        for pod in v.pods:
            name, ready, status, restarts = pod_row(pod)
            ns = pod["metadata"].get("namespace")
            out.append(f"| {_cell(f'{ns}/{name}')} | {_cell(ready)} | {_cell(status)} | "
                       f"{_cell(restarts)} |")
    else:
        out.append("No pods in scope.")
    out += ["", "### Services", ""]
    if v.services:
        out += ["| service | ready endpoints |", "| --- | --- |"]
        out += [f"| {_cell(name_of(s))} | {n} |" for s, n in v.services]
    else:
        out.append("No Services with a selector in scope.")
    out += ["", "## What changed during the run", ""]
    if v.actions:
        out += ["Actions taken (each in the audit log):", ""]
        out += [f"- {_cell(r.plan.action.title)} {_cell(str(r.plan.target))}: {r.outcome}; "
                f"`{visible(r.plan.command).replace('`', '')}`" for r in v.actions]
        out.append("")
    if v.changes:
        out += ["| time | object | before | after |", "| --- | --- | --- | --- |"]
        out += [f"| {_clock(c.at)} | {_cell(c.object)} | {_cell(c.before)} | {_cell(c.after)} |"
                for c in v.changes]
    elif not v.actions:
        out.append("Nothing changed.")
    out += ["", "## What remains", ""]
    out += _remains(v)
    out += _unavailable(v)
    out += ["", "## Timeline", "", "| time | step | event |", "| --- | --- | --- |"]
    out += [f"| {_clock(e.at)} | {e.step} | {e.kind}: {_cell(e.message)} |" for e in v.events]
    return "\n".join(out) + "\n"


def _unavailable(v: Verification) -> list[str]:
    """Its own section: what the run could not read (the diagnosis' list, with the reasons)."""
    lines = v.diagnosis.unavailable if v.diagnosis else []
    if not lines:
        return []
    out = ["", "## Could not be read", "", "What is missing there proves nothing.", ""]
    out += [f"- {_cell(line)}" for line in lines]
    if v.diagnosis and v.diagnosis.cannot_judge:
        out += ["", f"Too little could be read to judge: {_cell(v.diagnosis.cannot_judge)}."]
    return out


def _remains(v: Verification) -> list[str]:
    failing = [s for s in v.steps if s.status in ("failed", "unseen")]
    report = v.diagnosis
    chains = [c for c in (report.chains if report else []) if c.severity in ("critical", "error")]
    if not failing and not chains:
        return ["Nothing: every step passed."]
    out = [f"- {_cell(s.title)}: {_cell(s.summary)}" for s in failing]
    if not chains or report is None:
        return out
    by_id = {f.id: f for f in report.findings}
    out += ["", "Failure chains (root first):", ""]
    for number, chain in enumerate(chains, 1):
        out += [f"### {number}. {chain.severity.upper()}: {_cell(chain.summary)}", ""]
        for i, fid in enumerate(chain.links):
            f = by_id.get(fid)
            if f is None:
                continue
            out.append(f"- **{'root' if i == 0 else 'breaks'}** {_cell(str(f.object))} "
                       f"({f.check}): {_cell(f.summary)}")
            for r in f.remediations[:2]:
                fix = f"`{r.command.replace('`', '')}`" if r.command else ""
                out.append(f"  - fix: {_cell(r.title)} {fix}".rstrip())
        root = by_id.get(chain.root)
        if root is not None and root.evidence:
            out += ["", *_code(root.evidence[:6])]
        out.append("")
    return out
