"""Builders for scripts/make_midwestmtg.py: objects shaped as `kubectl get -o yaml` shows them.

Deterministic (uids, hashes and suffixes derive from names), so re-running gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "kubetriage" / "scenarios" / "midwestmtg"
NOW = datetime(2025, 10, 18, 1, 30, tzinfo=timezone.utc)
T0 = NOW - timedelta(hours=26)  # the HelmReleases' creation: AGE 26h
NS = "midwestmtg"
NODE = "minikube"
NODE_IP = "192.168.49.2"
REGISTRY = "registry.flux-system.svc.cluster.local:5000"
FLUX_VERSION = "v2.6.4"
GIT_REVISION = "main@sha1:86d35e2c4b1f0a9e8d7c6b5a4f3e2d1c0b9a8f7e"  # the seed's last commit

Obj = dict[str, Any]


# -- small deterministic helpers ------------------------------------------------------------------

def _rng(*key: str) -> random.Random:
    return random.Random(hashlib.sha256("/".join(key).encode()).digest())


def uid(*key: str) -> str:
    return str(uuid.UUID(int=_rng("uid", *key).getrandbits(128), version=4))


def hexid(*key: str, n: int = 64) -> str:
    return hashlib.sha256("/".join(("hex",) + key).encode()).hexdigest()[:n]


def ts(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def go_time(t: datetime) -> str:
    """How helm's JSON writes a time (RFC 3339 with nanoseconds)."""
    nanos = _rng("ns", t.isoformat()).randrange(10**9)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + f".{nanos:09d}Z"


def at(**kw: float) -> datetime:
    """A moment before NOW."""
    return NOW - timedelta(**kw)


_RV = [184000]


def rv() -> str:
    _RV[0] += 37
    return str(_RV[0])


def meta(name: str, ns: str | None, created: datetime, *, labels: dict | None = None,
         annotations: dict | None = None, owner: Obj | None = None, generation: int | None = None,
         key: str | None = None) -> Obj:
    m: Obj = {}
    if annotations:
        m["annotations"] = annotations
    m["creationTimestamp"] = ts(created)
    if generation is not None:
        m["generation"] = generation
    if labels:
        m["labels"] = labels
    m["name"] = name
    if ns:
        m["namespace"] = ns
    if owner:
        m["ownerReferences"] = [owner_ref(owner)]
    m["resourceVersion"] = rv()
    m["uid"] = uid(key or name, ns or "")
    return m


def owner_ref(obj: Obj) -> Obj:
    return {"apiVersion": obj["apiVersion"], "blockOwnerDeletion": True, "controller": True,
            "kind": obj["kind"], "name": obj["metadata"]["name"], "uid": obj["metadata"]["uid"]}


def condition(type_: str, status: bool | str, reason: str, message: str, when: datetime,
              generation: int | None = None) -> Obj:
    c: Obj = {"lastTransitionTime": ts(when), "message": message}
    if generation is not None:
        c["observedGeneration"] = generation
    c.update({"reason": reason,
              "status": status if isinstance(status, str) else ("True" if status else "False"),
              "type": type_})
    return c


# -- labels the way Helm charts and Flux put them -------------------------------------------------

def chart_labels(release: str, chart: str, version: str, app_version: str, name: str) -> dict:
    return {"app.kubernetes.io/instance": release, "app.kubernetes.io/managed-by": "Helm",
            "app.kubernetes.io/name": name, "app.kubernetes.io/version": app_version,
            "helm.sh/chart": f"{chart}-{version}",
            "helm.toolkit.fluxcd.io/name": release, "helm.toolkit.fluxcd.io/namespace": NS}


def release_annotations(release: str) -> dict:
    return {"meta.helm.sh/release-name": release, "meta.helm.sh/release-namespace": NS}


def selector_labels(release: str, name: str) -> dict:
    return {"app.kubernetes.io/instance": release, "app.kubernetes.io/name": name}


# -- pods -----------------------------------------------------------------------------------------

def api_volume(pod_key: str) -> Obj:
    return {"name": f"kube-api-access-{_suffix('vol', pod_key)}", "projected": {
        "defaultMode": 420, "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}],
                           "name": "kube-root-ca.crt"}},
            {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1",
                                                     "fieldPath": "metadata.namespace"},
                                        "path": "namespace"}]}}]}}


def _suffix(*key: str, n: int = 5) -> str:
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    r = _rng("suffix", *key)
    return "".join(r.choice(alphabet) for _ in range(n))


