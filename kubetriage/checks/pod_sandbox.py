"""KT-211: pods left in ContainerCreating because the kubelet cannot create their sandbox,
almost always because the node's network plugin (CNI) cannot set up their network.

Read from FailedCreatePodSandBox events on pods that have not started, grouped by node and by the
plugin's own error: one node's broken plugin is one cause, whatever number of pods (in whatever
namespaces) it holds back. The plugin's error says what it cannot do (calico's `error getting
ClusterInformation: ... Service Unavailable` when it cannot reach the API server: yuyicai/
update-kube-cert#31, projectcalico/calico#6716). The kubelet retries on its own once the plugin
works: nothing needs deleting.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from kubetriage.checks.check import Check
from kubetriage.checks.finding import Finding, ObjectRef, Remediation
from kubetriage.checks.objects import (
    dicts,
    event_count,
    event_line,
    event_time,
    events,
    name,
    namespace,
    str_at,
)
from kubetriage.core.snapshot import Snapshot
from kubetriage.core.text import shorten

CHECK = Check(code="KT-211", title="Pod network cannot be set up", severity="error",
              kinds=("Pod", "Event"), doc=__doc__)

REASON = "FailedCreatePodSandBox"
CAUSE_LIMIT = 300
# `plugin type="calico" failed (add): <its error>`; older runtimes: `networkPlugin cni failed to
# set up pod "x_ns" network: <its error>`
_PLUGIN = re.compile(r'plugin type="([\w.-]+)" failed \(add\): ')
_NETWORK_PLUGIN = re.compile(r'networkPlugin (\w+) failed to set up pod "[^"\s]*" network: ')
_DESC = "desc = "
_SANDBOX_ID = re.compile(r'\b[0-9a-f]{64}\b')


def _cause(message: str) -> tuple[str, str]:
    """(the plugin, its error) as the event states them; plugin "" when it names none."""
    message = message[:8_000]
    if (found := list(_PLUGIN.finditer(message))):
        m = found[-1]
        return m.group(1), message[m.end():]
    if (found := list(_NETWORK_PLUGIN.finditer(message))):
        m = found[-1]
        return m.group(1), message[m.end():].split(", failed to clean up sandbox", 1)[0]
    return "", message.split(_DESC, 1)[-1]


def _tidy(cause: str) -> str:
    return shorten(_SANDBOX_ID.sub("…", cause).strip().rstrip("]").strip(), CAUSE_LIMIT)


def _from_the_plugin(event: dict) -> str:
    """The event's line from where the plugin speaks: the sandbox id and the runtime's wrapping
    before it fill a narrow pane and say nothing."""
    message = str_at(event, "message")[:8_000]
    starts = [m.start() for m in (*_PLUGIN.finditer(message), *_NETWORK_PLUGIN.finditer(message))]
    return event_line({**event, "message": "…" + message[max(starts):]} if starts else event)


def _not_started(pod: dict) -> bool:
    if str_at(pod, "status", "phase") not in ("Pending", ""):
        return False
    return all(str_at(s, "state", "waiting", "reason") in ("ContainerCreating", "")
               for s in dicts(pod, "status", "containerStatuses"))


@CHECK.runs
def check(snap: Snapshot) -> Iterator[Finding]:
    # one node's plugin is one cause: its pods grouped, told by the newest error it gave
    groups: dict[tuple[str, str], list[tuple[dict, dict, str]]] = defaultdict(list)
    for pod in snap.of_kind("Pod"):
        if not _not_started(pod):
            continue
        failed = [e for e in events(snap, pod, "Pod")
                  if str_at(e, "reason") == REASON and str_at(e, "type") == "Warning"]
        if not failed:
            continue
        newest = failed[0]
        node = str_at(pod, "spec", "nodeName") or str_at(newest, "source", "host")
        plugin, cause = _cause(str_at(newest, "message"))
        groups[(node, plugin)].append((pod, newest, _tidy(cause)))
    for (node, plugin), held in sorted(groups.items()):
        yield _finding(node, plugin, held)


def _finding(node: str, plugin: str, held: list[tuple[dict, dict, str]]) -> Finding:
    held.sort(key=lambda h: event_time(h[1]), reverse=True)
    cause = held[0][2]
    pods = sorted((namespace(p) or "", name(p)) for p, _, _ in held)
    where = f"node {node}" if node else "their node"
    who = f"The network plugin {plugin} on {where} cannot set up pod networks" if plugin else \
        f"The kubelet on {where} cannot create pod sandboxes"
    count = f"{len(pods)} pod{'s' if len(pods) != 1 else ''}"
    namespaces = sorted({ns for ns, _ in pods})
    spread = f" in {len(namespaces)} namespaces" if len(namespaces) > 1 else ""
    shown = ", ".join(f"{ns}/{n}" for ns, n in pods[:4]) + \
        (f" and {len(pods) - 4} more" if len(pods) > 4 else "")
    tries = max(event_count(e) for _, e, _ in held)
    fixes = [Remediation(
        title=f"Read the {plugin + ' ' if plugin else 'network '}plugin's own pods on {where} "
              "(its DaemonSet) and fix what its error names; the kubelet retries by itself",
        command=f"kubectl get pods -A -o wide --field-selector spec.nodeName={node}"
        if node else None)]
    return CHECK.finding(
        ObjectRef(kind="Node", namespace=None, name=node or "unknown"),
        f"{who}: {cause}; {count}{spread} cannot start (sandbox tried {tries} "
        f"time{'s' if tries != 1 else ''}).",
        [_from_the_plugin(held[0][1]), f"pods in ContainerCreating: {shown}"],
        fixes, part=plugin or None, node=node, plugin=plugin,
        breaks=[("Pod", ns, n) for ns, n in pods])
