"""Known issues an operator chose to silence, by check code and object, from a YAML file:

    silences:
      - code: KT-502                # required
        namespace: homelab          # optional; shell-style globs allowed in these three
        kind: Deployment
        name: family-assistant-*
        reason: tracked in TASK-12  # optional, for the next person

Read from --silences FILE, else $XDG_CONFIG_HOME/kubetriage/silences.yaml when it exists.
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from kubetriage.checks.finding import Finding
from kubetriage.checks.registry import BY_CODE, RETIRED


class SilenceError(Exception):
    """A bad silences file: the message is the one line a user sees."""


class Silence(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    namespace: str | None = None
    kind: str | None = None
    name: str | None = None
    reason: str | None = None

    @field_validator("code")
    @classmethod
    def _known(cls, code: str) -> str:
        if code not in BY_CODE and code not in RETIRED:
            raise ValueError(f"unknown check code {code!r}")
        return code

    def matches(self, f: Finding) -> bool:
        return f.check == self.code and all(
            pattern is None or fnmatchcase(value or "", pattern)
            for pattern, value in ((self.namespace, f.object.namespace),
                                   (self.kind, f.object.kind), (self.name, f.object.name)))


class Silences(BaseModel):
    model_config = ConfigDict(extra="forbid")
    silences: list[Silence] = []

    def silenced(self, f: Finding) -> bool:
        return any(s.matches(f) for s in self.silences)


def default_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "kubetriage" / "silences.yaml"


def load(path: str | Path | None) -> Silences:
    """The silences in path; with no path, the default file if it exists, else none."""
    if path is None:
        path = default_path()
        if not path.is_file():
            return Silences()
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise SilenceError(f"{path}: cannot read: {exc.strerror}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SilenceError(f"{path}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    try:
        return Silences.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "top level"
        raise SilenceError(f"{path}: {where}: {err['msg']}") from None
