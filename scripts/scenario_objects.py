"""Builders for the objects of generated scenarios (make_registry_rebuild.py, make_healthy.py).

Each builder returns what `kubectl get -o yaml` shows for the object on a real cluster: uids,
owner references, Helm and Flux labels, full container statuses and kubelet-worded events. Names,
uids and hashes are derived from the scenario seed, so a rerun writes the same files.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from scenario_kit import (
    DOCKERD_NODE_ANNOTATIONS,
    Clock,
    api_access_volume,
    container_status,
    digest,
    event,
    hexdigest,
    image_id,
    involved_object,
    namespace_labels,
    namespace_object,
    node_conditions,
    node_labels,
    object_meta,
    owner_ref,
    pod_conditions,
    pod_object,
    pod_spec,
    pod_status,
    reorder,
    suffix,
    terminated_state,
    uid,
    waiting_state,
    write_list,
    write_log,
)
from scenario_kit import node as kube_node

# the key order these scenarios were first written in (kubectl's is sorted)
_META_KEYS = ("name", "namespace", "uid", "creationTimestamp", "generation", "labels",
              "annotations", "ownerReferences")
_OWNER_KEYS = ("apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion")
_INVOLVED_KEYS = ("kind", "namespace", "name", "uid", "apiVersion", "fieldPath")
_EVENT_KEYS = ("apiVersion", "kind", "metadata", "involvedObject", "reason", "message", "source",
               "firstTimestamp", "lastTimestamp", "count", "type", "eventTime",
               "reportingComponent", "reportingInstance")


class Builder:
    """Accumulates one scenario's objects; every timestamp is `ago` seconds before recorded_at."""

    def __init__(self, seed: str, recorded_at: datetime, node: str, node_ip: str) -> None:
        self.seed = seed
        self.recorded_at = recorded_at
        self.clock = Clock(recorded_at)
        self.node = node
        self.node_ip = node_ip
        self.node_ips = {node: node_ip}
        self.objects: list[dict[str, Any]] = []
        self.logs: dict[tuple[str, str, str], list[str]] = {}
        self._ips: dict[tuple[int, str], int] = {}

    # --- names, uids, times -------------------------------------------------------------------

    def uid(self, key: str) -> str:
        return uid(self.seed, key)

    def suffix(self, key: str, length: int = 5) -> str:
        return suffix(self.seed, key, n=length)

    def hexid(self, key: str, length: int = 64) -> str:
        return hexdigest(self.seed, key, n=length, sep="/")

    def ts(self, ago: float) -> str:
        return self.clock.s(seconds=ago)

    def pod_ip(self, key: str, node: str | None = None) -> str:
        """The next address of the node's pod CIDR (10.244.<node index>.0/24)."""
        index = list(self.node_ips).index(node or self.node)
        n = self._ips.setdefault((index, key),
                                 sum(1 for i, _ in self._ips if i == index) + 2)
        return f"10.244.{index}.{n}"

    def cluster_ip(self, key: str) -> str:
        d = digest(self.seed, "svc/" + key)
        return f"10.{96 + d[0] % 16}.{d[1]}.{d[2] % 250 + 2}"

    def add(self, obj: dict[str, Any]) -> dict[str, Any]:
        self.objects.append(obj)
        return obj

    def get(self, kind: str, namespace: str | None, name: str) -> dict[str, Any]:
        return next(o for o in self.objects if o["kind"] == kind
                    and o["metadata"].get("namespace") == namespace
                    and o["metadata"]["name"] == name)

    def log(self, namespace: str, pod: str, container: str, lines: list[str],
            previous: bool = False) -> None:
        self.logs[(namespace, pod, container + (".previous" if previous else ""))] = lines

    # --- metadata ----------------------------------------------------------------------------

    def meta(self, kind: str, name: str, namespace: str | None, ago: float,
             labels: dict[str, str] | None = None, annotations: dict[str, str] | None = None,
             owner: dict[str, Any] | None = None, generation: int | None = None) -> dict[str, Any]:
        return reorder(object_meta(name, namespace, self.ts(ago),
                                   self.uid(f"{kind}/{namespace}/{name}"),
                                   labels=dict(labels) if labels else None,
                                   annotations=dict(annotations) if annotations else None,
                                   owners=[owner] if owner else None, generation=generation),
                       _META_KEYS)

    @staticmethod
    def owner_ref(obj: dict[str, Any]) -> dict[str, Any]:
        return reorder(owner_ref(obj), _OWNER_KEYS)

    # --- events ------------------------------------------------------------------------------

    def event(self, obj: dict[str, Any], reason: str, message: str, *, type_: str = "Normal",
              count: int = 1, first_ago: float, last_ago: float | None = None,
              component: str = "kubelet", host: str | None = None,
              field_path: str | None = None) -> dict[str, Any]:
        meta = obj["metadata"]
        ns = meta.get("namespace", "default")
        key = f"event/{ns}/{meta['name']}/{reason}/{message}"
        ev = event(reorder(involved_object(obj, field_path, namespace=ns, resource_version=False),
                           _INVOLVED_KEYS), reason, message,
                   meta=reorder(object_meta(f"{meta['name']}.{self.hexid(key, 16)}", ns,
                                            self.ts(first_ago), self.uid(key)), _META_KEYS),
                   first=self.ts(first_ago),
                   last=self.ts(first_ago if last_ago is None else last_ago), count=count,
                   type_=type_, component=component,
                   host=host or self.node if component == "kubelet" else None)
        return self.add(reorder(ev, _EVENT_KEYS))

    def write(self, out: Path, group: Any) -> None:
        """Write the objects as `kind: List` files, one per group(obj) name."""
        out.mkdir(parents=True, exist_ok=True)
        files: dict[str, list[dict[str, Any]]] = {}
        for obj in self.objects:
            files.setdefault(group(obj), []).append(obj)
        for old in out.glob("*.yaml"):
            if old.name != "timeline.yaml":
                old.unlink()
        for name, items in sorted(files.items()):
            write_list(out / f"{name}.yaml", items, items_last=True)

    def write_logs(self, out: Path) -> None:
        """logs/<namespace>/<pod>/<container>[.previous].log, replacing what was there."""
        root = out / "logs"
        for old in sorted(root.rglob("*.log")) if root.is_dir() else ():
            old.unlink()
        for (ns, pod_name, container_name), lines in sorted(self.logs.items()):
            write_log(out, ns, pod_name, container_name, lines)


