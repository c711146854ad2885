"""Objects as table rows: every cell cleaned text with the role its style plays (error,
warning, ok, muted), which the table turns into the current theme's colours when it draws the row:
a theme switched at run time recolours the rows without building them again.

A table keeps each row's source (the store's object, a folded event) and builds its cells with
these functions only when it draws, filters or sorts by that row: a launch costs what is on
screen, not 40,000 rows. What the whole table needs of every row (its order, its severity, the
widths of its columns) is worked out without building the cells (`*_widths`).

Pure (no Textual, no I/O), so the same function serves the screen, the tests and the benchmark.
Keys are (kind, namespace, name) as the store and the findings name objects; a folded event row
is keyed by what it folds: ("Event", namespace, (kind, name), reason, message), of strings the
event holds (one string of them all was ~150 bytes a fold: 43 MB at 300,000 events).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal, NamedTuple
from unicodedata import east_asian_width

from kubetriage.checks.finding import SEVERITY_RANK
from kubetriage.checks.image_pull import Image
from kubetriage.core.durations import human_duration, parse_time
from kubetriage.core.podstatus import pod_cells as _pod_cells
from kubetriage.core.text import clean
from kubetriage.core.types import Obj

# how a cell reads; the table styles each role from the theme ("" = the row's own style)
Role = Literal["", "error", "warning", "ok", "muted"]
ERROR: Role = "error"
WARNING: Role = "warning"
OK: Role = "ok"
MUTED: Role = "muted"


class Cell(NamedTuple):
    """One table cell, cleaned, not yet a Rich `Text`: the table draws only the rows on screen,
    and a `Text` per cell of a 10k-pod cluster's 40,000 rows costs seconds to build."""

    plain: str
    style: Role = ""


Cells = tuple[Cell, ...]
_new_cell = tuple.__new__

_HEALTHY_POD = {"Running", "Completed", "Succeeded"}
_TRANSIENT_POD = {"ContainerCreating", "PodInitializing", "Terminating", "Pending"}
WARNING_WINDOW = timedelta(minutes=10)


def cell(value: Any, style: Role = "") -> Cell:
    """Untrusted cluster text as a cell: controls removed (drawn as `Text`, never markup)."""
    # a quarter of a million cells at 10k pods: the tuple is made without the Python-level
    # __new__ a NamedTuple call goes through
    return _new_cell(Cell, (clean(value if type(value) is str else str(value)), style))


def width(text: str) -> int:
    """The terminal cells a cleaned text takes (East Asian wide characters take two)."""
    if text.isascii():
        return len(text)
    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)


def widen(widest: list[int], widths: tuple[int, ...]) -> None:
    """Keep in `widest` the largest of each column's widths."""
    if len(widest) < len(widths):
        widest.extend([0] * (len(widths) - len(widest)))
    for i, w in enumerate(widths):
        if w > widest[i]:
            widest[i] = w


def _age(value: Any, now: datetime) -> str:
    t = parse_time(value)
    return human_duration(now - t) if t else "<unknown>"


def _condition(obj: Obj, type_: str = "Ready") -> Obj:
    for c in (obj.get("status") or {}).get("conditions") or []:
        if c.get("type") == type_:
            return c
    return {}


# -- pods ---------------------------------------------------------------------------------------

# (label, fixed width or None, the table width it needs to be shown): the most telling columns
# first; a narrow table (80 columns) shows only those, so none is squeezed into an ellipsis
POD_COLUMNS = [("NAME", None, 0), ("READY", 5, 0), ("STATUS", None, 0), ("RESTARTS", None, 0),
               ("AGE", 6, 0), ("NODE", None, 90), ("TAG", None, 90), ("NAMESPACE", None, 120)]


def pod_status(pod: Obj, now: datetime) -> tuple[str, str, str]:
    """(ready x/y, status as kubectl prints it, restarts) for one pod."""
    cells = _pod_cells(pod, now)
    return cells[1], cells[2], cells[3]


def pod_failing(ready: str, status: str) -> bool:
    if status in _TRANSIENT_POD:
        return False
    if status not in _HEALTHY_POD:
        return True
    have, _, want = ready.partition("/")
    return status == "Running" and have != want


def image_tag(pod: Obj) -> str:
    containers = (pod.get("spec") or {}).get("containers") or []
    image = (containers[0].get("image") or "") if containers else ""
    return Image.parse(image).tag or "latest"


def _restarts(restarts: str) -> str:
    # "67 (2m21s)": kubectl's " ago" costs four of 80 columns and says nothing
    return restarts.replace(" ago)", ")")


def pod_row(pod: Obj, now: datetime, status: tuple[str, str, str] | None = None) -> Cells:
    """The pod's cells; `status` is its `pod_status`, when the caller has it already."""
    meta, spec = pod["metadata"], pod.get("spec") or {}
    ready, state, restarts = status or pod_status(pod, now)
    failing = pod_failing(ready, state)
    style = ERROR if failing else (OK if state in _HEALTHY_POD else WARNING)
    restart_style: Role = WARNING if restarts != "0" else ""
    return (cell(meta["name"]), cell(ready, style), cell(state, style),
            cell(_restarts(restarts), restart_style),
            cell(_age(meta.get("creationTimestamp"), now), MUTED),
            cell(spec.get("nodeName") or "<none>"), cell(image_tag(pod)),
            cell(meta.get("namespace") or ""))


