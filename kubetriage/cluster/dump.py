"""Reading a dump: what `kubectl get <kinds> -A -o json|yaml` writes, plus pod logs beside it.

A dump is a directory (read recursively) or a single file, holding List objects or single objects
as JSON or multi-document YAML. Logs sit in `logs/<namespace>/<pod>/<container>.log`, the
previous instance's in `<container>.previous.log`. A scenario's `timeline.yaml` is not part of the
objects. Every problem is one line naming the file and the line or item: user input, not a bug.

The layout `kubectl cluster-info dump --output-directory DIR --all-namespaces` writes is read
too, since it is the dump operators already know how to make: `nodes.json` and
`<namespace>/{pods,events,services,deployments,replicasets,daemonsets,replication-controllers}.json`
are Lists like any other, and `<namespace>/<pod>/logs.txt` holds every container's current log
between kubectl's `==== START logs for container C of pod NS/POD ====` and `==== END ... ====`
lines. Files the reader does not know are warned about and skipped, never fatal.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import yaml

from kubetriage.core.gcpause import gc_paused
from kubetriage.core.logs_read import wanted_logs
from kubetriage.core.snapshot import LOG_TAIL, Snapshot
from kubetriage.core.text import log_lines
from kubetriage.errors import DumpError

OBJECT_SUFFIXES = (".json", ".yaml", ".yml")
# libyaml parses a scenario about 7x faster than the pure-Python loader
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
NOT_OBJECTS = ("timeline.yaml",)
LOG_READ_BYTES = 1024 * 1024  # of each log, its end: as the live source asks for a tail


@dataclass(frozen=True)
class LogKey:
    namespace: str
    pod: str
    container: str
    previous: bool = False


@dataclass
class Dump:
    objects: list[dict[str, Any]] = field(default_factory=list)
    logs: dict[LogKey, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def snapshot(self, tail: int = LOG_TAIL, now: datetime | None = None) -> Snapshot:
        """The dump as the checks read it: its objects, and the last `tail` lines of the logs the
        diagnosis reads (core/logs_read.py), as the live source fetches them. A log beside the
        dump that the rule does not name (a healthy container's) is not read: the dashboard on
        the same cluster could not read it either, and would tell another story."""
        snap = Snapshot(self.objects, None, now)
        wanted = wanted_logs(snap.of_kind)
        snap.logs = dict(sorted((ref, log_lines(text)[-tail:]) for k, text in self.logs.items()
                                if (ref := (k.namespace, k.pod, k.container, k.previous))
                                in wanted))
        return snap


Reader = Callable[[Path], Iterable[tuple[str, Any]]]  # a file -> (location, object) pairs
Read = Callable[[], list[tuple[str, Any]]]
Offload = Callable[[Read], Read]  # starts a read elsewhere; what it gives back waits for it
OFFLOAD_MIN_BYTES = 32 * 1024 * 1024  # a smaller file is read sooner than a fork answers


def load_dump(path: str | Path, *, reader: Reader | None = None,
              offload: Offload | None = None) -> Dump:
    """Load a dump directory or file. Raises DumpError with a one-line message on bad input.

    reader: how each file's objects are read (default: whole, `objects_in`); slimdump.py reads
    them into the live store's kept form. offload: where the largest file of a directory, when
    large, is read meanwhile (another core: a 10k-pod dump's pods are 80 % of its bytes); only
    worth it where what a file holds is small to send back (the kept form)."""
    root = Path(path)
    if not root.exists():
        raise DumpError(f"{root}: no such file or directory")
    with gc_paused(long_lived=True):
        return _load(root, reader or objects_in, offload)


def _load(root: Path, reader: Reader, offload: Offload | None = None) -> Dump:
    dump = Dump()
    seen: dict[tuple[str, str, str | None, str], str] = {}
    if root.is_dir():
        files = [p for p in sorted(root.rglob("*")) if p.is_file()
                 and "logs" not in p.relative_to(root).parts[:1]]
        logs_dir = root / "logs"
    else:
        files = [root]
        logs_dir = root.parent / "logs"
    cluster_info_logs: list[Path] = []
    elsewhere = _offloaded(files, reader, offload) if offload is not None else {}
    for file in files:
        if file.name in NOT_OBJECTS and file.parent == root:
            continue
        if file.name == CLUSTER_INFO_LOG and len(file.relative_to(root).parts) == 3:
            cluster_info_logs.append(file)
            continue
        if file.suffix not in OBJECT_SUFFIXES:
            dump.warnings.append(f"{file}: skipped, not a .json, .yaml or .yml file")
            continue
        for where, obj in elsewhere.pop(file)() if file in elsewhere else reader(file):
            key = _identity(obj, where)
            if key in seen:
                ns = f"{key[2]}/" if key[2] else ""
                raise DumpError(f"{where}: duplicate {key[1]} {ns}{key[3]} (first at {seen[key]})")
            seen[key] = where
            dump.objects.append(obj)
    pods = {(o["metadata"].get("namespace"), o["metadata"]["name"])
            for o in dump.objects if o["kind"] == "Pod"}
    if logs_dir.is_dir():
        _read_logs(logs_dir, pods, dump)
    for file in cluster_info_logs:
        _read_cluster_info_log(file, pods, dump)
    return dump


def _offloaded(files: list[Path], reader: Reader, offload: Offload) -> dict[Path, Read]:
    """The largest JSON file, started elsewhere when it is large and not alone; read in order
    all the same (its errors and duplicates are said as they would be)."""
    try:
        sizes = {file: file.stat().st_size for file in files if file.suffix == ".json"}
    except OSError:  # the reader says what is wrong with it
        return {}
    largest = max(sizes, key=sizes.__getitem__, default=None)
    if largest is None or len(sizes) < 2 or sizes[largest] < OFFLOAD_MIN_BYTES:
        return {}
    return {largest: offload(lambda: list(reader(largest)))}


def _identity(obj: Any, where: str) -> tuple[str, str, str | None, str]:
    if not isinstance(obj, dict):
        raise DumpError(f"{where}: not a Kubernetes object (a {type(obj).__name__}, not a mapping)")
    for key in ("apiVersion", "kind"):
        if not isinstance(obj.get(key), str) or not obj[key]:
            raise DumpError(f"{where}: object without {key}")
    meta = obj.get("metadata")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta["name"]:
        raise DumpError(f"{where}: {obj['kind']} without metadata.name")
    group = obj["apiVersion"].rpartition("/")[0]  # one object served at several versions is one
    namespace = meta.get("namespace")
    return group, obj["kind"], namespace if isinstance(namespace, str) else None, meta["name"]


def objects_in(file: Path) -> Iterator[tuple[str, Any]]:
    """(location, object) for every object in a file, List items unpacked."""
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DumpError(f"{file}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise DumpError(f"{file}: cannot read: {exc.strerror}") from None
    if text.lstrip()[:1] in ("{", "["):
        try:
            doc = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise DumpError(f"{file}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
        docs: Iterator[tuple[int | None, Any, list[int]]] = iter([(None, doc, [])])
    else:
        docs = _yaml_documents(file, text)
    for line, doc, item_lines in docs:
        where = f"{file}:{line}" if line else str(file)
        if doc is None:
            continue
        if isinstance(doc, list):
            raise DumpError(f"{where}: a bare array; expected a Kubernetes object or a List")
        if isinstance(doc, dict) and str(doc.get("kind", "")).endswith("List") \
                and "items" in doc:
            items = doc["items"] or []
            if not isinstance(items, list):
                raise DumpError(f"{where}: {doc['kind']}.items is not a list")
            typed = doc["kind"] != "List"  # a PodList from the API leaves kind off its items
            for i, item in enumerate(items):
                item_where = (f"{file}:{item_lines[i]}" if i < len(item_lines)
                              else f"{where} items[{i}]")
                if typed and isinstance(item, dict):
                    item.setdefault("kind", doc["kind"][: -len("List")])
                    item.setdefault("apiVersion", doc.get("apiVersion"))
                yield item_where, item
        else:
            yield where, doc


def _yaml_documents(file: Path, text: str) -> Iterator[tuple[int, Any, list[int]]]:
    """Each YAML document with its first line and the lines of its `items` entries."""
    loader = _Loader(text)
    try:
        while True:
            try:
                if not loader.check_node():
                    break
                node = loader.get_node()
                doc = loader.construct_document(node)
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                at = f":{mark.line + 1}" if mark else ""
                problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                raise DumpError(f"{file}{at}: neither JSON nor YAML ({problem})") from None
            if node is None:
                continue
            item_lines: list[int] = []
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if key.value == "items" and isinstance(value, yaml.SequenceNode):
                        item_lines = [n.start_mark.line + 1 for n in value.value]
            if isinstance(doc, str):
                raise DumpError(f"{file}:{node.start_mark.line + 1}: neither JSON nor YAML "
                                "(plain text, not an object)")
            yield node.start_mark.line + 1, doc, item_lines
    finally:
        loader.dispose()


CLUSTER_INFO_LOG = "logs.txt"
_START = re.compile(r"^==== START logs for container (\S+) of pod ([^/\s]+)/(\S+) ====$")
_END = re.compile(r"^==== END logs for container \S+ of pod \S+ ====$")
_LOG_ERROR = "Request log error: "  # kubectl's own line when the server had no log to give


def _read_cluster_info_log(file: Path, pods: set[tuple[str | None, str]], dump: Dump) -> None:
    """<namespace>/<pod>/logs.txt of `kubectl cluster-info dump`: each container's log between
    kubectl's START and END lines (current logs only: the command reads no previous ones)."""
    namespace, pod = file.parent.parent.name, file.parent.name
    if (namespace, pod) not in pods:
        dump.warnings.append(f"{file}: no pod {namespace}/{pod} in the dump; log ignored")
        return
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        dump.warnings.append(f"{file}: cannot read: {exc.strerror}; log ignored")
        return
    container: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        start = _START.match(line)
        if start:
            container, lines = start.group(1), []
        elif container is not None and _END.match(line):
            if lines and not (len(lines) == 1 and lines[0].startswith(_LOG_ERROR)):
                dump.logs[LogKey(namespace, pod, container)] = "\n".join(lines) + "\n"
            container = None
        elif container is not None:
            lines.append(line)
    if container is not None:
        dump.warnings.append(f"{file}: the log of container {container} has no END line; "
                             "it is cut off and ignored")


def _read_logs(logs_dir: Path, pods: set[tuple[str | None, str]], dump: Dump) -> None:
    for file in sorted(logs_dir.rglob("*.log")):
        parts = file.relative_to(logs_dir).parts
        if len(parts) != 3:
            dump.warnings.append(f"{file}: not at logs/<namespace>/<pod>/<container>.log; ignored")
            continue
        namespace, pod, name = parts
        previous = name.endswith(".previous.log")
        container = name[: -len(".previous.log")] if previous else name[: -len(".log")]
        if (namespace, pod) not in pods:
            dump.warnings.append(f"{file}: no pod {namespace}/{pod} in the dump; log ignored")
            continue
        dump.logs[LogKey(namespace, pod, container, previous)] = _read_log(file)


def _read_log(file: Path, limit: int = LOG_READ_BYTES) -> str:
    """The log's last `limit` bytes, from its first whole line: a 200 MB log costs what its tail
    does, and the checks read only its last LOG_TAIL lines."""
    if not file.is_file():
        raise DumpError(f"{file}: a directory (or not a regular file) where a container log "
                        "should be")
    try:
        with file.open("rb") as f:
            size = f.seek(0, os.SEEK_END)
            f.seek(max(0, size - limit))
            data = f.read(limit)
    except OSError as exc:
        raise DumpError(f"{file}: cannot read: {exc.strerror or exc}") from None
    if size > limit:
        data = data[data.find(b"\n") + 1:]  # the first line was cut: dropped
    return data.decode("utf-8", errors="replace")