# --- containers and their statuses ------------------------------------------------------------

def container(name: str, image: str, *, pull: str = "IfNotPresent", port: int | None = None,
              port_name: str = "http", secret: str | None = None,
              secret_keys: tuple[str, ...] = (), env: dict[str, str] | None = None,
              command: list[str] | None = None, args: list[str] | None = None,
              probe_path: str | None = None, cpu: str = "50m", memory: str = "64Mi",
              mounts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A container spec. `secret` with `secret_keys` makes env vars from a Secret (secretKeyRef),
    `secret` alone an envFrom secretRef: either way kubelet needs the Secret to start it."""
    c: dict[str, Any] = {"name": name, "image": image, "imagePullPolicy": pull}
    if command:
        c["command"] = command
    if args:
        c["args"] = args
    envs: list[dict[str, Any]] = [{"name": k, "value": v} for k, v in (env or {}).items()]
    envs += [{"name": k, "valueFrom": {"secretKeyRef": {"name": secret, "key": k}}}
             for k in secret_keys]
    if envs:
        c["env"] = envs
    if secret and not secret_keys:
        c["envFrom"] = [{"secretRef": {"name": secret}}]
    if port:
        c["ports"] = [{"name": port_name, "containerPort": port, "protocol": "TCP"}]
    if probe_path and port:
        probe = {"httpGet": {"path": probe_path, "port": port_name, "scheme": "HTTP"},
                 "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1,
                 "failureThreshold": 3}
        c["livenessProbe"] = probe
        c["readinessProbe"] = dict(probe)
    c["resources"] = {"limits": {"memory": memory},
                      "requests": {"cpu": cpu, "memory": memory}}
    c["terminationMessagePath"] = "/dev/termination-log"
    c["terminationMessagePolicy"] = "File"
    c["volumeMounts"] = list(mounts or []) + [{
        "name": "kube-api-access", "readOnly": True,
        "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]
    return c


def running(since: float, restarts: int = 0, last: dict[str, Any] | None = None,
            ready: bool = True) -> dict[str, Any]:
    return {"state": "running", "since": since, "restarts": restarts, "last": last,
            "ready": ready}


def waiting(reason: str, message: str | None = None, restarts: int = 0,
            last: dict[str, Any] | None = None, pulled: bool = False) -> dict[str, Any]:
    """A waiting container. pulled=True when the image is on the node (CreateContainerConfigError,
    CrashLoopBackOff): its status then carries the imageID."""
    return {"state": "waiting", "reason": reason, "message": message, "restarts": restarts,
            "last": last, "ready": False, "pulled": pulled or last is not None}


def terminated(started: float, finished: float, reason: str = "Completed",
               exit_code: int = 0) -> dict[str, Any]:
    return {"state": "terminated", "reason": reason, "exit_code": exit_code, "since": started,
            "finished": finished, "restarts": 0, "last": None, "ready": False}


def last_terminated(started: float, finished: float, reason: str = "Error",
                    exit_code: int = 1) -> dict[str, Any]:
    return {"reason": reason, "exit_code": exit_code, "since": started, "finished": finished}


_STATUS_KEYS = ("name", "image", "imageID", "containerID", "lastState", "ready", "restartCount",
                "started", "state")
_TERMINATED_KEYS = ("exitCode", "reason", "startedAt", "finishedAt", "containerID")


def _terminated_state(b: Builder, s: dict[str, Any], cid: str) -> dict[str, Any]:
    t = terminated_state(s["exit_code"], s["reason"], b.ts(s["since"]), b.ts(s["finished"]), cid)
    return {"terminated": reorder(t["terminated"], _TERMINATED_KEYS)}


def _container_status(b: Builder, pod: str, c: dict[str, Any],
                      s: dict[str, Any]) -> dict[str, Any]:
    name, restarts = c["name"], s["restarts"]
    cid = f"docker://{b.hexid(f'{pod}/{name}/{restarts}')}"
    if s["state"] == "running":
        state: dict[str, Any] = {"running": {"startedAt": b.ts(s["since"])}}
    elif s["state"] == "terminated":
        state = _terminated_state(b, s, cid)
    else:
        state = waiting_state(s["reason"], s["message"])
    last: dict[str, Any] = {}
    if s["last"]:
        last = _terminated_state(b, s["last"], f"docker://{b.hexid(f'{pod}/{name}/{restarts - 1}')}")
    if s["state"] == "waiting":  # the container of the last run, if there was one
        cid = last["terminated"]["containerID"] if last else None
    pulled = s["state"] != "waiting" or s.get("pulled")
    return reorder(container_status(name, c["image"], state=state, ready=s["ready"],
                                    restarts=restarts, started=s["state"] == "running",
                                    image_id_=image_id(c["image"]) if pulled else "",
                                    container_id=cid, last=last), _STATUS_KEYS)



def _without_api_access(c: dict[str, Any]) -> dict[str, Any]:
    mounts = [m for m in c.get("volumeMounts", []) if m["name"] != "kube-api-access"]
    out = {k: v for k, v in c.items() if k != "volumeMounts"}
    return {**out, "volumeMounts": mounts} if mounts else out

# the built-in priority classes' values: the API server checks a pod's priority against its class
_PRIORITY = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}


def pod(b: Builder, namespace: str, name: str, *, owner: dict[str, Any] | None,
        labels: dict[str, str], containers: list[dict[str, Any]],
        statuses: list[dict[str, Any]], created: float, init: list[dict[str, Any]] | None = None,
        init_statuses: list[dict[str, Any]] | None = None, restart_policy: str = "Always",
        annotations: dict[str, str] | None = None, service_account: str = "default",
        host_network: bool = False, priority_class: str | None = None,
        volumes: list[dict[str, Any]] | None = None, node: str | None = None) -> dict[str, Any]:
    """A scheduled pod with the status kubelet reports for the given container states."""
    node = node or b.node
    meta = b.meta("Pod", name, namespace, created, labels, annotations,
                  owner=b.owner_ref(owner) if owner else None)
    extra: dict[str, Any] = {"hostNetwork": True} if host_network else {}
    if priority_class:
        extra["priorityClassName"] = priority_class
    # a static pod's mirror carries no service account (the API server refuses one that does)
    mirror = "kubernetes.io/config.mirror" in (annotations or {})
    if mirror:
        containers = [_without_api_access(c) for c in containers]
    spec = pod_spec(containers, node=node, init=init, restart=restart_policy,
                    dns_policy="ClusterFirstWithHostNet" if host_network else "ClusterFirst",
                    priority=_PRIORITY.get(priority_class or "", 0), extra=extra,
                    service_account=None if mirror else service_account,
                    volumes=list(volumes or []) + ([] if mirror else [
                        api_access_volume("kube-api-access", short=True)]))
    init_statuses = init_statuses or []
    succeeded = all(s["state"] == "terminated" for s in statuses) and all(
        s["exit_code"] == 0 for s in statuses)
    ever_ran = any(s["state"] != "waiting" or s["last"] for s in statuses)
    phase = "Succeeded" if succeeded else "Running" if ever_ran else "Pending"
    t_sched, t_start = b.ts(created), b.ts(created - 2)
    uninitialized = [c["name"] for c, s in zip(init or [], init_statuses)
                     if not (s["state"] == "terminated" and s["exit_code"] == 0)]
    conditions = pod_conditions(scheduled=t_sched, started=t_start, initialized=t_start,
                                ready_since=t_start, ready=all(s["ready"] for s in statuses),
                                unready=[c["name"] for c, s in zip(containers, statuses)
                                         if not s["ready"]],
                                completed=succeeded,
                                uninitialized=[] if succeeded else uninitialized)
    host_ip = b.node_ips[node]
    status = pod_status(conditions, [_container_status(b, name, c, s)
                                     for c, s in zip(containers, statuses)],
                        host_ip=host_ip, phase=phase,
                        pod_ip=host_ip if host_network else b.pod_ip(f"{namespace}/{name}", node),
                        qos="Burstable", start=t_sched,
                        init_statuses=[_container_status(b, name, c, s)
                                       for c, s in zip(init, init_statuses)] if init else None)
    return b.add(pod_object(meta, spec, status))


# --- Helm releases and the workloads they own --------------------------------------------------

class Release:
    """A HelmRelease and what Helm labels its objects with. `namespace` holds the HelmRelease,
    `target` is where Helm installs (spec.targetNamespace), `repo` the HelmRepository."""

    def __init__(self, name: str, namespace: str, chart: str, version: str, app_version: str,
                 repo: str, target: str | None = None) -> None:
        self.name, self.namespace, self.chart = name, namespace, chart
        self.version, self.app_version, self.repo = version, app_version, repo
        self.target = target or namespace

    def labels(self, component: str | None = None) -> dict[str, str]:
        out = {"app.kubernetes.io/instance": self.name,
               "app.kubernetes.io/managed-by": "Helm",
               "app.kubernetes.io/name": component or self.chart,
               "app.kubernetes.io/version": self.app_version,
               "helm.sh/chart": f"{self.chart}-{self.version}",
               "helm.toolkit.fluxcd.io/name": self.name,
               "helm.toolkit.fluxcd.io/namespace": self.namespace}
        return out

    def selector(self, component: str | None = None) -> dict[str, str]:
        return {"app.kubernetes.io/instance": self.name,
                "app.kubernetes.io/name": component or self.chart}

    def annotations(self) -> dict[str, str]:
        return {"meta.helm.sh/release-name": self.name,
                "meta.helm.sh/release-namespace": self.target}


def _template(labels: dict[str, str], containers: list[dict[str, Any]],
              init: list[dict[str, Any]] | None, service_account: str,
              restart_policy: str = "Always") -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if init:
        spec["initContainers"] = [_strip_sa(c) for c in init]
    spec["containers"] = [_strip_sa(c) for c in containers]
    spec.update({"dnsPolicy": "ClusterFirst", "restartPolicy": restart_policy,
                 "schedulerName": "default-scheduler", "securityContext": {},
                 "serviceAccountName": service_account, "terminationGracePeriodSeconds": 30})
    return {"metadata": {"labels": labels}, "spec": spec}


def _strip_sa(c: dict[str, Any]) -> dict[str, Any]:
    """A template's container has no service-account mount: admission adds it to the pod."""
    c = dict(c)
    mounts = [m for m in c.get("volumeMounts", []) if m["name"] != "kube-api-access"]
    if mounts:
        c["volumeMounts"] = mounts
    else:
        c.pop("volumeMounts", None)
    return c


def workload(b: Builder, kind: str, namespace: str, name: str, *, release: Release | None,
             containers: list[dict[str, Any]], pods: list[dict[str, Any]], created: float,
             component: str | None = None, labels: dict[str, str] | None = None,
             selector: dict[str, str] | None = None, init: list[dict[str, Any]] | None = None,
             revision: int = 1, service_account: str | None = None,
             host_network: bool = False, priority_class: str | None = None,
             annotations: dict[str, str] | None = None
             ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A Deployment (with its ReplicaSet), StatefulSet or DaemonSet, and its pods.

    pods: one dict per pod: {"created": ago, "statuses": [...], "init_statuses": [...]}."""
    if release:
        top_labels = release.labels(component)
        sel = selector or release.selector(component)
        top_ann = release.annotations()
    else:
        top_labels = dict(labels or {})
        sel = selector or top_labels
        top_ann = {}
    top_ann.update(annotations or {})
    sa = service_account or (name if release else "default")
    tmpl_labels = dict(sel)
    apps = "apps/v1"
    obj = {"apiVersion": apps, "kind": kind,
           "metadata": b.meta(kind, name, namespace, created, top_labels,
                              {**({"deployment.kubernetes.io/revision": str(revision)}
                                  if kind == "Deployment" else {}), **top_ann},
                              generation=revision),
           "spec": {}}
    ready = sum(all(s["ready"] for s in p["statuses"]) for p in pods)
    n = len(pods)
    template = _template(tmpl_labels, containers, init, sa)
    if host_network:
        template["spec"]["hostNetwork"] = True
    if priority_class:
        template["spec"]["priorityClassName"] = priority_class
    owner = obj
    pod_extra: dict[str, str] = {}
    names: list[str] = []
    if kind == "Deployment":
        h = b.suffix(f"rs/{namespace}/{name}/{revision}", 10)
        obj["spec"] = {"progressDeadlineSeconds": 600, "replicas": n,
                       "revisionHistoryLimit": 10, "selector": {"matchLabels": sel},
                       "strategy": {"rollingUpdate": {"maxSurge": "25%",
                                                      "maxUnavailable": "25%"},
                                    "type": "RollingUpdate"},
                       "template": template}
        rs_name = f"{name}-{h}"
        rs_tmpl = _template({**tmpl_labels, "pod-template-hash": h}, containers, init, sa)
        rs_tmpl["spec"].update({k: v for k, v in template["spec"].items()
                                if k in ("hostNetwork", "priorityClassName")})
        rs = {"apiVersion": apps, "kind": "ReplicaSet",
              "metadata": b.meta("ReplicaSet", rs_name, namespace, created,
                                 {**tmpl_labels, "pod-template-hash": h},
                                 {"deployment.kubernetes.io/desired-replicas": str(n),
                                  "deployment.kubernetes.io/max-replicas": str(n + 1),
                                  "deployment.kubernetes.io/revision": str(revision),
                                  **top_ann},
                                 owner=b.owner_ref(obj), generation=1),
              "spec": {"replicas": n, "selector": {"matchLabels": {**sel,
                                                                    "pod-template-hash": h}},
                       "template": rs_tmpl},
              "status": {"availableReplicas": ready, "fullyLabeledReplicas": n,
                         "observedGeneration": 1, "readyReplicas": ready, "replicas": n}}
        if not ready:
            for k in ("availableReplicas", "readyReplicas"):
                rs["status"].pop(k)
        b.add(obj)
        b.add(rs)
        owner = rs
        pod_extra = {"pod-template-hash": h}
        names = [f"{rs_name}-{b.suffix(f'pod/{namespace}/{rs_name}/{i}')}" for i in range(n)]
        obj["status"] = _deployment_status(n, ready, rs_name, b.ts(created), revision)
    elif kind == "StatefulSet":
        rev = f"{name}-{b.suffix(f'sts/{namespace}/{name}', 10)}"
        obj["spec"] = {"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain",
                                                                "whenScaled": "Retain"},
                       "podManagementPolicy": "OrderedReady", "replicas": n,
                       "revisionHistoryLimit": 10, "selector": {"matchLabels": sel},
                       "serviceName": name, "template": template,
                       "updateStrategy": {"rollingUpdate": {"partition": 0},
                                          "type": "RollingUpdate"}}
        obj["status"] = {"availableReplicas": ready, "collisionCount": 0,
                         "currentReplicas": n, "currentRevision": rev,
                         "observedGeneration": revision, "readyReplicas": ready,
                         "replicas": n, "updateRevision": rev, "updatedReplicas": n}
        if not ready:
            obj["status"].pop("readyReplicas")
        b.add(obj)
        names = [f"{name}-{i}" for i in range(n)]
    elif kind == "DaemonSet":
        obj["spec"] = {"revisionHistoryLimit": 10, "selector": {"matchLabels": sel},
                       "template": template,
                       "updateStrategy": {"rollingUpdate": {"maxSurge": 0,
                                                            "maxUnavailable": 1},
                                          "type": "RollingUpdate"}}
        obj["status"] = {"currentNumberScheduled": n, "desiredNumberScheduled": n,
                         "numberAvailable": ready, "numberMisscheduled": 0,
                         "numberReady": ready, "observedGeneration": revision,
                         "updatedNumberScheduled": n}
        b.add(obj)
        rev = b.suffix(f"ds/{namespace}/{name}", 10)
        pod_extra = {"controller-revision-hash": rev, "pod-template-generation": str(revision)}
        names = [f"{name}-{b.suffix(f'pod/{namespace}/{name}/{i}')}" for i in range(n)]
    else:
        raise ValueError(kind)
    made = []
    for i, (pname, p) in enumerate(zip(names, pods)):
        extra = dict(pod_extra)
        if kind == "StatefulSet":
            extra = {"apps.kubernetes.io/pod-index": str(i), "controller-revision-hash": rev,
                     "statefulset.kubernetes.io/pod-name": pname}
        made.append(pod(b, namespace, pname, owner=owner, labels={**tmpl_labels, **extra},
                        containers=containers, statuses=p["statuses"], created=p["created"],
                        init=init, init_statuses=p.get("init_statuses"),
                        service_account=sa, host_network=host_network,
                        priority_class=priority_class, node=p.get("node")))
    return obj, made


def _deployment_status(n: int, ready: int, rs: str, t: str, revision: int) -> dict[str, Any]:
    ok = ready >= n
    conds = [{"lastTransitionTime": t, "lastUpdateTime": t,
              "message": "Deployment has minimum availability." if ok else
              "Deployment does not have minimum availability.",
              "reason": "MinimumReplicasAvailable" if ok else "MinimumReplicasUnavailable",
              "status": "True" if ok else "False", "type": "Available"},
             {"lastTransitionTime": t, "lastUpdateTime": t,
              "message": f'ReplicaSet "{rs}" has successfully progressed.' if ok else
              f'ReplicaSet "{rs}" has timed out progressing.',
              "reason": "NewReplicaSetAvailable" if ok else "ProgressDeadlineExceeded",
              "status": "True" if ok else "False", "type": "Progressing"}]
    st: dict[str, Any] = {"conditions": conds, "observedGeneration": revision, "replicas": n,
                          "updatedReplicas": n}
    if ready:
        st.update({"availableReplicas": ready, "readyReplicas": ready})
    if n - ready:
        st["unavailableReplicas"] = n - ready
    return st


def service(b: Builder, namespace: str, name: str, *, selector: dict[str, str],
            ports: list[tuple[str, int, int | str]], created: float,
            release: Release | None = None, labels: dict[str, str] | None = None,
            pods: list[dict[str, Any]] = (), type_: str = "ClusterIP",
            lb_ip: str | None = None) -> dict[str, Any]:
    """A Service and its Endpoints: ready pods as addresses, the others as notReadyAddresses."""
    lbls = release.labels() if release else dict(labels or {})
    ann = release.annotations() if release else None
    ip = b.cluster_ip(f"{namespace}/{name}")
    spec: dict[str, Any] = {"clusterIP": ip, "clusterIPs": [ip],
                            "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"],
                            "ipFamilyPolicy": "SingleStack",
                            "ports": [{"name": pn, "port": p, "protocol": "TCP",
                                       "targetPort": tp} for pn, p, tp in ports],
                            "selector": selector, "sessionAffinity": "None", "type": type_}
    if type_ == "LoadBalancer":
        spec["allocateLoadBalancerNodePorts"] = True
        spec["externalTrafficPolicy"] = "Cluster"
        for i, port in enumerate(spec["ports"]):
            port["nodePort"] = 30000 + int(b.hexid(f"np/{namespace}/{name}/{i}", 4), 16) % 2767
    svc = b.add({"apiVersion": "v1", "kind": "Service",
                 "metadata": b.meta("Service", name, namespace, created, lbls, ann),
                 "spec": spec,
                 "status": {"loadBalancer": {"ingress": [{"ip": lb_ip, "ipMode": "VIP"}]}
                            if lb_ip else {}}})
    ready, not_ready = [], []
    for p in pods:
        addr = {"ip": p["status"]["podIP"], "nodeName": p["spec"]["nodeName"],
                "targetRef": {"kind": "Pod", "name": p["metadata"]["name"],
                              "namespace": namespace, "uid": p["metadata"]["uid"]}}
        ok = any(c["type"] == "Ready" and c["status"] == "True"
                 for c in p["status"]["conditions"])
        (ready if ok else not_ready).append(addr)
    subset: dict[str, Any] = {}
    if ready:
        subset["addresses"] = ready
    if not_ready:
        subset["notReadyAddresses"] = not_ready
    ep: dict[str, Any] = {"apiVersion": "v1", "kind": "Endpoints",
                          "metadata": b.meta("Endpoints", name, namespace, created, lbls)}
    if subset:
        subset["ports"] = [{"name": pn, "port": tp if isinstance(tp, int) else p,
                            "protocol": "TCP"} for pn, p, tp in ports]
        ep["subsets"] = [subset]
    b.add(ep)
    return svc


def job(b: Builder, namespace: str, name: str, *, containers: list[dict[str, Any]],
        status: dict[str, Any], created: float, release: Release | None = None,
        hook: str | None = None, owner: dict[str, Any] | None = None,
        labels: dict[str, str] | None = None, backoff_limit: int = 6,
        init: list[dict[str, Any]] | None = None,
        init_status: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """A Job with one pod in the given container state; `hook` makes it a Helm hook
    (pre-install,pre-upgrade), which Helm creates without the release's ownership annotations."""
    uid = b.uid(f"Job/{namespace}/{name}")
    ctl = {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name,
           "controller-uid": uid, "job-name": name}
    top = dict(release.labels(name) if release else labels or {})
    ann: dict[str, str] = {}
    if hook:
        ann = {"helm.sh/hook": hook, "helm.sh/hook-delete-policy": "before-hook-creation",
               "helm.sh/hook-weight": "-5"}
    elif release:
        ann = release.annotations()
    meta = b.meta("Job", name, namespace, created, top, ann,
                  owner=b.owner_ref(owner) if owner else None, generation=1)
    tmpl_labels = {**ctl, **({k: v for k, v in top.items() if k.startswith("app.kubernetes")})}
    template = _template(tmpl_labels, containers, init, "default", "Never")
    obj = {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
           "spec": {"backoffLimit": backoff_limit, "completionMode": "NonIndexed",
                    "completions": 1, "manualSelector": False, "parallelism": 1,
                    "podReplacementPolicy": "TerminatingOrFailed",
                    "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}},
                    "suspend": False, "template": template}}
    b.add(obj)
    pname = f"{name}-{b.suffix(f'jobpod/{namespace}/{name}')}"
    p = pod(b, namespace, pname, owner=obj, labels=tmpl_labels, containers=containers,
            statuses=[status], created=created - 1, init=init,
            init_statuses=[init_status] if init_status else None, restart_policy="Never")
    start = b.ts(created - 1)
    if status["state"] == "terminated" and status["exit_code"] == 0:
        done = b.ts(status["finished"] - 1)
        obj["status"] = {"completionTime": done, "conditions": [
            {"lastProbeTime": done, "lastTransitionTime": done, "status": "True",
             "type": "SuccessCriteriaMet"},
            {"lastProbeTime": done, "lastTransitionTime": done, "status": "True",
             "type": "Complete"}],
            "ready": 0, "startTime": start, "succeeded": 1, "terminating": 0,
            "uncountedTerminatedPods": {}}
    else:
        obj["status"] = {"active": 1, "ready": 0, "startTime": start, "terminating": 0,
                         "uncountedTerminatedPods": {}}
    return obj, p


# --- Flux and cluster objects -------------------------------------------------------------------

FLUX_VERSION = "v2.4.0"


def helm_repository(b: Builder, name: str, url: str, created: float,
                    interval: str = "1h") -> dict[str, Any]:
    t = b.ts(600)
    digest = f"sha256:{b.hexid('index/' + name)}"
    return b.add({
        "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "HelmRepository",
        "metadata": b.meta("HelmRepository", name, "flux-system", created,
                           {"kustomize.toolkit.fluxcd.io/name": "infrastructure",
                            "kustomize.toolkit.fluxcd.io/namespace": "flux-system"},
                           generation=1),
        "spec": {"interval": interval, "provider": "generic", "timeout": "60s", "url": url},
        "status": {"artifact": {"digest": digest, "lastUpdateTime": t,
                                "path": f"helmrepository/flux-system/{name}/index-"
                                        f"{digest[7:]}.yaml",
                                "revision": digest, "size": 20000 + len(url) * 37,
                                "url": f"http://source-controller.flux-system.svc.cluster.local."
                                       f"/helmrepository/flux-system/{name}/index-"
                                       f"{digest[7:]}.yaml"},
                   "conditions": [_flux_cond(t, "True", "Succeeded",
                                             f"stored artifact: revision '{digest}'"),
                                  _flux_cond(t, "True", "Succeeded",
                                             f"stored artifact: revision '{digest}'",
                                             "ArtifactInStorage")],
                   "observedGeneration": 1,
                   "url": f"http://source-controller.flux-system.svc.cluster.local./"
                          f"helmrepository/flux-system/{name}/index.yaml"}})


def _flux_cond(t: str, status: str, reason: str, message: str, type_: str = "Ready",
               generation: int = 1) -> dict[str, Any]:
    return {"lastTransitionTime": t, "message": message, "observedGeneration": generation,
            "reason": reason, "status": status, "type": type_}


def helm_chart(b: Builder, rel: Release, created: float) -> dict[str, Any]:
    name = f"{rel.namespace}-{rel.name}"
    t = b.ts(1800)
    art = f"helmchart/flux-system/{name}/{rel.chart}-{rel.version}.tgz"
    msg = f"pulled '{rel.chart}' chart with version '{rel.version}'"
    return b.add({
        "apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "HelmChart",
        "metadata": b.meta("HelmChart", name, "flux-system", created, generation=1),
        "spec": {"chart": rel.chart, "interval": "10m", "reconcileStrategy": "ChartVersion",
                 "sourceRef": {"kind": "HelmRepository", "name": rel.repo},
                 "version": rel.version},
        "status": {"artifact": {"digest": f"sha256:{b.hexid('chart/' + name)}",
                                "lastUpdateTime": t, "path": art, "revision": rel.version,
                                "size": 4000 + len(name) * 101,
                                "url": f"http://source-controller.flux-system.svc.cluster."
                                       f"local./{art}"},
                   "conditions": [_flux_cond(t, "True", "ChartPullSucceeded", msg),
                                  _flux_cond(t, "True", "ChartPullSucceeded", msg,
                                             "ArtifactInStorage")],
                   "observedChartName": rel.chart, "observedGeneration": 1,
                   "observedSourceArtifactRevision": f"sha256:{b.hexid('index/' + rel.repo)}",
                   "url": f"http://source-controller.flux-system.svc.cluster.local./"
                          f"helmchart/flux-system/{name}/latest.tgz"}})


def helm_release(b: Builder, rel: Release, *, created: float, values: dict[str, Any],
                 ready: bool, message: str, reason: str, action: str = "upgrade",
                 revision: int = 1, attempted: float = 3600, failures: int = 0,
                 depends_on: list[str] | None = None, history_status: str = "deployed",
                 timeout: str | None = None, spec_version: str | None = None
                 ) -> dict[str, Any]:
    """A HelmRelease (v2) with helm-controller's conditions and a history like its own."""
    t = b.ts(attempted)
    spec: dict[str, Any] = {"chart": {"spec": {
        "chart": rel.chart, "reconcileStrategy": "ChartVersion",
        "sourceRef": {"kind": "HelmRepository", "name": rel.repo, "namespace": "flux-system"},
        "version": spec_version or rel.version}}}
    if depends_on:
        spec["dependsOn"] = [{"name": d.split("/")[1], "namespace": d.split("/")[0]}
                             for d in depends_on]
    spec.update({"install": {"remediation": {"retries": 3}}, "interval": "10m",
                 "releaseName": rel.name})
    if rel.target != rel.namespace:
        spec["targetNamespace"] = rel.target
        spec["install"]["createNamespace"] = True
    if timeout:
        spec["timeout"] = timeout
    spec["upgrade"] = {"remediation": {"retries": 3}}
    spec["values"] = values
    digest = f"sha256:{b.hexid('cfg/' + rel.namespace + rel.name)}"
    status: dict[str, Any] = {
        "conditions": [_flux_cond(t, "True" if ready else "False", reason, message),
                       _flux_cond(t, "True" if ready else "False", reason, message,
                                  "Released")],
        "helmChart": f"flux-system/{rel.namespace}-{rel.name}",
        "lastAttemptedConfigDigest": digest, "lastAttemptedGeneration": 1,
        "lastAttemptedReleaseAction": action, "lastAttemptedRevision": rel.version,
        "observedGeneration": 1, "storageNamespace": rel.target}
    if not depends_on or ready:
        first = b.ts(created - 30)
        snap = {"apiVersion": "helm.toolkit.fluxcd.io/v2", "appVersion": rel.app_version,
                "chartName": rel.chart, "chartVersion": rel.version, "configDigest": digest,
                "digest": f"sha256:{b.hexid('rel/' + rel.namespace + rel.name)}",
                "firstDeployed": first, "lastDeployed": t, "name": rel.name,
                "namespace": rel.target, "status": history_status, "version": revision}
        status["history"] = [snap]
        status["lastAttemptedRevisionDigest"] = snap["digest"]
    if failures:
        status["failures"] = failures
        status["upgradeFailures" if action == "upgrade" else "installFailures"] = failures
    if not ready and depends_on:
        for k in ("lastAttemptedConfigDigest", "lastAttemptedReleaseAction",
                  "lastAttemptedRevision", "storageNamespace"):
            status.pop(k)
        status["conditions"] = status["conditions"][:1]
    return b.add({"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
                  "metadata": b.meta("HelmRelease", rel.name, rel.namespace, created,
                                     {"kustomize.toolkit.fluxcd.io/name": "apps",
                                      "kustomize.toolkit.fluxcd.io/namespace": "flux-system"},
                                     generation=1, annotations=None),
                  "spec": spec, "status": status})


def namespace(b: Builder, name: str, created: float,
              labels: dict[str, str] | None = None) -> dict[str, Any]:
    return b.add(namespace_object(b.meta("Namespace", name, None, created,
                                         namespace_labels(name, labels))))


def node(b: Builder, created: float, labels: dict[str, str], kubelet: str, runtime: str,
         os_image: str, kernel: str, cpu: str, memory_ki: int, name: str | None = None,
         ip: str | None = None, pod_cidr: str = "10.244.0.0/24") -> dict[str, Any]:
    name, ip = name or b.node, ip or b.node_ip
    b.node_ips[name] = ip
    alloc = {"cpu": cpu, "ephemeral-storage": "478467528Ki", "hugepages-1Gi": "0",
             "hugepages-2Mi": "0", "memory": f"{memory_ki}Ki", "pods": "110"}
    return b.add(kube_node(
        b.meta("Node", name, None, created, node_labels(name, labels), DOCKERD_NODE_ANNOTATIONS),
        ip=ip, pod_cidr=pod_cidr, allocatable=alloc,
        conditions=node_conditions(b.ts(25), b.ts(created - 20)), boot_id=b.uid("boot/" + name),
        runtime=runtime, kernel=kernel, kubelet=kubelet, machine_id=b.hexid("machine/" + name, 32),
        os_image=os_image, system_uuid=b.uid("system/" + name)))