def container(name: str, image: str, *, pull: str = "IfNotPresent", ports: list | None = None,
              command: list | None = None, env_from: list | None = None, env: list | None = None,
              probes: dict | None = None, resources: dict | None = None,
              mounts: list | None = None) -> Obj:
    c: Obj = {}
    if command:
        c["command"] = command
    if env:
        c["env"] = env
    if env_from:
        c["envFrom"] = [{"secretRef": {"name": s}} for s in env_from]
    c.update({"image": image, "imagePullPolicy": pull})
    if probes:
        c.update(probes)
    c["name"] = name
    if ports:
        c["ports"] = ports
    c["resources"] = resources or {}
    c["terminationMessagePath"] = "/dev/termination-log"
    c["terminationMessagePolicy"] = "File"
    if mounts:
        c["volumeMounts"] = mounts
    return c


def http_probe(path: str, port: str | int, period: int = 10) -> Obj:
    return {"failureThreshold": 3, "httpGet": {"path": path, "port": port, "scheme": "HTTP"},
            "periodSeconds": period, "successThreshold": 1, "timeoutSeconds": 1}


def pod_spec(containers: list[Obj], *, restart: str = "Always", sa: str = "default",
             volumes: list | None = None, security: dict | None = None,
             grace: int = 30) -> Obj:
    spec: Obj = {"containers": containers, "dnsPolicy": "ClusterFirst",
                 "restartPolicy": restart, "schedulerName": "default-scheduler",
                 "securityContext": security or {}, "serviceAccount": sa,
                 "serviceAccountName": sa, "terminationGracePeriodSeconds": grace}
    if volumes:
        spec["volumes"] = volumes
    return spec


def image_id(image: str, variant: str = "") -> str:
    repo = image.rsplit(":", 1)[0]
    return f"docker-pullable://{repo}@sha256:{hexid('image', image, variant)}"


def cstatus(c: Obj, *, state: Obj, ready: bool, restarts: int = 0, last: Obj | None = None,
            started: bool | None = None, pulled: bool = True, variant: str = "") -> Obj:
    s: Obj = {}
    if pulled:
        s["containerID"] = f"docker://{hexid('cid', c['name'], c['image'], str(restarts), variant)}"
    s["image"] = c["image"]
    s["imageID"] = image_id(c["image"], variant) if pulled else ""
    s["lastState"] = last or {}
    s["name"] = c["name"]
    s["ready"] = ready
    s["restartCount"] = restarts
    s["started"] = ready if started is None else started
    s["state"] = state
    return s


def pod(name: str, created: datetime, *, owner: Obj, labels: dict, containers: list[Obj],
        statuses: list[Obj], ip_last: int, phase: str = "Running", ready: bool = False,
        restart: str = "Always", annotations: dict | None = None, scheduled: datetime | None = None,
        finalizers: list | None = None, sa: str = "default", extra_volumes: list | None = None,
        security: dict | None = None, hostname: str | None = None, subdomain: str | None = None,
        ns: str = NS) -> Obj:
    vol = api_volume(name)
    for c in containers:
        c.setdefault("volumeMounts", []).append(
            {"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": vol["name"],
             "readOnly": True})
    spec = pod_spec(containers, restart=restart, sa=sa, volumes=(extra_volumes or []) + [vol],
                    security=security)
    spec.update({"enableServiceLinks": True, "nodeName": NODE,
                 "preemptionPolicy": "PreemptLowerPriority", "priority": 0,
                 "tolerations": [
                     {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready",
                      "operator": "Exists", "tolerationSeconds": 300},
                     {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable",
                      "operator": "Exists", "tolerationSeconds": 300}]})
    if hostname:
        spec["hostname"] = hostname
    if subdomain:
        spec["subdomain"] = subdomain
    spec = dict(sorted(spec.items()))
    m = meta(name, ns, created, labels=labels, annotations=annotations, owner=owner)
    if finalizers:
        m["finalizers"] = finalizers
    m = dict(sorted(m.items()))
    start = scheduled or created
    done = phase in ("Succeeded", "Failed")
    conds = [condition("PodReadyToStartContainers", not done, "", "", start + timedelta(seconds=2)),
             condition("Initialized", True, "", "", start),
             condition("Ready", ready, "" if ready else ("PodCompleted" if done else
                                                            "ContainersNotReady"), "", start),
             condition("ContainersReady", ready, "" if ready else ("PodCompleted" if done else
                                                                    "ContainersNotReady"), "",
                       start),
             condition("PodScheduled", True, "", "", start)]
    for c in conds:  # the kubelet leaves message/reason out when there is nothing to say
        c["lastProbeTime"] = None
        if not c["message"]:
            del c["message"]
        if not c["reason"]:
            del c["reason"]
        if c["type"] in ("Ready", "ContainersReady") and not ready and not done:
            names = ", ".join(s["name"] for s in statuses if not s["ready"])
            c["message"] = f"containers with unready status: [{names}]"
        c.pop("observedGeneration", None)
    ip = f"10.244.0.{ip_last}"
    status: Obj = {"conditions": conds, "containerStatuses": statuses,
                   "hostIP": NODE_IP, "hostIPs": [{"ip": NODE_IP}], "phase": phase}
    if not done:
        status.update({"podIP": ip, "podIPs": [{"ip": ip}]})
    status["qosClass"] = "Burstable" if any(c["resources"] for c in containers) else "BestEffort"
    status["startTime"] = ts(start)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": m, "spec": spec, "status": status}


