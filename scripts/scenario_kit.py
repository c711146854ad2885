"""Builders shared by the scenario generators (scripts/make_*.py): objects as `kubectl get -o yaml`
shows them on a real cluster, and the files a scenario is made of.

Everything derived from a name (uids, container ids, digests, name suffixes) is a hash of it, so
regenerating a scenario rewrites the same bytes. The scenarios were first written by three
separate builder libraries; where those wrote the same object with other keys, key order or
hashing, the builder here takes a parameter, so that every scenario keeps its bytes.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from kubetriage.core import helm

Obj = dict[str, Any]
SCENARIOS = Path(__file__).resolve().parent.parent / "kubetriage" / "scenarios"
NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789"  # what Kubernetes uses for generated name suffixes


# -- names, uids, times ---------------------------------------------------------------------------

def digest(*parts: str, sep: str = "/") -> bytes:
    return hashlib.sha256(sep.join(parts).encode()).digest()


def uid(*parts: str) -> str:
    return str(uuid.UUID(bytes=digest(*parts)[:16], version=4))


def hexdigest(*parts: str, n: int = 64, sep: str = "#") -> str:
    return digest(*parts, sep=sep).hex()[:n]


def suffix(*parts: str, n: int = 5) -> str:
    return "".join(NAME_CHARS[b % len(NAME_CHARS)] for b in digest(*parts)[:n])


def rng(*key: str) -> random.Random:
    """A random source seeded by the key, for values drawn rather than hashed (midwestmtg's)."""
    return random.Random(digest(*key))


def rng_uid(*key: str) -> str:
    return str(uuid.UUID(int=rng("uid", *key).getrandbits(128), version=4))


def rng_suffix(*key: str, n: int = 5) -> str:
    r = rng("suffix", *key)
    return "".join(r.choice(NAME_CHARS) for _ in range(n))


def ts(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Clock:
    """The seed's "now" and times relative to it."""

    def __init__(self, now: str | datetime):
        self.now = now if isinstance(now, datetime) else datetime.fromisoformat(
            now.replace("Z", "+00:00"))

    def ago(self, **kw: float) -> datetime:
        return self.now - timedelta(**kw)

    def s(self, **kw: float) -> str:
        return ts(self.ago(**kw))


def reorder(obj: Obj, keys: tuple[str, ...]) -> Obj:
    """obj with its keys in this order: the order a scenario was first written in."""
    return {k: obj[k] for k in keys if k in obj}


# -- writing --------------------------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # an alias would make shared parts one object
        return True


class _LiteralDumper(_Dumper):
    """Multi-line strings (logs, manifests) as literal blocks, readable in a diff."""


def _literal(dumper: yaml.SafeDumper, s: str) -> yaml.Node:
    style = "|" if "\n" in s and "\t" not in s else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style=style)


_LiteralDumper.add_representer(str, _literal)


def dump_yaml(data: Any, *, sort_keys: bool = False, width: int = 100,
              literal: bool = True) -> str:
    return yaml.dump(data, Dumper=_LiteralDumper if literal else _Dumper, sort_keys=sort_keys,
                     width=width, allow_unicode=True)


# `kubectl get -o yaml`'s own layout: sorted keys at every level, long lines kept whole
KUBECTL = {"sort_keys": True, "width": 1000, "literal": False}


def kube_list(items: list[Obj], *, items_last: bool = False) -> Obj:
    if items_last:
        return {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""},
                "items": items}
    return {"apiVersion": "v1", "items": items, "kind": "List",
            "metadata": {"resourceVersion": ""}}


def write_yaml(path: Path, data: Any, *, header: str = "", **style: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + dump_yaml(data, **style), encoding="utf-8")


def write_list(path: Path, items: list[Obj], *, header: str = "", items_last: bool = False,
               **style: Any) -> None:
    """A `kind: List` file, as `kubectl get -o yaml` writes several objects."""
    write_yaml(path, kube_list(items, items_last=items_last), header=header, **style)


def written_by(script: str) -> str:
    return f"# Written by scripts/{script}; edit the script, not this file.\n"


def write_timeline(root: Path, script: str, description: str, recorded_at: str,
                   steps: list[Obj], *, header: str = "", **style: Any) -> None:
    write_yaml(root / "timeline.yaml",
               {"description": description, "recorded_at": recorded_at, "steps": steps},
               header=header or written_by(script), **style)


