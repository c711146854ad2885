"""Builders for seed scenarios: objects as `kubectl get -o yaml` shows them on a real cluster.

Used by make_homelab_drift.py, make_staging.py and make_dapr_local.py. Everything derived from
a name (uids, container ids, digests, event names) is a hash of that name, so regenerating a
scenario rewrites the same bytes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import scenario_kit as kit
from scenario_kit import (
    KUBECTL,
    Clock,
    api_access_volume,
    container_status,
    event_name,
    hexdigest,
    involved_object,
    namespace_labels,
    namespace_object,
    object_meta,
    owner_ref,
    pod_conditions,
    pod_object,
    pod_spec,
    pod_status,
    suffix,
    terminated_state,
    ts,
    uid,
    waiting_state,
    with_sa_mount,
)


def meta(name: str, namespace: str | None, created: datetime, *, labels: dict | None = None,
         annotations: dict | None = None, owner: dict | None = None, generation: int | None = None,
         rv: int = 1000) -> dict[str, Any]:
    return object_meta(name, namespace, ts(created), uid(namespace or "", name, ts(created)),
                       rv=str(rv), labels=labels, annotations=annotations,
                       owners=[owner] if owner else None, generation=generation)


def container(name: str, image: str, *, pull: str = "IfNotPresent", ports: list | None = None,
              env: list | None = None, args: list | None = None, command: list | None = None,
              resources: dict | None = None, probes: dict | None = None,
              security: dict | None = None, mounts: list | None = None) -> dict:
    c: dict[str, Any] = {}
    if args:
        c["args"] = args
    if command:
        c["command"] = command
    if env:
        c["env"] = env
    c["image"] = image
    c["imagePullPolicy"] = pull
    if probes and "livenessProbe" in probes:
        c["livenessProbe"] = probes["livenessProbe"]
    c["name"] = name
    if ports:
        c["ports"] = ports
    if probes and "readinessProbe" in probes:
        c["readinessProbe"] = probes["readinessProbe"]
    c["resources"] = resources or {}
    if security:
        c["securityContext"] = security
    if probes and "startupProbe" in probes:
        c["startupProbe"] = probes["startupProbe"]
    c["terminationMessagePath"] = "/dev/termination-log"
    c["terminationMessagePolicy"] = "File"
    if mounts:
        c["volumeMounts"] = mounts
    return c


def http_probe(path: str, port: int | str, *, initial: int = 0, **kw: int) -> dict:
    return kit.http_probe(path, port, initial=initial, **kw)


def pod_template(labels: dict, containers: list, *, annotations: dict | None = None,
                 sa: str = "default", security: dict | None = None, volumes: list | None = None,
                 init: list | None = None, extra: dict | None = None) -> dict:
    m: dict[str, Any] = {}
    if annotations:
        m["annotations"] = annotations
    m["creationTimestamp"] = None
    m["labels"] = labels
    spec: dict[str, Any] = {"containers": containers, "dnsPolicy": "ClusterFirst"}
    if init:
        spec["initContainers"] = init
    spec.update({"restartPolicy": "Always", "schedulerName": "default-scheduler",
                 "securityContext": security or {}})
    if sa != "default":
        spec["serviceAccount"] = sa
        spec["serviceAccountName"] = sa
    spec["terminationGracePeriodSeconds"] = 30
    if volumes:
        spec["volumes"] = volumes
    spec.update(extra or {})
    return {"metadata": m, "spec": spec}


def running(name: str, image: str, image_id: str, started: datetime, *, ready: bool = True,
            restarts: int = 0, last: dict | None = None, cid_seed: str = "") -> dict:
    return container_status(name, image, image_id_=image_id, ready=ready, restarts=restarts,
                            started=True, last=last, state={"running": {"startedAt": ts(started)}},
                            container_id=f"containerd://{hexdigest(name, cid_seed or ts(started))}")


def waiting(name: str, image: str, reason: str, message: str | None, *, image_id: str = "",
            restarts: int = 0, last: dict | None = None) -> dict:
    return container_status(name, image, image_id_=image_id, ready=False, restarts=restarts,
                            started=False, last=last, state=waiting_state(reason, message))


def terminated(exit_code: int, reason: str, started: datetime, finished: datetime, cid_seed: str,
               message: str | None = None) -> dict:
    return terminated_state(exit_code, reason, ts(started), ts(finished),
                            f"containerd://{hexdigest(cid_seed)}", message)


def pod(name: str, namespace: str, created: datetime, *, template: dict, owner: dict | None,
        node: str, host_ip: str, pod_ip: str | None, statuses: list, phase: str,
        scheduled: datetime | None = None, init_statuses: list | None = None,
        extra_labels: dict | None = None, qos: str = "BestEffort", rv: int = 1000,
        runtime: str = "containerd", ready_since: datetime | None = None) -> dict:
    """The pod a controller makes from this template, as kubelet reports it."""
    tmpl = template["spec"]
    volume = f"kube-api-access-{suffix(namespace, name)}"
    init = [with_sa_mount(c, volume) for c in tmpl.get("initContainers", [])]
    sa = tmpl.get("serviceAccountName", "default")
    spec = pod_spec([with_sa_mount(c, volume) for c in tmpl["containers"]], node=node, init=init,
                    volumes=list(tmpl.get("volumes", [])) + [api_access_volume(volume)],
                    dns_policy=tmpl["dnsPolicy"], security=tmpl["securityContext"],
                    service_account=sa, grace=tmpl["terminationGracePeriodSeconds"],
                    extra={k: tmpl[k] for k in ("affinity", "hostname", "subdomain") if k in tmpl})
    labels = dict(template["metadata"]["labels"])
    labels.update(extra_labels or {})
    m = meta(name, namespace, created, labels=labels,
             annotations=template["metadata"].get("annotations"), owner=owner, rv=rv)
    if runtime != "containerd":
        statuses = [_runtime(s, runtime) for s in statuses]
        init_statuses = [_runtime(s, runtime) for s in init_statuses or []] or None
    scheduled = scheduled or created
    since = ready_since or scheduled
    conds = pod_conditions(scheduled=ts(scheduled),
                           started=ts(since if phase == "Running" else scheduled),
                           initialized=ts(scheduled), ready_since=ts(since),
                           ready=all(s["ready"] for s in statuses),
                           unready=[s["name"] for s in statuses if not s["ready"]])
    status = pod_status(conds, sorted(statuses, key=lambda s: s["name"]), host_ip=host_ip,
                        phase=phase, pod_ip=pod_ip, qos=qos, start=ts(scheduled),
                        init_statuses=init_statuses)
    return pod_object(m, spec, status)


def _runtime(status: dict, runtime: str) -> dict:
    """Docker (cri-dockerd) writes docker:// container ids."""
    s = dict(status)
    if "containerID" in s:
        s["containerID"] = s["containerID"].replace("containerd://", f"{runtime}://")
    last = s.get("lastState", {}).get("terminated")
    if last:
        s["lastState"] = {"terminated": {**last, "containerID": last["containerID"].replace(
            "containerd://", f"{runtime}://")}}
    return s