def kubelet_event(obj: Obj, reason: str, message: str, *, first: datetime, last: datetime,
                  count: int = 1, type_: str = "Normal", field: str | None = None) -> Obj:
    return event(obj, reason, message, first=first, last=last, count=count, type_=type_,
                 component="kubelet", host=NODE, field=field)


def event(obj: Obj, reason: str, message: str, *, first: datetime, last: datetime,
          count: int = 1, type_: str = "Normal", component: str, host: str | None = None,
          field: str | None = None, instance: str | None = None,
          annotations: dict | None = None) -> Obj:
    m = obj["metadata"]
    involved: Obj = {"apiVersion": obj["apiVersion"]}
    if field:
        involved["fieldPath"] = field
    involved.update({"kind": obj["kind"], "name": m["name"], "namespace": m.get("namespace"),
                     "resourceVersion": m["resourceVersion"], "uid": m["uid"]})
    nanos = int(first.timestamp() * 1e9) + _rng("ev", m["name"], reason, message).randrange(10**9)
    name = f"{m['name']}.{nanos:x}"
    em = {"creationTimestamp": ts(first), "name": name, "namespace": m.get("namespace"),
          "resourceVersion": rv(), "uid": uid("event", name)}
    if annotations:
        em = {"annotations": annotations, **em}
    source: Obj = {"component": component}
    if host:
        source["host"] = host
    return {"apiVersion": "v1", "count": count, "firstTimestamp": ts(first),
            "involvedObject": involved, "kind": "Event", "lastTimestamp": ts(last),
            "message": message, "metadata": em, "reason": reason,
            "reportingComponent": component, "reportingInstance": instance or host or "",
            "source": source, "type": type_}


# -- workloads ------------------------------------------------------------------------------------

def deployment(name: str, created: datetime, *, labels: dict, annotations: dict,
               selector: dict, template: Obj, generation: int, status: Obj,
               revision: int) -> Obj:
    ann = {"deployment.kubernetes.io/revision": str(revision), **annotations}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": meta(name, NS, created, labels=labels, annotations=ann,
                             generation=generation),
            "spec": {"progressDeadlineSeconds": 600, "replicas": 1, "revisionHistoryLimit": 10,
                     "selector": {"matchLabels": selector},
                     "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
                                  "type": "RollingUpdate"},
                     "template": template},
            "status": status}


def replicaset(deploy: Obj, pod_hash: str, created: datetime, *, template: Obj, revision: int,
               replicas: int, ready: int, generation: int = 1) -> Obj:
    tmpl = json.loads(json.dumps(template))
    tmpl["metadata"]["labels"]["pod-template-hash"] = pod_hash
    labels = dict(tmpl["metadata"]["labels"])
    sel = dict(deploy["spec"]["selector"]["matchLabels"], **{"pod-template-hash": pod_hash})
    ann = {"deployment.kubernetes.io/desired-replicas": "1",
           "deployment.kubernetes.io/max-replicas": "2",
           "deployment.kubernetes.io/revision": str(revision),
           **{k: v for k, v in deploy["metadata"]["annotations"].items() if k.startswith("meta.")}}
    status: Obj = {"observedGeneration": generation, "replicas": replicas}
    if replicas:
        status["fullyLabeledReplicas"] = replicas
    if ready:
        status.update({"availableReplicas": ready, "readyReplicas": ready})
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": meta(f"{deploy['metadata']['name']}-{pod_hash}", NS, created,
                             labels=labels, annotations=ann, owner=deploy, generation=generation),
            "spec": {"replicas": replicas, "selector": {"matchLabels": sel}, "template": tmpl},
            "status": dict(sorted(status.items()))}


def service(name: str, created: datetime, *, labels: dict, annotations: dict | None,
            selector: dict, ports: list[Obj], cluster_ip: str | None, ns: str = NS,
            headless: bool = False) -> Obj:
    ip = "None" if headless else cluster_ip
    spec: Obj = {"clusterIP": ip, "clusterIPs": [ip], "internalTrafficPolicy": "Cluster",
                 "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack", "ports": ports}
    if headless:
        spec["publishNotReadyAddresses"] = True
    spec.update({"selector": selector, "sessionAffinity": "None", "type": "ClusterIP"})
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": meta(name, ns, created, labels=labels, annotations=annotations),
            "spec": spec, "status": {"loadBalancer": {}}}


