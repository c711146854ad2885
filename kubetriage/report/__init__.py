"""Output of a diagnosis: text for a terminal (rich, the only place rich is used for it), JSON as
DESIGN.md's contract, and Markdown for a ticket. Cluster text was cleaned when the models were
built; renderers still treat it as text, never as markup."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # the command line reads FORMATS at every start: no pydantic models for that
    from kubetriage.checks.finding import Report

FORMATS = ("text", "json", "markdown")


def render(report: Report, fmt: str, out: TextIO) -> None:
    if fmt == "json":
        out.write(report.model_dump_json(indent=2) + "\n")
    elif fmt == "markdown":
        from kubetriage.report.markdown import render_markdown
        out.write(render_markdown(report))
    else:
        from kubetriage.report.text import render_text
        render_text(report, out)
