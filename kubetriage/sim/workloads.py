"""The workload controllers of the embedded cluster: pods replaced and rolled out.

- A deleted pod of a ReplicaSet, StatefulSet or DaemonSet is replaced (ContainerCreating first,
  then as its predecessor was: the cause of a failure does not go away by itself).
- A changed pod template (kubectl rollout restart, set image) rolls the workload's pods; a
  Deployment gets a new ReplicaSet and its revision annotation is bumped.
"""

from __future__ import annotations

import collections
import copy
import hashlib
import itertools
import logging
from collections.abc import Callable
from typing import Any

import orjson

from kubetriage.core import resources
from kubetriage.core.resources import Resource
from kubetriage.core.types import Obj
from kubetriage.sim.errors import StatusError
from kubetriage.sim.state import ClusterState, now_rfc3339, random_suffix

log = logging.getLogger(__name__)

POD = resources.known("v1", "Pod")
NODE = resources.known("v1", "Node")
RS = resources.known("apps/v1", "ReplicaSet")
REVISION = "deployment.kubernetes.io/revision"
HASH = "pod-template-hash"
START_DELAY = 1.0  # seconds a replacement pod spends in ContainerCreating (before speed)


def _controller_ref(obj: Obj) -> Obj | None:
    refs = obj.setdefault("metadata", {}).get("ownerReferences") or []
    return next((r for r in refs if r.get("controller")), refs[0] if refs else None)


def _owner_ref(owner: Obj) -> Obj:
    return {"apiVersion": owner["apiVersion"], "kind": owner["kind"],
            "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"],
            "controller": True, "blockOwnerDeletion": True}


def template_hash(template: Obj) -> str:
    digest = hashlib.sha256(orjson.dumps(template, option=orjson.OPT_SORT_KEYS)).hexdigest()
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    return "".join(alphabet[int(digest[i:i + 2], 16) % len(alphabet)] for i in range(0, 20, 2))


