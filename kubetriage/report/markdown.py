"""The Markdown report: what an operator pastes into a ticket, shaped like the seeds' own reports
(a state table, the chains with their evidence, the suggested fixes)."""

from __future__ import annotations

import re

from kubetriage.checks.finding import Report
from kubetriage.report.text import counts, verdict


def _cell(text: str) -> str:
    """Table-cell safe: pipes escaped, no markup from cluster text (backticks, asterisks, links)."""
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", text)


def _code(lines: list[str]) -> list[str]:
    longest = max((len(m) for line in lines for m in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", *lines, fence]


def _unavailable(report: Report) -> list[str]:
    """Its own section: what could not be read, each with the reason, and why that withholds
    the verdict when it does."""
    if not report.unavailable:
        return []
    out = ["## Could not be read", "", "What is missing there proves nothing.", ""]
    out += [f"- {_cell(line)}" for line in report.unavailable]
    if report.cannot_judge and report.findings:
        out += ["", f"Too little could be read to call the rest healthy: "
                    f"{_cell(report.cannot_judge)}."]
    return out + [""]


def render_markdown(report: Report) -> str:
    by_id = {f.id: f for f in report.findings}
    out = [f"# kubetriage diagnosis{f': {_cell(report.source)}' if report.source else ''}", "",
           f"{counts(report)}." + (f" Namespace: `{report.namespace}`." if report.namespace
                                   else ""), ""]
    out += _unavailable(report)
    if not report.findings:
        return "\n".join(out + [_cell(verdict(report)), ""])
    out += ["## State", "", "| severity | check | object | summary |", "| --- | --- | --- | --- |"]
    out += [f"| {f.severity} | {f.check} | {_cell(str(f.object))} | {_cell(f.summary)} |"
            for f in report.findings]
    out += ["", "## Chains", ""]
    shown: set[str] = set()
    for number, chain in enumerate(report.chains, 1):
        out += [f"### {number}. {chain.severity.upper()}: {_cell(chain.summary)}", ""]
        for i, fid in enumerate(chain.links):
            f = by_id.get(fid)
            if f is None:
                continue
            role = "root" if i == 0 else "breaks"
            out.append(f"- **{role}** {_cell(str(f.object))} ({f.check}, {f.severity})"
                       + (": see above" if fid in shown else f": {_cell(f.summary)}"))
            if fid not in shown and f.evidence:
                out += ["", *("  " + line for line in _code(f.evidence)), ""]
            shown.add(fid)
        out.append("")
    out += ["## Suggested fixes", ""]
    for f in report.findings:
        for r in f.remediations:
            out.append(f"- {_cell(str(f.object))}: {_cell(r.title)}"
                       + (f"  \n  `{r.command.replace('`', '')}`" if r.command else ""))
    return "\n".join(out) + "\n"