def write_log(root: Path, namespace: str, pod_name: str, container_name: str,
              lines: list[str] | str, previous: bool = False) -> None:
    """logs/<namespace>/<pod>/<container>[.previous].log; a list is lines, a str the text."""
    path = root / "logs" / namespace / pod_name / (
        f"{container_name}.previous.log" if previous else f"{container_name}.log")
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(lines, list):
        text = "\n".join(lines) + "\n"
    else:
        text = lines if lines.endswith("\n") else lines + "\n"
    path.write_text(text, encoding="utf-8")


# -- metadata -------------------------------------------------------------------------------------

def object_meta(name: str, namespace: str | None, created: str, uid_: str, *,
                rv: str | None = None, labels: dict | None = None,
                annotations: dict | None = None, owners: list[Obj] | None = None,
                generation: int | None = None) -> Obj:
    """metadata in kubectl's (sorted) key order."""
    m: Obj = {}
    if annotations:
        m["annotations"] = annotations
    m["creationTimestamp"] = created
    if generation is not None:
        m["generation"] = generation
    if labels:
        m["labels"] = labels
    m["name"] = name
    if namespace:
        m["namespace"] = namespace
    if owners:
        m["ownerReferences"] = owners
    if rv is not None:
        m["resourceVersion"] = rv
    m["uid"] = uid_
    return m


def owner_ref(obj: Obj) -> Obj:
    """The controller reference an owned object carries."""
    return {"apiVersion": obj["apiVersion"], "blockOwnerDeletion": True, "controller": True,
            "kind": obj["kind"], "name": obj["metadata"]["name"], "uid": obj["metadata"]["uid"]}


def namespace_object(meta: Obj) -> Obj:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": meta,
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}


def namespace_labels(name: str, labels: dict | None = None) -> dict:
    return {"kubernetes.io/metadata.name": name, **(labels or {})}


# -- containers -----------------------------------------------------------------------------------

def image_id(image: str, sha: str | None = None, *, pullable: bool = True,
             qualify: bool = False) -> str:
    """The repo@sha256 imageID a runtime reports for an image pulled by tag; docker's is
    `docker-pullable://`, containerd's names the registry (docker.io for short names)."""
    repo = image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
    if qualify and "/" not in repo:
        repo = f"docker.io/library/{repo}"
    elif qualify and "." not in repo.split("/")[0] and ":" not in repo.split("/")[0]:
        repo = f"docker.io/{repo}"
    return f"{'docker-pullable://' if pullable else ''}{repo}@sha256:{sha or hexdigest(image)}"


def http_probe(path: str, port: int | str, *, initial: int | None = None, period: int = 10,
               timeout: int = 1, failure: int = 3, success: int = 1) -> Obj:
    probe: Obj = {"failureThreshold": failure,
                  "httpGet": {"path": path, "port": port, "scheme": "HTTP"}}
    if initial is not None:
        probe["initialDelaySeconds"] = initial
    probe.update({"periodSeconds": period, "successThreshold": success, "timeoutSeconds": timeout})
    return probe


def container_status(name: str, image: str, *, state: Obj, ready: bool, restarts: int = 0,
                     started: bool, image_id_: str = "", container_id: str | None = None,
                     last: Obj | None = None) -> Obj:
    """One entry of a pod's status.containerStatuses; no containerID before the runtime made one."""
    s: Obj = {}
    if container_id:
        s["containerID"] = container_id
    s.update({"image": image, "imageID": image_id_, "lastState": last or {}, "name": name,
              "ready": ready, "restartCount": restarts, "started": started, "state": state})
    return s


def waiting_state(reason: str, message: str | None = None) -> Obj:
    return {"waiting": {"reason": reason, **({"message": message} if message else {})}}


def terminated_state(exit_code: int, reason: str, started: str, finished: str, container_id: str,
                     message: str | None = None) -> Obj:
    t: Obj = {"containerID": container_id, "exitCode": exit_code, "finishedAt": finished}
    if message:
        t["message"] = message
    t.update({"reason": reason, "startedAt": started})
    return {"terminated": t}


# -- pods -----------------------------------------------------------------------------------------

SA_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"


def sa_mount(volume: str) -> Obj:
    """The service-account token mount admission adds to every container."""
    return {"mountPath": SA_MOUNT_PATH, "name": volume, "readOnly": True}


def with_sa_mount(c: Obj, volume: str) -> Obj:
    return {**c, "volumeMounts": list(c.get("volumeMounts", [])) + [sa_mount(volume)]}


