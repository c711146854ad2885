"""The terminal report: chains first, root then what it breaks, each with evidence and fixes.

Reads well in 80 columns with colour and without it (NO_COLOR is honoured by rich): severity is
a word, not only a colour, and indentation carries the structure.
"""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.text import Text

from kubetriage.checks.finding import Finding, Report

STYLE = {"critical": "bold white on red", "error": "bold red", "warning": "bold yellow",
         "info": "cyan"}
UNAVAILABLE_SHOWN = 12  # a node gone takes every log on it: the JSON lists them all


def counts(report: Report) -> str:
    by = {}
    for f in report.findings:
        by[f.severity] = by.get(f.severity, 0) + 1
    parts = [f"{by[s]} {s}" for s in ("critical", "error", "warning", "info") if s in by]
    n = len(report.findings)
    head = f"{len(report.chains)} chain{'s' if len(report.chains) != 1 else ''}, " \
           f"{n} finding{'s' if n != 1 else ''}"
    return head + (f" ({', '.join(parts)})" if parts else "") + f", {report.silenced} silenced"


def _tag(severity: str) -> Text:
    return Text(f"{severity.upper():<8}", style=STYLE[severity])


class _Out:
    """Prints Text wrapped at the console width with a hanging indent, no trailing blanks."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def line(self, text: Text | str = "", indent: int = 0, marker: Text | None = None) -> None:
        """`text` wrapped under `indent`; `marker` (evidence's `│ `) starts every wrapped line,
        so a continuation still reads as evidence."""
        text = Text(text) if isinstance(text, str) else text
        room = max(self.console.width - indent - (marker.cell_len if marker else 0), 20)
        for part in text.wrap(self.console, room):
            part.rstrip()
            self.console.print(Text(" " * indent) + (marker or Text()) + part)

    def command(self, command: str, indent: int) -> None:
        """A command on one line, never wrapped: copied from a terminal, a line break put in
        by the report would split it (the terminal's own soft wrap copies whole)."""
        self.console.print(Text(" " * indent) + Text.assemble(("$ ", "dim"), (command, "bold")),
                           soft_wrap=True)


def _finding(out: _Out, f: Finding, marker: str, shown: bool) -> None:
    out.line(Text.assemble(marker, _tag(f.severity), (f.check, "dim"), " ",
                           (str(f.object), "bold")), 0)
    if shown:
        out.line(Text("(described above)", style="dim"), 4)
        return
    out.line(Text(f.summary), 4)
    for line in f.evidence:
        out.line(Text(line, style="dim"), 4, marker=Text("│ ", style="dim"))
    for r in f.remediations:
        out.line(Text.assemble(("fix: ", "green"), r.title), 4)
        if r.command:
            out.command(r.command, 9)


def verdict(report: Report) -> str:
    """What a report without findings says: never "Nothing wrong found." when it saw too little,
    nor without a word when it could not read everything."""
    if report.cannot_judge:
        return f"Cannot judge: {report.cannot_judge}."
    if report.unavailable:
        return "Nothing wrong found in what could be read."
    return "Nothing wrong found."


def verdict_text(report: Report) -> Text:
    return Text(verdict(report), style="bold yellow" if report.cannot_judge else
                "yellow" if report.unavailable else "green")


def _unavailable(printer: _Out, report: Report) -> None:
    """Its own section, under the header: what could not be read, so absence there proves
    nothing (kinds RBAC forbids, logs the server would not give), each with the reason."""
    if not report.unavailable:
        return
    printer.line(Text("Could not read (what is missing there proves nothing; -o json gives each "
                      "with the server's words):", style="yellow"))
    lines = report.unavailable_brief or report.unavailable
    for line in lines[:UNAVAILABLE_SHOWN]:
        printer.line(Text.assemble(("• ", "yellow"), line), 2)
    more = len(lines) - UNAVAILABLE_SHOWN
    if more > 0:
        printer.line(Text(f"… and {more} more", style="yellow"), 2)
    if report.cannot_judge and report.findings:
        printer.line(Text(f"Too little could be read to call the rest healthy: "
                          f"{report.cannot_judge}.", style="yellow"))


def render_text(report: Report, out: TextIO, width: int | None = None) -> None:
    console = Console(file=out, width=width, highlight=False, soft_wrap=True, emoji=False)
    printer = _Out(console)
    by_id = {f.id: f for f in report.findings}
    where = f" · {report.source}" if report.source else ""
    where += f" · namespace {report.namespace}" if report.namespace else ""
    printer.line(Text.assemble(("kubetriage check", "bold"), where, " · ", counts(report)))
    _unavailable(printer, report)
    if not report.findings:
        printer.line(verdict_text(report))
        return
    shown: set[str] = set()
    for number, chain in enumerate(report.chains, 1):
        printer.line()
        size = f"{len(chain.links)} findings" if len(chain.links) > 1 else "1 finding"
        printer.line(Text.assemble(_tag(chain.severity), (f"chain {number} · {size}", "bold")))
        for i, fid in enumerate(chain.links):
            f = by_id.get(fid)
            if f is None:
                continue
            marker = "  ● root " if i == 0 else "  └→ "
            _finding(printer, f, marker, fid in shown)
            shown.add(fid)