def pod_widths(pod: Obj, status: tuple[str, str, str]) -> tuple[int, ...]:
    """The widths of pod_row's flexible columns (0 for the fixed ones), without its cells."""
    meta = pod["metadata"]
    return (width(meta["name"]), 0, width(status[1]), width(_restarts(status[2])), 0,
            width((pod.get("spec") or {}).get("nodeName") or "<none>"), width(image_tag(pod)),
            width(meta.get("namespace") or ""))


def pod_sort(pod: Obj, now: datetime, failing: bool | None = None) -> tuple:
    """Failing pods first, then by namespace and name."""
    if failing is None:
        failing = pod_failing(*pod_status(pod, now)[:2])
    meta = pod["metadata"]
    return (not failing, meta.get("namespace") or "", meta["name"])


# -- HelmReleases and Kustomizations ------------------------------------------------------------

RELEASE_COLUMNS = [("NAME", None, 0), ("KIND", 4, 0), ("READY", 7, 0), ("REASON", None, 0),
                   ("CHART", None, 76), ("REV", None, 90), ("SUSP", 4, 90), ("AGE", 6, 90),
                   ("NAMESPACE", None, 120), ("SOURCE", None, 170)]


_READY_ROLE: dict[str, Role] = {"True": OK, "False": ERROR}


def release_ready(obj: Obj) -> str:
    return _condition(obj).get("status") or "Unknown"


def release_row(obj: Obj, now: datetime) -> Cells:
    meta, spec, status = obj["metadata"], obj.get("spec") or {}, obj.get("status") or {}
    ready_cond = _condition(obj)
    ready = ready_cond.get("status") or "Unknown"
    style: Role = _READY_ROLE.get(ready, WARNING)
    if obj["kind"] == "HelmRelease":
        chart = ((spec.get("chart") or {}).get("spec") or {})
        history = status.get("history") or [{}]
        version = history[0].get("chartVersion") or status.get("lastAttemptedRevision") \
            or chart.get("version") or ""
        what = f"{chart.get('chart', '')}@{version}" if version else chart.get("chart", "")
        revision = str(history[0].get("version") or status.get("lastReleaseRevision") or "")
        kind = "hr"
    else:
        what = spec.get("path") or ""
        revision = (status.get("lastAppliedRevision") or "").split("@")[0][:12]
        kind = "ks"
    suspended = bool(spec.get("suspend"))
    return (cell(meta["name"]), cell(kind, MUTED), cell(ready, style),
            cell(ready_cond.get("reason") or "", style), cell(what), cell(revision),
            cell("yes" if suspended else "-", WARNING if suspended else MUTED),
            cell(_age(meta.get("creationTimestamp"), now), MUTED),
            cell(meta.get("namespace") or ""), cell(_source_ref(spec), MUTED))


def _source_ref(spec: Obj) -> str:
    """kind/name of the source a release reads (sourceRef, chartRef or the chart's sourceRef)."""
    ref = spec.get("sourceRef") or spec.get("chartRef") or \
        ((spec.get("chart") or {}).get("spec") or {}).get("sourceRef") or {}
    return f"{ref.get('kind', '')}/{ref.get('name', '')}" if ref.get("name") else ""


def release_widths(obj: Obj, now: datetime) -> tuple[int, ...]:
    """The widths of release_row's columns (a few hundred releases: built and measured)."""
    return tuple(width(c.plain) for c in release_row(obj, now))


def release_sort(obj: Obj, now: datetime) -> tuple:
    """Not-ready first."""
    meta = obj["metadata"]
    return (release_ready(obj) == "True", meta.get("namespace") or "", meta["name"], obj["kind"])


# -- events, folded -----------------------------------------------------------------------------

EVENT_COLUMNS = [("LAST", 6, 0), ("TYPE", 7, 0), ("REASON", None, 0), ("OBJECT", None, 0),
                 ("COUNT", 5, 0), ("MESSAGE", None, 0)]


# ("Event", namespace, (kind, name) it is about, reason, message with its spaces folded)
FoldKey = tuple[str, str | None, tuple[str, str], str, str]


@dataclass(slots=True)
class FoldedEvent:
    key: FoldKey
    namespace: str | None
    type: str
    reason: str
    target: tuple[str, str]  # (kind, name) of the object it is about
    message: str
    count: int
    last: datetime | None


def _event_count(ev: Obj) -> int:
    if ev.get("series"):
        return int(ev["series"].get("count") or 1)
    return int(ev.get("count") or 1)


def _event_last(ev: Obj) -> datetime | None:
    if ev.get("series"):
        return _time(ev["series"].get("lastObservedTime"))
    return _time(ev.get("lastTimestamp")) or _time(ev.get("eventTime")) or \
        _time(ev.get("firstTimestamp"))