def event(namespace: str, obj: dict, reason: str, message: str, *, type_: str = "Normal",
          count: int = 1, first: datetime, last: datetime | None = None,
          component: str = "kubelet", host: str | None = None, field_path: str | None = None,
          rv: int = 2000) -> dict:
    name = event_name(obj, first, int(hexdigest(reason, message, n=6), 16))
    return kit.event(involved_object(obj, field_path), reason, message,
                  meta=object_meta(name, namespace, ts(first), uid(namespace, name), rv=str(rv)),
                  first=ts(first), last=ts(last or first), count=count, type_=type_,
                  component=component, host=host)


def deployment(name: str, namespace: str, created: datetime, *, labels: dict, selector: dict,
               template: dict, replicas: int, revision: int, generation: int,
               status: dict, annotations: dict | None = None, history: int = 10,
               strategy: dict | None = None, rv: int = 1000) -> dict:
    ann = {"deployment.kubernetes.io/revision": str(revision), **(annotations or {})}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": meta(name, namespace, created, labels=labels, annotations=ann,
                             generation=generation, rv=rv),
            "spec": {"progressDeadlineSeconds": 600, "replicas": replicas,
                     "revisionHistoryLimit": history, "selector": {"matchLabels": selector},
                     "strategy": strategy or {"rollingUpdate": {"maxSurge": "25%",
                                                                "maxUnavailable": "25%"},
                                              "type": "RollingUpdate"},
                     "template": template},
            "status": {"observedGeneration": generation, **status}}


