"""Scenarios of the embedded cluster: a dump plus `timeline.yaml`, shipped in kubetriage/scenarios/.

Loading one shifts every timestamp by (now - recorded_at) so that ages read as they did in the
seed's report: a release "26h" old stays 26h old whenever the demo runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kubetriage.cluster.dump import Dump, load_dump
from kubetriage.errors import DumpError
from kubetriage.sim.timeline import Timeline

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


@dataclass
class Scenario:
    name: str
    timeline: Timeline
    dump: Dump

    @property
    def description(self) -> str:
        return self.timeline.description


def names() -> list[str]:
    return sorted(p.name for p in SCENARIO_DIR.iterdir() if (p / "timeline.yaml").is_file())


def describe() -> dict[str, str]:
    """Scenario name -> its one-line description."""
    return {name: load_timeline(SCENARIO_DIR / name / "timeline.yaml").description
            for name in names()}


def load_timeline(path: Path) -> Timeline:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Timeline.model_validate(data)
    except yaml.YAMLError as exc:
        raise DumpError(f"{path}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise DumpError(f"{path}: {where}: {err['msg']}") from None


def resolve(name_or_path: str) -> Path:
    """The directory of a shipped scenario or of a scenario path; DumpError naming the known
    ones for anything else."""
    path = Path(name_or_path)
    if path.is_dir():
        return path
    if name_or_path not in names():
        raise DumpError(f"unknown scenario {name_or_path!r}; known: {', '.join(names())}")
    return SCENARIO_DIR / name_or_path


def load(name_or_path: str, now: datetime | None = None) -> Scenario:
    """A shipped scenario by name, or a scenario directory by path, with timestamps shifted."""
    path = resolve(name_or_path)
    timeline_file = path / "timeline.yaml"
    timeline = load_timeline(timeline_file) if timeline_file.is_file() else Timeline()
    dump = load_dump(path)
    if timeline.recorded_at is not None:
        now = now or datetime.now(UTC)
        shift = now - timeline.recorded_at.astimezone(UTC)
        for obj in dump.objects:
            _shift(obj, shift)
        # a patched status (a container started at the seed's time) must read as recent too
        for step in timeline.steps + [s for o in timeline.reconcile.values() for s in o.steps]:
            for body in (step.patch.merge if step.patch else None, step.create):
                if body is not None:
                    _shift(body, shift)
    return Scenario(path.name, timeline, dump)


def format_time(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _shift(node: Any, delta: timedelta) -> Any:
    if isinstance(node, dict):
        for k, v in node.items():
            node[k] = _shift(v, delta)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            node[i] = _shift(v, delta)
    elif isinstance(node, str) and _TIMESTAMP.match(node):
        t = datetime.fromisoformat(node.replace("Z", "+00:00")) + delta
        return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if "." in node else format_time(t)
    return node
