"""`kubetriage --demo`, until the dashboard lands: the embedded cluster's state and its diagnosis,
redrawn whenever the cluster changes, until Ctrl-C.

It talks to the embedded server over HTTP like any client: server-side Tables for what kubectl
would print, raw lists and log tails for the diagnosis.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from kubetriage.checks.finding import Report
from kubetriage.checks.sanitize import clean
from kubetriage.cluster.connect import Connection, connect
from kubetriage.cluster.resources import Resource, by_kind
from kubetriage.cluster.sim.server import SimServer
from kubetriage.cluster.snapshot import Snapshot
from kubetriage.diagnosis import diagnose
from kubetriage.report.text import STYLE, counts

AS_TABLE = "application/json;as=Table;g=meta.k8s.io;v=v1"
REFRESH_S = 2.0
LOG_TAIL = 50
# What the checks read (kubetriage/cluster/snapshot.py), by apiVersion and kind.
KINDS = [("v1", k) for k in ("Namespace", "Node", "Pod", "Service", "Endpoints", "Event",
                             "ConfigMap", "Secret")] + [
    ("apps/v1", "Deployment"), ("apps/v1", "ReplicaSet"), ("apps/v1", "StatefulSet"),
    ("apps/v1", "DaemonSet"), ("batch/v1", "Job"), ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ("networking.k8s.io/v1", "NetworkPolicy"), ("helm.toolkit.fluxcd.io/v2", "HelmRelease"),
    ("kustomize.toolkit.fluxcd.io/v1", "Kustomization"), ("bitnami.com/v1alpha1", "SealedSecret")]
PODS = by_kind("v1", "Pod")
RELEASES = by_kind("helm.toolkit.fluxcd.io/v2", "HelmRelease")


def run_demo(scenario: str) -> int:
    try:
        asyncio.run(_demo(scenario))
    except KeyboardInterrupt:
        pass
    return 0


async def _demo(name: str) -> None:
    console = Console()
    async with SimServer(name) as sim:
        with tempfile.TemporaryDirectory() as tmp:
            conn = await connect(str(sim.write_kubeconfig(Path(tmp) / "kubeconfig")))
        try:
            last = ""
            while True:
                version, objects = await _list_all(conn)
                if version != last:
                    last = version
                    logs = await _failing_logs(conn, objects)
                    report = diagnose(Snapshot.from_objects(objects, logs),
                                      source=f"scenario {name}")
                    view = Group(await _table(conn, RELEASES), await _table(conn, PODS),
                                 _chains(report),
                                 Text(f"embedded cluster at {sim.url} · Ctrl-C to quit",
                                      style="dim"))
                    console.clear()
                    console.print(view)
                await asyncio.sleep(REFRESH_S)
        finally:
            await conn.close()


async def _list_all(conn: Connection) -> tuple[str, list[dict[str, Any]]]:
    """Every object the checks read, and the highest resourceVersion seen (changes when any do)."""
    objects: list[dict[str, Any]] = []
    newest = 0
    for api_version, kind in KINDS:
        resource = by_kind(api_version, kind)
        doc = await conn.get_json(resource.path())
        newest = max(newest, int(doc["metadata"].get("resourceVersion") or 0))
        for item in doc.get("items", []):
            item.setdefault("apiVersion", api_version)
            item.setdefault("kind", kind)
            objects.append(item)
    return str(newest), objects


async def _failing_logs(conn: Connection, objects: list[dict[str, Any]]
                        ) -> dict[tuple[str, str, str, bool], list[str]]:
    """The last lines of every container that is not ready, this instance and the previous one."""
    logs: dict[tuple[str, str, str, bool], list[str]] = {}
    for pod in (o for o in objects if o["kind"] == "Pod"):
        meta, status = pod["metadata"], pod.get("status") or {}
        for cs in (status.get("containerStatuses") or []) + \
                (status.get("initContainerStatuses") or []):
            if cs.get("ready"):
                continue
            for previous in (False, True):
                path = PODS.path(meta["namespace"], meta["name"]) + "/log"
                params = {"container": cs["name"], "tailLines": LOG_TAIL, "previous": previous}
                try:
                    text = (await conn.get_bytes(path, params)).decode("utf-8", "replace")
                except Exception:  # no previous instance, or a container that never ran
                    continue
                logs[(meta["namespace"], meta["name"], cs["name"], previous)] = text.splitlines()
    return logs


async def _table(conn: Connection, resource: Resource) -> Table:
    """What `kubectl get <kind> -A` prints, from the server's own Table."""
    resp = await conn.request("GET", resource.path(), headers={"Accept": AS_TABLE})
    async with resp:
        doc = await resp.json(content_type=None)
    wanted = [i for i, c in enumerate(doc["columnDefinitions"]) if c.get("priority", 0) == 0]
    table = Table(title=f"{resource.plural} (all namespaces)", title_justify="left",
                  show_edge=False, box=None, pad_edge=False, header_style="bold")
    table.add_column("NAMESPACE", no_wrap=True, min_width=10)
    for i in wanted:
        name = doc["columnDefinitions"][i]["name"]
        table.add_column(name.upper(), no_wrap=True, overflow="ellipsis")
    for row in doc["rows"]:
        cells = [row["object"]["metadata"].get("namespace", "")] + \
                [row["cells"][i] for i in wanted]
        table.add_row(*(Text(clean("" if c is None else str(c))) for c in cells))
    return table


def _chains(report: Report) -> Group:
    by_id = {f.id: f for f in report.findings}
    lines = [Text(f"diagnosis: {counts(report)}", style="bold")]
    for chain in report.chains:
        root = by_id[chain.root]
        lines.append(Text.assemble((f"{root.severity.upper():<8}", STYLE[root.severity]),
                                   (clean(str(root.object)), "bold"), f" — {clean(root.summary)}"))
        if root.evidence:
            lines.append(Text(f"    │ {clean(root.evidence[0])}", style="dim"))
        for fid in chain.links[1:]:
            f = by_id[fid]
            lines.append(Text(f"    └→ {clean(f.summary)}",
                              no_wrap=True, overflow="ellipsis"))
    return Group(*lines)
