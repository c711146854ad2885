"""The Markdown report: what an operator pastes into a ticket, shaped like the seeds' own reports
(a state table, the chains with their evidence, the suggested fixes)."""

from __future__ import annotations

import re

from kubetriage.checks.finding import Report
from kubetriage.report.text import counts


def _cell(text: str) -> str:
    """Table-cell safe: pipes escaped, no markup from cluster text (backticks, asterisks, links)."""
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", text)


def _code(lines: list[str]) -> list[str]:
    longest = max((len(m) for line in lines for m in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", *lines, fence]


def render_markdown(report: Report) -> str:
    by_id = {f.id: f for f in report.findings}
    out = [f"# kubetriage diagnosis{f': {_cell(report.source)}' if report.source else ''}", "",
           f"{counts(report)}." + (f" Namespace: `{report.namespace}`." if report.namespace
                                   else ""), ""]
    out += [f"> unknown: {_cell(line)}" for line in report.unavailable]
    if not report.findings:
        return "\n".join(out + ["Nothing wrong found.", ""])
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
