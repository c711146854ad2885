"""What a diagnosis says: findings, the chains linking them, and the report holding both.

These models are the JSON contract of `kubetriage check` (DESIGN.md, "Contracts"); its JSON Schema
is generated from them (`kubetriage check --schema`). Every string is cleaned of control and bidi
characters when a model is built, so no output format can carry cluster text unsanitised. Object
names and commands are not cleaned but made visible (`ad\u200bmin`, written out): a name with
its invisible characters removed is another object's name, and a command would act on that one.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from kubetriage.core.text import clean, visible

Severity = Literal["critical", "error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"critical": 3, "error": 2, "warning": 1, "info": 0}
EVIDENCE_WIDTH = 400  # a log line can be a megabyte of JSON; evidence is for reading


def _clean_line(value: str) -> str:
    """A line of evidence, cut to EVIDENCE_WIDTH in the middle where it is longer: the end of an
    error message holds its verdict (`...: field is immutable`, `: 404 Not Found`)."""
    value = clean(value).strip()
    if len(value) <= EVIDENCE_WIDTH:
        return value
    head = _at_word(value[: EVIDENCE_WIDTH * 3 // 4], end=True)
    tail = _at_word(value[-(EVIDENCE_WIDTH - len(head) - 3):], end=False)
    return f"{head} … {tail}"


def _at_word(part: str, *, end: bool) -> str:
    """part cut back to a whole word at its cut side where a space (or, in JSON, a comma or
    brace) is near: a word cut in two reads as a typo."""
    near = len(part) // 4
    marks = [i for i in (part.rfind(c) if end else part.find(c) for c in " ,{[") if i >= 0]
    if end:
        cut = max(marks, default=-1)
        return (part[:cut + (part[cut] != " ")] if cut > len(part) - near else part).rstrip()
    cut = min(marks, default=-1)
    return (part[cut + 1:] if 0 <= cut < near else part).lstrip()


class ObjectRef(BaseModel):
    """The object a finding is about (it may be absent from the cluster: a missing Service)."""

    model_config = ConfigDict(frozen=True)
    kind: str
    namespace: str | None
    name: str

    _clean = field_validator("kind", "name", "namespace")(
        lambda v: visible(v) if isinstance(v, str) else v)

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}" if self.namespace \
            else f"{self.kind} {self.name}"


class Remediation(BaseModel):
    """A fix to try: a command to copy, and the dashboard action that does it, where one fits."""

    title: str
    command: str | None = None
    action: str | None = Field(default=None, description="id of a dashboard action, or null")

    _clean = field_validator("title")(lambda v: clean(v) if isinstance(v, str) else v)
    _visible = field_validator("command")(lambda v: visible(v) if isinstance(v, str) else v)


class Finding(BaseModel):
    id: str = Field(description="stable id: the check code and the object")
    check: str = Field(description="the code of the check that found it, KT-NNN")
    title: str = Field(description="the check's title")
    severity: Severity
    object: ObjectRef
    summary: str = Field(description="one sentence a person reads first")
    evidence: list[str] = Field(default_factory=list,
                                description="the lines that prove it: a status message, an "
                                            "event with its count, a log line")
    remediations: list[Remediation] = Field(default_factory=list)
    # What the chain builder links on (a host a log names, a missing secret, ...): not output.
    facts: SkipJsonSchema[dict[str, Any]] = Field(default_factory=dict, exclude=True, repr=False)

    _clean = field_validator("id", "summary")(lambda v: clean(v))
    _clean_evidence = field_validator("evidence")(
        lambda v: [line for line in map(_clean_line, v) if line])

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self.severity]


class Chain(BaseModel):
    id: str
    root: str = Field(description="the id of the finding that causes the others")
    links: list[str] = Field(description="finding ids, root first, every finding in the chain")
    summary: str
    severity: Severity = Field(description="the most severe finding in the chain")

    _clean = field_validator("id", "summary")(lambda v: clean(v))


class Report(BaseModel):
    """The output of `kubetriage check`."""

    findings: list[Finding]
    chains: list[Chain]
    # default= by name: the type checker reads a field's default only so
    silenced: int = Field(default=0, description="findings hidden by --ignore or the silences file")
    source: str = Field(default="",
                        description="what was diagnosed: a dump path, a scenario, a context")
    namespace: str | None = Field(default=None, description="the namespace given with -n, if any")
    unavailable: list[str] = Field(default_factory=list,
                                   description="what could not be read, one line each with the "
                                               "reason (a kind RBAC forbids, a log the server "
                                               "would not give, a check that crashed): absence "
                                               "there proves nothing")
    # the same as `unavailable`, grouped for a terminal (core/unseen.py brief()): not output
    unavailable_brief: SkipJsonSchema[list[str]] = Field(default_factory=list, exclude=True,
                                                         repr=False)
    cannot_judge: str | None = Field(default=None, description="why what could be read is too little "
                                                       "to call the cluster healthy (Pods or "
                                                       "Events unreadable, or no log of a failing "
                                                       "container readable), else null; "
                                                       "`kubetriage check` then exits 3 unless a "
                                                       "finding is at error or above")

    _clean = field_validator("source")(lambda v: clean(v))
    _clean_unavailable = field_validator("unavailable", "unavailable_brief")(
        lambda v: [clean(line) for line in v])
    _clean_judgement = field_validator("cannot_judge")(
        lambda v: clean(v) if isinstance(v, str) else v)

    def worst(self) -> str | None:
        return max((f.severity for f in self.findings), key=SEVERITY_RANK.__getitem__,
                   default=None)