class Workloads:
    """later(seconds, fn, *args): fn called that many (scenario) seconds from now, on the
    server's loop (the Controllers' timer, divided by the speed factor)."""

    def __init__(self, state: ClusterState, later: Callable[..., Any]) -> None:
        self.state, self.later = state, later

    def replace_pod(self, old: Obj, logs: dict[str, list]) -> None:
        owner_ref = _controller_ref(old)
        if owner_ref is None or owner_ref.get("kind") not in ("ReplicaSet", "StatefulSet",
                                                              "DaemonSet"):
            return
        meta = old["metadata"]
        ns = meta["namespace"]
        owner_res = resource_of(owner_ref.get("apiVersion", "apps/v1"), owner_ref["kind"])
        owner = self.state.get(owner_res, ns, owner_ref["name"])
        if owner is None or owner["metadata"]["uid"] != owner_ref.get("uid", owner[
                "metadata"]["uid"]):
            return
        if owner_ref["kind"] == "ReplicaSet":
            wanted = (owner.get("spec") or {}).get("replicas", 1)
            if len(self.state.dependents(owner["metadata"]["uid"])) >= wanted:
                return
            name = f"{owner['metadata']['name']}-{random_suffix()}"
        elif owner_ref["kind"] == "StatefulSet":
            name = meta["name"]  # a StatefulSet's pod comes back under its own name
        else:
            name = f"{owner['metadata']['name']}-{random_suffix()}"
        self._start_pod(old, name, old.get("spec") or {}, meta.get("labels") or {}, owner_ref,
                        logs, ns)

    def _start_pod(self, model: Obj | None, name: str, spec: Obj, labels: Obj, owner_ref: Obj,
                   logs: dict[str, list], ns: str) -> None:
        """Create a pod in ContainerCreating; a moment later it runs as `model` ran."""
        spec = copy.deepcopy(spec)
        pod = {"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": name, "namespace": ns, "labels": copy.deepcopy(labels),
                            "ownerReferences": [owner_ref]},
               "spec": spec, "status": _creating(spec)}
        if model is not None:
            annotations = (model["metadata"].get("annotations") or {})
            if annotations:
                pod["metadata"]["annotations"] = copy.deepcopy(annotations)
            spec.setdefault("nodeName", (model.get("spec") or {}).get("nodeName"))
        if not spec.get("nodeName"):
            spec.pop("nodeName", None)
            node = self._schedule()
            if node:
                spec["nodeName"] = node
        try:
            self.state.create(pod)
        except StatusError as exc:
            log.info("replacement pod %s not created: %s", name, exc.message)
            return
        self.later(START_DELAY, self._run_pod, ns, name, model, logs)

    def _run_pod(self, ns: str, name: str, model: Obj | None, logs: dict[str, list]) -> None:
        pod = self.state.get(POD, ns, name)
        if pod is None:
            return
        status = _running_like(pod, model)
        ip = self._fresh_pod_ip((model or {}).get("status", {}).get("podIP"))
        status.update(podIP=ip, podIPs=[{"ip": ip}])
        self.state.patch_merge(POD, ns, name, {"status": status})
        for container, lines in logs.items():
            if lines:
                self.state.append_log(ns, name, container, [line.text for line in lines])

    def _schedule(self) -> str | None:
        """The node a new pod lands on: the one running the fewest pods, as a spread."""
        nodes = [n["metadata"]["name"] for n in self.state.list(NODE)]
        if not nodes:
            return None
        load = collections.Counter((p.get("spec") or {}).get("nodeName")
                                   for p in self.state.list(POD))
        return min(nodes, key=lambda n: (load[n], n))

    def _fresh_pod_ip(self, like: str | None) -> str:
        """An address no pod holds, in the subnet of `like` (a node's pod CIDR), as the CNI
        hands a new pod its own IP."""
        prefix = like.rsplit(".", 1)[0] if like and like.count(".") == 3 else "10.244.0"
        used = {(p.get("status") or {}).get("podIP") for p in self.state.list(POD)}
        subnet = (f"{prefix}.{n}" for n in range(2, 255))
        spill = (f"10.250.{a}.{b}" for a in range(256) for b in range(2, 255))
        return next(ip for ip in itertools.chain(subnet, spill) if ip not in used)

    def roll(self, res, namespace: str, name: str) -> None:
        workload = self.state.get(res, namespace, name)
        if workload is None:
            return
        spec = workload.get("spec") or {}
        template = spec.get("template") or {}
        uid = workload["metadata"]["uid"]
        replicas = spec.get("replicas", 1)
        if res.kind == "Deployment":
            self._roll_deployment(res, workload, template, replicas)
            return
        old_pods = [p for r, p in self.state.dependents(uid) if r.kind == "Pod"]
        model = old_pods[0] if old_pods else None
        logs = logs_of(self.state, model)
        for pod in old_pods:
            self.state.delete(POD, namespace, pod["metadata"]["name"])
        tmeta = template.get("metadata") or {}
        names = ([f"{name}-{i}" for i in range(replicas)] if res.kind == "StatefulSet"
                 else [f"{name}-{random_suffix()}" for _ in old_pods or [None]])
        for pod_name in names:
            if self.state.get(POD, namespace, pod_name) is None:
                self._start_pod(model, pod_name, template.get("spec") or {},
                                tmeta.get("labels") or {}, _owner_ref(workload), logs,
                                namespace)

    def _roll_deployment(self, res, dep: Obj, template: Obj, replicas: int) -> None:
        ns, name, uid = dep["metadata"]["namespace"], dep["metadata"]["name"], \
            dep["metadata"]["uid"]
        owned = [rs for r, rs in self.state.dependents(uid) if r.kind == "ReplicaSet"]
        revision = 1 + max((int((rs["metadata"].get("annotations") or {}).get(REVISION, 0))
                            for rs in owned), default=0)
        pod_hash = template_hash(template)
        old_pods = [p for rs in owned for r, p in self.state.dependents(rs["metadata"]["uid"])
                    if r.kind == "Pod"]
        model = old_pods[0] if old_pods else None
        logs = logs_of(self.state, model)
        for rs in owned:
            if rs["metadata"]["name"] != f"{name}-{pod_hash}":
                self.state.patch_merge(RS, ns, rs["metadata"]["name"], {
                    "spec": {"replicas": 0},
                    "status": {"replicas": 0, "readyReplicas": 0, "availableReplicas": 0}})
        for pod in old_pods:
            self.state.delete(POD, ns, pod["metadata"]["name"])
        tmpl = copy.deepcopy(template)
        labels = {**((tmpl.get("metadata") or {}).get("labels") or {}), HASH: pod_hash}
        tmpl.setdefault("metadata", {})["labels"] = labels
        selector = copy.deepcopy((dep.get("spec") or {}).get("selector") or {})
        selector.setdefault("matchLabels", {})[HASH] = pod_hash
        rs_name = f"{name}-{pod_hash}"
        rs_body = {"spec": {"replicas": replicas, "selector": selector, "template": tmpl},
                   "status": {"replicas": replicas, "observedGeneration": 1}}
        if self.state.get(RS, ns, rs_name) is None:
            self.state.create({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {
                "name": rs_name, "namespace": ns, "labels": labels,
                "annotations": {REVISION: str(revision),
                                "deployment.kubernetes.io/desired-replicas": str(replicas)},
                "ownerReferences": [_owner_ref(dep)]}, **rs_body})
        else:
            self.state.patch_merge(RS, ns, rs_name, {
                "metadata": {"annotations": {REVISION: str(revision)}}, **rs_body})
        rs = self.state.get(RS, ns, rs_name)
        if rs is None:  # made or patched just above
            return
        for _ in range(replicas):
            self._start_pod(model, f"{rs_name}-{random_suffix()}", tmpl.get("spec") or {},
                            labels, _owner_ref(rs), logs, ns)
        self.state.patch_merge(res, ns, name, {
            "metadata": {"annotations": {REVISION: str(revision)}},
            "status": {"observedGeneration": dep["metadata"].get("generation", 1),
                       "replicas": replicas, "updatedReplicas": replicas}})