def api_access_volume(name: str, *, short: bool = False) -> Obj:
    """The projected service-account volume admission adds to every pod. short: the form the
    healthy and registry-rebuild scenarios were written with (no namespace file, configMap's
    name first)."""
    token = {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}
    if short:
        return {"name": name, "projected": {"defaultMode": 420, "sources": [token, {"configMap": {
            "name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}]}}
    return {"name": name, "projected": {"defaultMode": 420, "sources": [
        token,
        {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
        {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1",
                                                 "fieldPath": "metadata.namespace"},
                                    "path": "namespace"}]}}]}}


def pod_spec(containers: list[Obj], *, node: str, volumes: list[Obj],
             init: list[Obj] | None = None, dns_policy: str = "ClusterFirst", priority: int = 0,
             extra: Obj | None = None, restart: str = "Always", security: Obj | None = None,
             service_account: str | None = "default", grace: int = 30) -> Obj:
    """A scheduled pod's spec; `extra` (hostNetwork, hostname, ...) follows the priority. A
    static (mirror) pod has no service account: the API server refuses one that names any."""
    spec: Obj = {}
    if init:
        spec["initContainers"] = init
    spec.update({"containers": containers, "dnsPolicy": dns_policy, "enableServiceLinks": True,
                 "nodeName": node, "preemptionPolicy": "PreemptLowerPriority",
                 "priority": priority})
    spec.update(extra or {})
    spec.update({"restartPolicy": restart, "schedulerName": "default-scheduler",
                 "securityContext": security or {},
                 **({"serviceAccount": service_account, "serviceAccountName": service_account}
                    if service_account else {}),
                 "terminationGracePeriodSeconds": grace,
                 "tolerations": [
                     {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready",
                      "operator": "Exists", "tolerationSeconds": 300},
                     {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable",
                      "operator": "Exists", "tolerationSeconds": 300}],
                 "volumes": volumes})
    return spec


def pod_conditions(*, scheduled: str, started: str, initialized: str, ready_since: str,
                   ready: bool, unready: list[str], completed: bool = False,
                   uninitialized: list[str] | None = None, separator: str = " ") -> list[Obj]:
    """The five conditions kubelet reports; reason and message only where something is wrong."""
    def cond(type_: str, ok: bool, when: str, reason: str | None = None,
             message: str | None = None) -> Obj:
        c: Obj = {"lastProbeTime": None, "lastTransitionTime": when,
                  "status": "True" if ok else "False", "type": type_}
        if reason:
            c["reason"] = reason
        if message:
            c["message"] = message
        return c

    not_ready = None if ready else "PodCompleted" if completed else "ContainersNotReady"
    why = (None if ready or completed else
           f"containers with unready status: [{separator.join(unready)}]")
    init_why = (f"containers with incomplete status: [{' '.join(uninitialized)}]"
                if uninitialized else None)
    return [cond("PodReadyToStartContainers", not completed, started),
            cond("Initialized", not uninitialized, initialized,
                 "ContainersNotInitialized" if uninitialized else None, init_why),
            cond("Ready", ready, ready_since, not_ready, why),
            cond("ContainersReady", ready, ready_since, not_ready, why),
            cond("PodScheduled", True, scheduled)]


def pod_status(conditions: list[Obj], statuses: list[Obj], *, host_ip: str, phase: str,
               pod_ip: str | None, qos: str, start: str,
               init_statuses: list[Obj] | None = None) -> Obj:
    status: Obj = {"conditions": conditions, "containerStatuses": statuses, "hostIP": host_ip,
                   "hostIPs": [{"ip": host_ip}]}
    if init_statuses:
        status["initContainerStatuses"] = init_statuses
    status["phase"] = phase
    if pod_ip:
        status.update({"podIP": pod_ip, "podIPs": [{"ip": pod_ip}]})
    status.update({"qosClass": qos, "startTime": start})
    return status


def pod_object(meta: Obj, spec: Obj, status: Obj) -> Obj:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


# -- events ---------------------------------------------------------------------------------------

def involved_object(obj: Obj, field_path: str | None = None, *, namespace: str | None = None,
                    resource_version: bool = True) -> Obj:
    """An event's reference to its object; namespace: the object's unless given."""
    m = obj["metadata"]
    ref: Obj = {"apiVersion": obj["apiVersion"]}
    if field_path:
        ref["fieldPath"] = field_path
    ref.update({"kind": obj["kind"], "name": m["name"]})
    if namespace or m.get("namespace"):
        ref["namespace"] = namespace or m["namespace"]
    if resource_version:
        ref["resourceVersion"] = m["resourceVersion"]
    ref["uid"] = m["uid"]
    return ref


def event_name(obj: Obj, first: datetime, offset: int) -> str:
    """<object>.<hex of the first time in nanoseconds>, as the event recorder names events."""
    return f"{obj['metadata']['name']}.{int(first.timestamp() * 1e9) + offset:x}"


def event(involved: Obj, reason: str, message: str, *, meta: Obj, first: str, last: str,
          count: int = 1, type_: str = "Normal", component: str = "kubelet",
          host: str | None = None, instance: str | None = None,
          event_time: bool = True) -> Obj:
    """A core/v1 Event as the event recorder writes it."""
    source: Obj = {"component": component}
    if host:
        source["host"] = host
    ev: Obj = {"apiVersion": "v1", "count": count}
    if event_time:
        ev["eventTime"] = None
    ev.update({"firstTimestamp": first, "involvedObject": involved, "kind": "Event",
               "lastTimestamp": last, "message": message, "metadata": meta, "reason": reason,
               "reportingComponent": component, "reportingInstance": instance or host or "",
               "source": source, "type": type_})
    return ev


# -- Helm -----------------------------------------------------------------------------------------

def helm_release_secret(release: Obj, meta: Obj, *, created_at: datetime | None = None,
                        modified_at: datetime | None = None, go_json: bool = True) -> Obj:
    """The Secret helm's storage driver keeps a revision in (kubetriage/cluster/helm.py), with
    this metadata. go_json=False: the release JSON as Python writes it (dapr-local was made so)."""
    secret = helm.release_secret(release, created_at=created_at, modified_at=modified_at)
    secret["metadata"] = {**meta, "labels": secret["metadata"]["labels"]}
    if not go_json:
        payload = base64.b64encode(gzip.compress(json.dumps(release).encode(), mtime=0))
        secret["data"] = {"release": base64.b64encode(payload).decode()}
    return secret


# -- nodes ----------------------------------------------------------------------------------------

def node_labels(name: str, extra: dict | None = None) -> dict:
    return {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name,
            "kubernetes.io/os": "linux", **(extra or {})}


# what kubeadm (minikube) leaves on a node that runs Docker through cri-dockerd
DOCKERD_NODE_ANNOTATIONS = {
    "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/cri-dockerd.sock",
    "node.alpha.kubernetes.io/ttl": "0",
    "volumes.kubernetes.io/controller-managed-attach-detach": "true"}


def node_conditions(heartbeat: str, since: str, ready_since: str | None = None) -> list[Obj]:
    """A healthy kubelet's four conditions."""
    return [{"lastHeartbeatTime": heartbeat,
             "lastTransitionTime": ready_since if type_ == "Ready" and ready_since else since,
             "message": message, "reason": reason, "status": status, "type": type_}
            for type_, status, reason, message in (
                ("MemoryPressure", "False", "KubeletHasSufficientMemory",
                 "kubelet has sufficient memory available"),
                ("DiskPressure", "False", "KubeletHasNoDiskPressure",
                 "kubelet has no disk pressure"),
                ("PIDPressure", "False", "KubeletHasSufficientPID",
                 "kubelet has sufficient PID available"),
                ("Ready", "True", "KubeletReady", "kubelet is posting ready status"))]


def node(meta: Obj, *, ip: str, pod_cidr: str, allocatable: Obj, conditions: list[Obj],
         boot_id: str, runtime: str, kernel: str, kubelet: str, machine_id: str, os_image: str,
         system_uuid: str, kube_proxy: str | None = None, capacity: Obj | None = None,
         provider_id: str | None = None, images: list[Obj] | None = None) -> Obj:
    """kube_proxy: the nodeInfo's kubeProxyVersion, the kubelet's unless given."""
    spec: Obj = {"podCIDR": pod_cidr, "podCIDRs": [pod_cidr]}
    if provider_id:
        spec["providerID"] = provider_id
    status: Obj = {"addresses": [{"address": ip, "type": "InternalIP"},
                                 {"address": meta["name"], "type": "Hostname"}],
                   "allocatable": allocatable, "capacity": capacity or allocatable,
                   "conditions": conditions, "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}}}
    if images:
        status["images"] = images
    status["nodeInfo"] = {
        "architecture": "amd64", "bootID": boot_id, "containerRuntimeVersion": runtime,
        "kernelVersion": kernel, "kubeProxyVersion": kubelet if kube_proxy is None else kube_proxy,
        "kubeletVersion": kubelet, "machineID": machine_id, "operatingSystem": "linux",
        "osImage": os_image, "systemUUID": system_uuid}
    return {"apiVersion": "v1", "kind": "Node", "metadata": meta, "spec": spec, "status": status}