_times: dict[str, datetime | None] = {}
_TIMES_MAX = 4096


def _time(value: Any) -> datetime | None:
    """parse_time, one datetime for every fold that happened in the same second (300,000
    folds at 100k pods: a datetime each was 14 MB)."""
    if type(value) is not str:
        return parse_time(value)
    if value not in _times:
        if len(_times) >= _TIMES_MAX:
            _times.clear()
        _times[value] = parse_time(value)
    return _times[value]


def fold_key(ev: Obj) -> FoldKey:
    inv = ev.get("involvedObject") or {}
    message = ev.get("message") or ""
    spaced = " ".join(message.split())
    return ("Event", ev["metadata"].get("namespace"),
            (inv.get("kind") or "", inv.get("name") or ""), ev.get("reason") or "",
            message if spaced == message else spaced)


def fold(key: FoldKey, events: Iterable[Obj]) -> FoldedEvent:
    """The row of events that share one fold key."""
    out: FoldedEvent | None = None
    for ev in events:
        count, last = _event_count(ev), _event_last(ev)
        if out is None:
            out = FoldedEvent(key, key[1], ev.get("type") or "", key[3], key[2],
                              (ev.get("message") or "").strip(), count, last)
            continue
        out.count += count
        if last and (out.last is None or last > out.last):
            out.last = last
    if out is None:
        raise ValueError(f"no events to fold under {key}")
    return out


def refolded(folded: FoldedEvent, before: Obj | None, after: Obj) -> FoldedEvent:
    """The fold with one event added (before None) or grown (its count and time moved on):
    a new FoldedEvent, so a table sees the row changed."""
    last, after_last = folded.last, _event_last(after)
    if after_last and (last is None or after_last > last):
        last = after_last
    count = folded.count + _event_count(after) - (_event_count(before) if before else 0)
    return replace(folded, count=count, last=last)


def event_row(ev: FoldedEvent, now: datetime) -> Cells:
    warning = ev.type == "Warning"
    style = WARNING if warning else MUTED
    last = human_duration(now - ev.last) if ev.last else "<unknown>"
    return (cell(last, MUTED), cell(ev.type, style), cell(ev.reason, style),
            cell(f"{ev.target[0].lower()}/{ev.target[1]}"),
            cell(ev.count, WARNING if ev.count > 1 and warning else ""),
            cell(ev.message))


def event_widths(ev: FoldedEvent) -> tuple[int, ...]:
    """The widths of event_row's flexible columns (0 for the fixed ones), without its cells."""
    return (0, 0, width(ev.reason), width(ev.target[0]) + 1 + width(ev.target[1]), 0,
            width(ev.message))


def event_sort(ev: FoldedEvent, now: datetime) -> tuple:
    """Warnings first, newest on top."""
    newest = -(ev.last.timestamp()) if ev.last else 0.0
    return (ev.type != "Warning", newest, *ev.key[2:])  # the old order: object, reason, message


def recent_warnings(events: Iterable[FoldedEvent], now: datetime) -> int:
    return sum(1 for ev in events
               if ev.type == "Warning" and ev.last and now - ev.last <= WARNING_WINDOW)


# -- namespaces ---------------------------------------------------------------------------------

NAMESPACE_COLUMNS = [("", 1, 0), ("NAMESPACE", None, 0), ("PODS", 5, 0), ("FAILING", 7, 0),
                     ("READY HR", 8, 0)]


def columns_for(spec: list[tuple[str, int | None, int]], width: int) -> list[tuple[str, int | None]]:
    """The columns a table of this width shows."""
    return [(label, fixed) for label, fixed, needs in spec if width >= needs]


@dataclass
class NamespaceHealth:
    pods: int = 0
    failing: int = 0
    releases: int = 0
    releases_ready: int = 0
    worst: str = ""  # the most severe finding's severity in the namespace, or ""


def namespace_row(name: str, health: NamespaceHealth) -> Cells:
    if health.worst in ("critical", "error") or health.failing:
        badge = cell("●", ERROR)
    elif health.worst == "warning" or health.releases_ready < health.releases:
        badge = cell("●", WARNING)
    else:
        badge = cell("●", OK)
    return (badge, cell(name), cell(health.pods),
            cell(health.failing, ERROR if health.failing else MUTED),
            cell(f"{health.releases_ready}/{health.releases}"))


def namespace_sort(name: str, health: NamespaceHealth) -> tuple:
    """Troubled namespaces first."""
    return (not (health.failing or health.worst in ("critical", "error")), name)


def worst_by_namespace(findings: Iterable[Any]) -> dict[str, str]:
    """namespace -> the most severe severity of its findings."""
    out: dict[str, str] = {}
    for f in findings:
        ns = f.object.namespace
        if ns and SEVERITY_RANK[f.severity] > SEVERITY_RANK.get(out.get(ns, ""), -1):
            out[ns] = f.severity
    return out