def container_names(pod: Obj) -> list[str]:
    spec = pod.get("spec") or {}
    return [c["name"] for key in ("initContainers", "containers")
            for c in spec.get(key, []) if "name" in c]


def logs_of(state: ClusterState, pod: Obj | None) -> dict[str, list]:
    if pod is None:
        return {}
    meta = pod["metadata"]
    return {c: list(state.log(meta["namespace"], meta["name"], c).current)
            for c in container_names(pod)}


def _creating(spec: Obj) -> Obj:
    now = now_rfc3339()
    return {"phase": "Pending", "startTime": now, "qosClass": "BestEffort",
            "conditions": [{"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                            "lastTransitionTime": now}],
            "containerStatuses": [
                {"name": c["name"], "image": c.get("image", ""), "imageID": "", "ready": False,
                 "restartCount": 0, "started": False,
                 "state": {"waiting": {"reason": "ContainerCreating"}}, "lastState": {}}
                for c in spec.get("containers", [])]}


def _running_like(pod: Obj, model: Obj | None) -> Obj:
    """The status of a started pod: its predecessor's states with fresh times (a crash-looping
    predecessor makes a crash-looping successor, one restart in), or Running and Ready."""
    now = now_rfc3339()
    before = {s["name"]: s for s in ((model or {}).get("status") or {}).get(
        "containerStatuses", [])}
    statuses, ready_all = [], True
    for c in (pod.get("spec") or {}).get("containers", []):
        prev = before.get(c["name"], {})
        state = copy.deepcopy(prev.get("state") or {"running": {}})
        last = copy.deepcopy(prev.get("lastState") or {})
        if "running" in state or "terminated" in state:
            state, last = {"running": {"startedAt": now}}, {}
        for detail in last.values():
            detail.update(startedAt=now, finishedAt=now)
        ready = "running" in state and prev.get("ready", True)
        ready_all &= ready
        statuses.append({"name": c["name"], "image": c.get("image", ""),
                         "imageID": prev.get("imageID", ""), "ready": ready,
                         "restartCount": 1 if last else 0, "started": "running" in state,
                         "state": state, "lastState": last})
    ready_text = "True" if ready_all else "False"
    conditions = [{"type": t, "status": s, "lastProbeTime": None, "lastTransitionTime": now}
                  for t, s in (("Initialized", "True"), ("Ready", ready_text),
                               ("ContainersReady", ready_text), ("PodScheduled", "True"))]
    model_status = (model or {}).get("status") or {}
    phase = model_status.get("phase", "Running")
    out = {"phase": "Running" if phase == "Pending" and ready_all else phase,
           "conditions": conditions, "containerStatuses": statuses}
    for key in ("hostIP", "qosClass"):
        if key in model_status:
            out[key] = model_status[key]
    return out


def resource_of(api_version: str, kind: str) -> Resource:
    """The registered kind, or the 400 the API server gives for a kind it does not serve."""
    res = resources.by_kind(api_version, kind)
    if res is None:
        raise StatusError.bad_request(f"no kind {kind!r} is registered for version {api_version!r}")
    return res