def endpoints(svc: Obj, pods: list[Obj], ports: list[Obj]) -> Obj:
    def address(p: Obj) -> Obj:
        return {"ip": p["status"]["podIP"], "nodeName": NODE,
                "targetRef": {"kind": "Pod", "name": p["metadata"]["name"],
                              "namespace": p["metadata"]["namespace"],
                              "uid": p["metadata"]["uid"]}}
    ready = [address(p) for p in pods if p["status"]["conditions"][2]["status"] == "True"]
    not_ready = [address(p) for p in pods if p["status"]["conditions"][2]["status"] != "True"]
    subset: Obj = {}
    if ready:
        subset["addresses"] = ready
    if not_ready:
        subset["notReadyAddresses"] = not_ready
    subset["ports"] = ports
    m = meta(svc["metadata"]["name"], svc["metadata"]["namespace"],
             datetime.fromisoformat(svc["metadata"]["creationTimestamp"].replace("Z", "+00:00")),
             labels=svc["metadata"].get("labels"), key="endpoints-" + svc["metadata"]["name"])
    m["annotations"] = {"endpoints.kubernetes.io/last-change-trigger-time": ts(at(minutes=1))}
    return {"apiVersion": "v1", "kind": "Endpoints", "metadata": dict(sorted(m.items())),
            "subsets": [subset] if pods else []}


# -- Helm releases --------------------------------------------------------------------------------

def helm_release(name: str, version: int, *, chart: str, chart_version: str, app_version: str,
                 status: str, description: str, first: datetime, last: datetime, values: Obj,
                 manifest: str, hooks: list[Obj] | None = None,
                 description_text: str = "") -> Obj:
    return {
        "name": name,
        "info": {"first_deployed": go_time(first), "last_deployed": go_time(last),
                 "deleted": "", "description": description, "status": status,
                 **({"notes": description_text} if description_text else {})},
        "chart": {"metadata": {"name": chart, "version": chart_version,
                               "description": f"A Helm chart for {chart}",
                               "apiVersion": "v2", "appVersion": app_version,
                               "type": "application"},
                  "lock": None, "templates": [], "values": {}, "schema": None, "files": []},
        "config": values,
        "manifest": manifest,
        **({"hooks": hooks} if hooks else {}),
        "version": version,
        "namespace": NS,
    }


def hook(name: str, manifest: str, started: datetime, completed: datetime, phase: str) -> Obj:
    return {"name": name, "kind": "Job", "path": "midwestmtg-backend/templates/migration-job.yaml",
            "manifest": manifest, "events": ["pre-install", "pre-upgrade"],
            "last_run": {"started_at": go_time(started), "completed_at": go_time(completed),
                         "phase": phase},
            "weight": -5, "delete_policies": ["before-hook-creation"]}


def snapshot(rel: Obj, digest_key: str) -> Obj:
    """One entry of a HelmRelease's status.history, as helm-controller records it."""
    meta_ = rel["chart"]["metadata"]
    return {"appVersion": meta_["appVersion"], "chartName": meta_["name"],
            "chartVersion": meta_["version"],
            "configDigest": f"sha256:{hexid('config', rel['name'], digest_key)}",
            "digest": f"sha256:{hexid('release', rel['name'], str(rel['version']))}",
            "firstDeployed": rel["info"]["first_deployed"][:19] + "Z",
            "lastDeployed": rel["info"]["last_deployed"][:19] + "Z",
            "name": rel["name"], "namespace": NS, "status": rel["info"]["status"],
            "version": rel["version"]}


# -- output ---------------------------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, s: str) -> yaml.Node:
    style = "|" if "\n" in s and "\t" not in s else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style=style)


_Dumper.add_representer(str, _str)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, width=100, allow_unicode=True)


def write_list(name: str, items: list[Obj], note: str) -> None:
    text = (f"# {note}\n# Generated by scripts/make_midwestmtg.py: edit the script, not this file.\n"
            + dump({"apiVersion": "v1", "items": items, "kind": "List",
                    "metadata": {"resourceVersion": ""}}))
    (OUT / name).write_text(text, encoding="utf-8")


def write_log(ns: str, pod_name: str, container_name: str, lines: list[str],
              previous: bool = False) -> None:
    d = OUT / "logs" / ns / pod_name
    d.mkdir(parents=True, exist_ok=True)
    suffix = ".previous.log" if previous else ".log"
    (d / f"{container_name}{suffix}").write_text("\n".join(lines) + "\n", encoding="utf-8")
