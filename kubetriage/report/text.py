"""The terminal report: chains first, each root with its evidence and fixes, then what it breaks,
briefly (a summary each; several of one check as one entry). Each evidence line and each fix is
stated once in the whole report: a line a Job's finding repeats from its pod's is not printed
again. `-o json` and `-o markdown` keep every finding whole.

Reads well in 80 columns with colour and without it (NO_COLOR is honoured by rich): severity is
a word, not only a colour, and indentation carries the structure.
"""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.text import Text

from kubetriage.checks.finding import SEVERITY_RANK, Finding, Report

FOLD = 3  # members of one check and kind in a chain told as one entry from this many
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
    silenced = f", {report.silenced} silenced" if report.silenced else ""  # none: nothing to say
    return head + (f" ({', '.join(parts)})" if parts else "") + silenced


def _tag(severity: str) -> Text:
    return Text(f"{severity.upper():<8}", style=STYLE[severity])


class _Out:
    """Prints Text wrapped at the console width with a hanging indent, no trailing blanks."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def line(self, text: Text | str = "", indent: int = 0, marker: Text | None = None,
             hang: Text | None = None) -> None:
        """`text` wrapped under `indent`; `marker` (evidence's `│ `) starts its first line and
        `hang` (`│   `) every wrapped one, so a continuation still reads as evidence, and as
        the same line."""
        text = Text(text) if isinstance(text, str) else text
        width = max((m.cell_len for m in (marker, hang) if m is not None), default=0)
        room = max(self.console.width - indent - width, 20)
        for i, part in enumerate(text.wrap(self.console, room)):
            part.rstrip()
            lead = (hang if i and hang is not None else marker) or Text()
            self.console.print(Text(" " * indent) + lead + part)

    def command(self, command: str, indent: int) -> None:
        """A command on one line, never wrapped: copied from a terminal, a line break put in
        by the report would split it (the terminal's own soft wrap copies whole)."""
        self.console.print(Text(" " * indent) + Text.assemble(("$ ", "dim"), (command, "bold")),
                           soft_wrap=True)


def _header(out: _Out, f: Finding, marker: str) -> None:
    out.line(Text.assemble(marker, _tag(f.severity), (f.check, "dim"), " ",
                           (str(f.object), "bold")), 0)


def _root(out: _Out, f: Finding, shown: set[str], stated: set[str],
          fixed: set[tuple[str, str | None]]) -> None:
    """The root in full: its summary, the evidence not stated yet, its fixes not given yet."""
    _header(out, f, "  ● root ")
    if f.id in shown:
        out.line(Text("(described above)", style="dim"), 4)
        return
    out.line(Text(f.summary), 4)
    new = [line for line in dict.fromkeys(f.evidence) if line not in stated]
    for line in new:
        out.line(Text(line, style="dim"), 4, marker=Text("│ ", style="dim"),
                 hang=Text("│   ", style="dim"))
    if f.evidence and not new:
        out.line(Text("│ (its evidence is stated above)", style="dim"), 4)
    stated.update(f.evidence)
    for r in f.remediations:
        if (r.title, r.command) in fixed:
            continue
        fixed.add((r.title, r.command))
        out.line(Text.assemble(("fix: ", "green"), r.title), 4)
        if r.command:
            out.command(r.command, 9)


def _way(f: Finding) -> str:
    """A member's summary without its own name: what members of one check share."""
    where = f"{f.object.namespace}/{f.object.name}" if f.object.namespace else f.object.name
    return f.summary.replace(f"{f.object.kind} {where} ", "").replace(where, "…")


def _members(out: _Out, members: list[Finding], shown: set[str]) -> None:
    """What the root breaks, briefly: each member's summary (its evidence and fixes are in
    `-o json` and `-o markdown`), and FOLD or more of one check and kind as one entry naming
    them, with the words they share."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in members:
        if f.id not in shown:
            groups.setdefault((f.check, f.object.kind), []).append(f)
    for group in groups.values():
        ways = {_way(f) for f in group}
        if len(group) < FOLD and len(ways) > 1 or len(group) == 1:
            for f in group:
                _header(out, f, "  └→ ")
                out.line(Text(f.summary), 4)
            continue
        first = group[0]
        severity = max((f.severity for f in group), key=SEVERITY_RANK.__getitem__)
        out.line(Text.assemble("  └→ ", _tag(severity), (first.check, "dim"), " ",
                               (f"{len(group)} × {first.object.kind}", "bold"), ": ",
                               first.title), 0)
        names = ", ".join(f"{f.object.namespace}/{f.object.name}" if f.object.namespace
                          else f.object.name for f in group)
        out.line(Text(names), 4)
        if len(ways) == 1:
            out.line(Text(f"each: {ways.pop()}", style="dim"), 4)
    told = [str(f.object) for f in members if f.id in shown]
    if told:
        out.line(Text.assemble("  └→ ", ("and, told above:", "dim")), 0)
        out.line(Text(", ".join(told), style="dim"), 4)


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
    head = Text.assemble(("kubetriage check", "bold"), where)
    if head.cell_len + 3 + len(counts(report)) <= console.width:
        printer.line(head + Text(" · " + counts(report)))
    else:  # the counts whole on their own line: "1\nsilenced" reads as two facts
        printer.line(head)
        printer.line(counts(report), indent=2)
    _unavailable(printer, report)
    if not report.findings:
        printer.line(verdict_text(report))
        return
    shown: set[str] = set()  # findings described
    stated: set[str] = set()  # evidence lines printed: each is stated once
    fixed: set[tuple[str, str | None]] = set()  # fixes given
    for number, chain in enumerate(report.chains, 1):
        printer.line()
        size = f"{len(chain.links)} findings" if len(chain.links) > 1 else "1 finding"
        printer.line(Text.assemble(_tag(chain.severity), (f"chain {number} · {size}", "bold")))
        root = by_id.get(chain.root)
        if root is not None:
            _root(printer, root, shown, stated, fixed)
            shown.add(root.id)
        members = [by_id[i] for i in chain.links[1:] if i in by_id]
        _members(printer, members, shown)
        shown.update(f.id for f in members)