def replicaset(deploy: dict, pod_hash: str, created: datetime, *, template: dict, revision: int,
               replicas: int, ready: int, available: int | None = None,
               extra_annotations: dict | None = None, generation: int = 1,
               rv: int = 1000) -> dict:
    d = deploy["metadata"]
    labels = {**template["metadata"]["labels"], "pod-template-hash": pod_hash}
    tmpl = {"metadata": {**template["metadata"], "labels": labels}, "spec": template["spec"]}
    ann = {"deployment.kubernetes.io/desired-replicas": str(deploy["spec"]["replicas"]),
           "deployment.kubernetes.io/max-replicas": str(max_replicas(deploy)),
           "deployment.kubernetes.io/revision": str(revision), **(extra_annotations or {})}
    for key in ("meta.helm.sh/release-name", "meta.helm.sh/release-namespace"):
        if key in d.get("annotations", {}):
            ann[key] = d["annotations"][key]
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
          "metadata": meta(f"{d['name']}-{pod_hash}", d["namespace"], created, labels=labels,
                           annotations=dict(sorted(ann.items())), owner=owner_ref(deploy),
                           generation=generation, rv=rv),
          "spec": {"replicas": replicas,
                   "selector": {"matchLabels": {**deploy["spec"]["selector"]["matchLabels"],
                                                "pod-template-hash": pod_hash}},
                   "template": tmpl},
          "status": {"observedGeneration": generation, "replicas": replicas}}
    available = ready if available is None else available
    if replicas:
        rs["status"].update({"availableReplicas": available, "fullyLabeledReplicas": replicas,
                             "readyReplicas": ready})
        rs["status"] = {k: rs["status"][k] for k in sorted(rs["status"])}
        if not ready:
            rs["status"].pop("availableReplicas")
            rs["status"].pop("readyReplicas")
    return rs


def max_replicas(deploy: dict) -> int:
    surge = deploy["spec"]["strategy"].get("rollingUpdate", {}).get("maxSurge", 0)
    n = deploy["spec"]["replicas"]
    if isinstance(surge, str):
        pct = int(surge.rstrip("%"))
        surge = -(-n * pct // 100)  # ceil, as the deployment controller rounds surge up
    return n + surge


def service(name: str, namespace: str, created: datetime, *, labels: dict, selector: dict,
            ports: list, cluster_ip: str, type_: str = "ClusterIP",
            annotations: dict | None = None, headless: bool = False) -> dict:
    spec: dict[str, Any] = {"clusterIP": "None" if headless else cluster_ip,
                            "clusterIPs": ["None" if headless else cluster_ip]}
    if type_ == "NodePort":
        spec["externalTrafficPolicy"] = "Cluster"
    spec.update({"internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"],
                 "ipFamilyPolicy": "SingleStack", "ports": ports})
    if headless:
        spec["publishNotReadyAddresses"] = True
    spec.update({"selector": selector, "sessionAffinity": "None", "type": type_})
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": meta(name, namespace, created, labels=labels, annotations=annotations),
            "spec": spec, "status": {"loadBalancer": {}}}


def namespace(name: str, created: datetime, labels: dict | None = None) -> dict:
    return namespace_object(meta(name, None, created, labels=namespace_labels(name, labels)))


def write_list(path: Path, items: list[dict]) -> None:
    kit.write_list(path, items, **KUBECTL)


def healthy_workload(clock: Clock, name: str, namespace: str, *, node: str, host_ip: str,
                     pod_ip: str, image: str, image_id: str, pod_hash: str, age: dict,
                     labels: dict | None = None, ports: list | None = None,
                     probes: dict | None = None, resources: dict | None = None,
                     annotations: dict | None = None, sa: str = "default",
                     qos: str = "BestEffort", revision: int = 1, restarts: int = 0,
                     extra_containers: list | None = None, runtime: str = "containerd",
                     ) -> list[dict]:
    """A Deployment, its ReplicaSet and one Running, Ready pod: the parts of a cluster that work."""
    labels = labels or {"app": name}
    created = clock.ago(**age)
    c = container(name, image, ports=ports, probes=probes, resources=resources)
    tmpl = pod_template(labels, [c] + (extra_containers or []), sa=sa)
    deploy = deployment(name, namespace, created, labels=labels, selector=labels, template=tmpl,
                        replicas=1, revision=revision, generation=revision,
                        annotations=annotations, status={
                            "availableReplicas": 1,
                            "conditions": [
                                {"lastTransitionTime": ts(created + timedelta(seconds=40)),
                                 "lastUpdateTime": ts(created + timedelta(seconds=40)),
                                 "message": "Deployment has minimum availability.",
                                 "reason": "MinimumReplicasAvailable", "status": "True",
                                 "type": "Available"},
                                {"lastTransitionTime": ts(created),
                                 "lastUpdateTime": ts(created + timedelta(seconds=40)),
                                 "message": f'ReplicaSet "{name}-{pod_hash}" has successfully '
                                            "progressed.",
                                 "reason": "NewReplicaSetAvailable", "status": "True",
                                 "type": "Progressing"}],
                            "readyReplicas": 1, "replicas": 1, "updatedReplicas": 1})
    rs = replicaset(deploy, pod_hash, created, template=tmpl, revision=revision, replicas=1,
                    ready=1)
    pod_name = f"{name}-{pod_hash}-{suffix(namespace, name, pod_hash)}"
    statuses = [running(name, image, image_id, created + timedelta(seconds=12),
                        restarts=restarts, cid_seed=pod_name)]
    for extra in extra_containers or []:
        statuses.append(running(extra["name"], extra["image"],
                                f"{extra['image'].split(':')[0]}@sha256:"
                                f"{hexdigest(extra['image'])}",
                                created + timedelta(seconds=12), cid_seed=pod_name + extra["name"]))
    p = pod(pod_name, namespace, created, template=rs["spec"]["template"], owner=owner_ref(rs),
            node=node, host_ip=host_ip, pod_ip=pod_ip, statuses=statuses, phase="Running",
            qos=qos, runtime=runtime, ready_since=created + timedelta(seconds=30))
    return [deploy, rs, p]


def image_id(image: str) -> str:
    return kit.image_id(image, pullable=False, qualify=True)


def template_hash(*parts: str) -> str:
    """A pod-template-hash: the decimal FNV-32 of the template, safe-encoded digit by digit."""
    return "".join("456789bcdf"[int(d)] for d in str(int(hexdigest(*parts, n=8), 16)))


def write_timeline(root: Path, script: str, description: str, recorded_at: str,
                   steps: list[dict]) -> None:
    kit.write_timeline(root, script, description, recorded_at, steps, literal=False)


def bump(ev: dict, at: float, every: float | None = None) -> dict:
    step: dict[str, Any] = {"at": at}
    if every:
        step["every"] = every
    step["bump_event"] = {"namespace": ev["metadata"]["namespace"], "name": ev["metadata"]["name"]}
    return step
