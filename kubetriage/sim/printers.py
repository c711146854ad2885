"""The API server's printers for built-in kinds (pkg/printers/internalversion/printers.go).

The server always prints wide; kubectl hides priority-1 columns unless `-o wide`. Objects are
read as stored, with the few defaults the API server would have filled in (replicas 1, type
ClusterIP, protocol TCP) assumed when a hand-written scenario leaves them out.

One module over the size the package keeps to, on purpose: it mirrors printers.go, one printer
(columns and cells) per kind in the same order, so a column is checked against Kubernetes' file
side by side and a new kind's printer goes beside the others; the kinds share the helpers above.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from kubetriage.core.durations import human_duration, parse_time
from kubetriage.core.podstatus import age as _age
from kubetriage.core.podstatus import condition_true as _condition_true
from kubetriage.core.podstatus import meta as _meta
from kubetriage.core.podstatus import pod_cells
from kubetriage.core.podstatus import since as _since
from kubetriage.core.types import Obj

Printer = tuple[list[Obj], Callable[[Obj, datetime], list]]

_NAME_DOC = (
    "Name must be unique within a namespace. Is required when creating resources, although some "
    "resources may allow a client to request the generation of a name automatically. Name is "
    "primarily intended for creation idempotence and configuration definition. Cannot be updated. "
    "More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)
_AGE_DOC = (
    "CreationTimestamp is a timestamp representing the server time when this object was created. "
    "It is not guaranteed to be set in happens-before order across separate operations. Clients "
    "may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the "
    "system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/"
    "sig-architecture/api-conventions.md#metadata"
)


def col(name: str, type_: str = "string", desc: str = "", priority: int = 0,
        fmt: str = "") -> Obj:
    """A column definition; every field is on the wire, as the server sends them."""
    return {"name": name, "type": type_, "format": fmt, "description": desc or name,
            "priority": priority}


NAME = col("Name", desc=_NAME_DOC, fmt="name")
AGE = col("Age", desc=_AGE_DOC)
_CONTAINERS = col("Containers", desc="Names of each container in the template.", priority=1)
_IMAGES = col("Images", desc="Images referenced by each container in the template.", priority=1)
_SELECTOR = col("Selector", desc="A label query over the objects this one manages.", priority=1)


# --- small formatting helpers, each named after the Kubernetes helper it matches ----------------

def _containers(template_spec: Obj) -> tuple[str, str]:
    containers = template_spec.get("containers") or []
    return (",".join(c.get("name", "") for c in containers),
            ",".join(c.get("image", "") for c in containers))


def _format_labels(labels: dict | None) -> str:
    """labels.FormatLabels: sorted k=v pairs, <none> when empty."""
    return ",".join(f"{k}={v}" for k, v in sorted((labels or {}).items())) or "<none>"


def _selector_string(selector: dict | None) -> str:
    """LabelSelectorAsSelector(...).String(): requirements sorted by key."""
    if not selector:
        return ""
    reqs = [(k, f"{k}={v}") for k, v in (selector.get("matchLabels") or {}).items()]
    for expr in selector.get("matchExpressions") or []:
        key, op = expr.get("key", ""), expr.get("operator")
        values = ",".join(sorted(expr.get("values") or []))
        text = {"In": f"{key} in ({values})", "NotIn": f"{key} notin ({values})",
                "Exists": key, "DoesNotExist": f"!{key}"}.get(op, "<error>")
        reqs.append((key, text))
    return ",".join(text for _, text in sorted(reqs, key=lambda r: r[0]))


def _format_label_selector(selector: dict | None) -> str:
    """metav1.FormatLabelSelector: like the selector string, <none> when it selects everything."""
    return _selector_string(selector) or "<none>"


def _quantity(value: Any) -> str:
    return "<nil>" if value is None else str(value)


def _join_host_port(host: str, port: Any) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


# --- built-in kinds -----------------------------------------------------------------------------

_POD_COLUMNS = [
    NAME,
    col("Ready", desc="The aggregate readiness state of this pod for accepting traffic."),
    col("Status", desc="The aggregate status of the containers in this pod."),
    col("Restarts", desc="The number of times the containers in this pod have been restarted "
        "and when the last container in this pod has restarted."),
    AGE,
    col("IP", desc="IP address allocated to the pod.", priority=1),
    col("Node", desc="NodeName is a request to schedule this pod onto a specific node.",
        priority=1),
    col("Nominated Node", desc="nominatedNodeName is set only when this pod preempts other pods "
        "on the node.", priority=1),
    col("Readiness Gates", desc="If specified, all readiness gates will be evaluated for pod "
        "readiness.", priority=1),
]


def _deployment_cells(d: Obj, now: datetime) -> list:
    spec, status = d.get("spec") or {}, d.get("status") or {}
    tpl = (spec.get("template") or {}).get("spec") or {}
    names, images = _containers(tpl)
    return [_meta(d).get("name", ""),
            f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
            status.get("updatedReplicas", 0), status.get("availableReplicas", 0), _age(d, now),
            names, images, _selector_string(spec.get("selector"))]


_DEPLOYMENT_COLUMNS = [
    NAME, col("Ready", desc="Number of the pod with ready state"),
    col("Up-to-date", desc="Total number of non-terminated pods targeted by this deployment "
        "that have the desired template spec."),
    col("Available", desc="Total number of available pods (ready for at least minReadySeconds) "
        "targeted by this deployment."),
    AGE, _CONTAINERS, _IMAGES, _SELECTOR,
]


def _replicaset_cells(rs: Obj, now: datetime) -> list:
    spec, status = rs.get("spec") or {}, rs.get("status") or {}
    names, images = _containers(((spec.get("template") or {}).get("spec")) or {})
    return [_meta(rs).get("name", ""), spec.get("replicas", 1), status.get("replicas", 0),
            status.get("readyReplicas", 0), _age(rs, now), names, images,
            _format_label_selector(spec.get("selector"))]


_REPLICASET_COLUMNS = [
    NAME, col("Desired", "integer", "Replicas is the number of desired replicas."),
    col("Current", "integer", "Replicas is the most recently observed number of replicas."),
    col("Ready", "integer", "The number of ready replicas for this replica set."),
    AGE, _CONTAINERS, _IMAGES, _SELECTOR,
]


def _statefulset_cells(sts: Obj, now: datetime) -> list:
    spec, status = sts.get("spec") or {}, sts.get("status") or {}
    names, images = _containers(((spec.get("template") or {}).get("spec")) or {})
    return [_meta(sts).get("name", ""),
            f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 1)}", _age(sts, now),
            names, images]


_STATEFULSET_COLUMNS = [NAME, col("Ready", desc="Number of the pod with ready state"), AGE,
                        _CONTAINERS, _IMAGES]


def _daemonset_cells(ds: Obj, now: datetime) -> list:
    spec, status = ds.get("spec") or {}, ds.get("status") or {}
    tpl = ((spec.get("template") or {}).get("spec")) or {}
    names, images = _containers(tpl)
    return [_meta(ds).get("name", ""), status.get("desiredNumberScheduled", 0),
            status.get("currentNumberScheduled", 0), status.get("numberReady", 0),
            status.get("updatedNumberScheduled", 0), status.get("numberAvailable", 0),
            _format_labels(tpl.get("nodeSelector")), _age(ds, now), names, images,
            _format_label_selector(spec.get("selector"))]


_DAEMONSET_COLUMNS = [
    NAME, col("Desired", "integer", "The total number of nodes that should be running the "
                "daemon pod."),
    col("Current", "integer", "The number of nodes that are running at least 1 daemon pod."),
    col("Ready", "integer", "The number of nodes that should be running the daemon pod and have "
        "one or more of the daemon pod running and ready."),
    col("Up-to-date", "integer", "The total number of nodes that are running updated daemon pod"),
    col("Available", "integer", "The number of nodes that should be running the daemon pod and "
        "have one or more of the daemon pod running and available."),
    col("Node Selector", desc="NodeSelector is a selector which must be true for the pod to fit "
        "on a node."),
    AGE, _CONTAINERS, _IMAGES, _SELECTOR,
]


def _job_cells(job: Obj, now: datetime) -> list:
    spec, status = job.get("spec") or {}, job.get("status") or {}
    succeeded = status.get("succeeded", 0)
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{spec['completions']}"
    elif (spec.get("parallelism") or 0) > 1:
        completions = f"{succeeded}/1 of {spec['parallelism']}"
    else:
        completions = f"{succeeded}/1"
    start, end = parse_time(status.get("startTime")), parse_time(status.get("completionTime"))
    duration = human_duration((end or now) - start) if start else ""
    conditions = status.get("conditions")
    if _condition_true(conditions, "Complete"):
        state = "Complete"
    elif _condition_true(conditions, "Failed"):
        state = "Failed"
    elif _meta(job).get("deletionTimestamp"):
        state = "Terminating"
    elif _condition_true(conditions, "Suspended"):
        state = "Suspended"
    elif _condition_true(conditions, "FailureTarget"):
        state = "FailureTarget"
    else:
        state = "Running"
    names, images = _containers(((spec.get("template") or {}).get("spec")) or {})
    return [_meta(job).get("name", ""), state, completions, duration, _age(job, now), names,
            images, _format_label_selector(spec.get("selector"))]


_JOB_COLUMNS = [
    NAME, col("Status", desc="Status of the job."),
    col("Completions", desc="The number of pods which reached phase Succeeded."),
    col("Duration", desc="Time required to complete the job."),
    AGE, _CONTAINERS, _IMAGES, _SELECTOR,
]


def _cronjob_cells(cj: Obj, now: datetime) -> list:
    spec, status = cj.get("spec") or {}, cj.get("status") or {}
    job_spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    names, images = _containers(((job_spec.get("template") or {}).get("spec")) or {})
    last = status.get("lastScheduleTime")
    return [_meta(cj).get("name", ""), spec.get("schedule", ""), spec.get("timeZone") or "<none>",
            "True" if spec.get("suspend") else "False", len(status.get("active") or []),
            _since(last, now) if last else "<none>", _age(cj, now), names, images,
            _format_label_selector(job_spec.get("selector"))]


_CRONJOB_COLUMNS = [
    NAME, col("Schedule", desc="The schedule in Cron format."),
    col("Timezone", desc="The time zone name for the given schedule."),
    col("Suspend", "boolean", "This flag tells the controller to suspend subsequent executions."),
    col("Active", "integer", "A list of pointers to currently running jobs."),
    col("Last Schedule", desc="Information when was the last time the job was successfully "
        "scheduled."),
    AGE, _CONTAINERS, _IMAGES, _SELECTOR,
]


def _load_balancer(status: Obj) -> str:
    ingress = (status.get("loadBalancer") or {}).get("ingress") or []
    return ",".join(sorted({i.get("ip") or i.get("hostname") for i in ingress
                            if i.get("ip") or i.get("hostname")}))


def _service_external_ip(svc: Obj) -> str:
    spec = svc.get("spec") or {}
    external = spec.get("externalIPs") or []
    kind = spec.get("type", "ClusterIP")
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) or "<none>"
    if kind == "LoadBalancer":
        lb = _load_balancer(svc.get("status") or {})
        if external:
            return ",".join((lb.split(",") if lb else []) + external)
        return lb or "<pending>"
    if kind == "ExternalName":
        return spec.get("externalName", "")
    return "<unknown>"


def _service_cells(svc: Obj, now: datetime) -> list:
    spec = svc.get("spec") or {}
    ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    ports = []
    for p in spec.get("ports") or []:
        proto = p.get("protocol", "TCP")
        node_port = p.get("nodePort", 0)
        ports.append(f"{p.get('port')}:{node_port}/{proto}" if node_port
                     else f"{p.get('port')}/{proto}")
    return [_meta(svc).get("name", ""), spec.get("type", "ClusterIP"),
            ips[0] if ips else "<none>", _service_external_ip(svc), ",".join(ports) or "<none>",
            _age(svc, now), _format_labels(spec.get("selector"))]


_SERVICE_COLUMNS = [
    NAME, col("Type", desc="type determines how the Service is exposed."),
    col("Cluster-IP", desc="clusterIP is the IP address of the service."),
    col("External-IP", desc="externalIPs is a list of IP addresses for which nodes in the "
        "cluster will also accept traffic for this service."),
    col("Port(s)", desc="The list of ports that are exposed by this service."),
    AGE,
    col("Selector", desc="Route service traffic to pods with label keys and values matching "
        "this selector.", priority=1),
]


def _endpoints_cells(ep: Obj, now: datetime) -> list:
    subsets = ep.get("subsets") or []
    shown: list[str] = []
    total = 0
    for ss in subsets:
        addresses = [a.get("ip", "") for a in ss.get("addresses") or []]
        ports = ss.get("ports") or []
        if not ports:  # a headless service may have no ports
            total += len(addresses)
            shown += addresses
            continue
        for port in ports:
            total += len(addresses)
            shown += [_join_host_port(a, port.get("port")) for a in addresses]
    text = ",".join(shown[:3]) + (f" + {total - 3} more..." if total > 3 else "")
    return [_meta(ep).get("name", ""), text if subsets else "<none>", _age(ep, now)]


_ENDPOINTS_COLUMNS = [NAME, col("Endpoints", desc="The set of all endpoints is the union of "
                                  "all subsets."), AGE]


def _event_cells(ev: Obj, now: datetime) -> list:
    first = (_since(ev["firstTimestamp"], now) if ev.get("firstTimestamp")
             else _since(ev.get("eventTime"), now))
    last = _since(ev["lastTimestamp"], now) if ev.get("lastTimestamp") else first
    count = ev.get("count") or 1  # singleton events of the new API have no count
    if ev.get("series"):
        last = _since(ev["series"].get("lastObservedTime"), now)
        count = ev["series"].get("count", 0)
    involved = ev.get("involvedObject") or {}
    kind = (involved.get("kind") or "").lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    source = ev.get("source") or {}
    component = source.get("component") or ev.get("reportingComponent") or ""
    instance = source.get("host") or ev.get("reportingInstance") or ""
    return [last, ev.get("type", ""), ev.get("reason", ""), target, involved.get("fieldPath", ""),
            f"{component}, {instance}" if instance else component,
            (ev.get("message") or "").strip(), first, count, _meta(ev).get("name", "")]


_EVENT_COLUMNS = [
    col("Last Seen", desc="The time at which the most recent occurrence of this event was "
        "recorded."),
    col("Type", desc="Type of this event (Normal, Warning), new types could be added in the "
        "future"),
    col("Reason", desc="This should be a short, machine understandable string that gives the "
        "reason for the transition into the object's current status."),
    col("Object", desc="The object that this event is about."),
    col("Subobject", desc="If referring to a piece of an object instead of an entire object, "
        "this string should contain a valid JSON/Go field access statement.", priority=1),
    col("Source", desc="The component reporting this event.", priority=1),
    col("Message", desc="A human-readable description of the status of this operation."),
    col("First Seen", desc="The time at which the event was first recorded.", priority=1),
    col("Count", desc="The number of times this event has occurred.", priority=1),
    col("Name", desc=_NAME_DOC, priority=1, fmt="name"),
]


def _node_cells(node: Obj, now: datetime) -> list:
    spec, status = node.get("spec") or {}, node.get("status") or {}
    ready = {c.get("type"): c for c in status.get("conditions") or []}.get("Ready")
    state = ["Unknown" if ready is None else
             "Ready" if ready.get("status") == "True" else "NotReady"]
    if spec.get("unschedulable"):
        state.append("SchedulingDisabled")
    roles = set()
    for key, value in (_meta(node).get("labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/") and key[len("node-role.kubernetes.io/"):]:
            roles.add(key[len("node-role.kubernetes.io/"):])
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    info = status.get("nodeInfo") or {}
    addresses = status.get("addresses") or []

    def address(kind: str) -> str:
        return next((a.get("address", "") for a in addresses if a.get("type") == kind), "<none>")

    return [_meta(node).get("name", ""), ",".join(state), ",".join(sorted(roles)) or "<none>",
            _age(node, now), info.get("kubeletVersion", ""), address("InternalIP"),
            address("ExternalIP"), info.get("osImage") or "<unknown>",
            info.get("kernelVersion") or "<unknown>",
            info.get("containerRuntimeVersion") or "<unknown>"]


_NODE_COLUMNS = [
    NAME, col("Status", desc="The status of the node"), col("Roles", desc="The roles of the node"),
    AGE, col("Version", desc="Kubelet Version reported by the node."),
    col("Internal-IP", desc="List of addresses reachable to the node.", priority=1),
    col("External-IP", desc="List of addresses reachable to the node.", priority=1),
    col("OS-Image", desc="OS Image reported by the node from /etc/os-release.", priority=1),
    col("Kernel-Version", desc="Kernel Version reported by the node from 'uname -r'.",
        priority=1),
    col("Container-Runtime", desc="ContainerRuntime Version reported by the node through "
        "runtime remote API.", priority=1),
]


def _namespace_cells(ns: Obj, now: datetime) -> list:
    return [_meta(ns).get("name", ""), (ns.get("status") or {}).get("phase", "Active"),
            _age(ns, now)]


def _configmap_cells(cm: Obj, now: datetime) -> list:
    return [_meta(cm).get("name", ""), len(cm.get("data") or {}) + len(cm.get("binaryData") or {}),
            _age(cm, now)]


def _secret_cells(secret: Obj, now: datetime) -> list:
    # The count of keys only: a value never reaches a cell.
    return [_meta(secret).get("name", ""), secret.get("type", "Opaque"),
            len(secret.get("data") or {}), _age(secret, now)]


def _serviceaccount_cells(sa: Obj, now: datetime) -> list:
    return [_meta(sa).get("name", ""), len(sa.get("secrets") or []), _age(sa, now)]


_ACCESS_MODES = (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
                 ("ReadWriteOncePod", "RWOP"))


def _pvc_cells(pvc: Obj, now: datetime) -> list:
    spec, status = pvc.get("spec") or {}, pvc.get("status") or {}
    phase = "Terminating" if _meta(pvc).get("deletionTimestamp") else status.get("phase", "")
    capacity = modes = ""
    if spec.get("volumeName"):
        capacity = str((status.get("capacity") or {}).get("storage", "0"))
        have = set(status.get("accessModes") or [])
        modes = ",".join(short for mode, short in _ACCESS_MODES if mode in have)
    storage_class = ((_meta(pvc).get("annotations") or {})
                     .get("volume.beta.kubernetes.io/storage-class")
                     or spec.get("storageClassName") or "")
    return [_meta(pvc).get("name", ""), phase, spec.get("volumeName", ""), capacity, modes,
            storage_class, spec.get("volumeAttributesClassName") or "<unset>", _age(pvc, now),
            spec.get("volumeMode") or "<unset>"]


_PVC_COLUMNS = [
    NAME, col("Status", desc="phase represents the current phase of PersistentVolumeClaim."),
    col("Volume", desc="volumeName is the binding reference to the PersistentVolume backing "
        "this claim."),
    col("Capacity", desc="capacity represents the actual resources of the underlying volume."),
    col("Access Modes", desc="accessModes contains the actual access modes the volume backing "
        "the PVC has."),
    col("StorageClass", desc="StorageClass of the pvc"),
    col("VolumeAttributesClass", desc="VolumeAttributesClass of the pvc"), AGE,
    col("VolumeMode", desc="volumeMode defines what type of volume is required by the claim.",
        priority=1),
]


def _hpa_metric(spec: Obj, status: Obj | None) -> str:
    """One entry of formatHPAMetrics: "cpu: 45%/80%", "<unknown>" before a first measurement."""
    kind = spec.get("type") or ""
    field = kind[:1].lower() + kind[1:]  # Resource -> resource, ContainerResource -> ...
    source = spec.get(field) or {}
    target = source.get("target") or {}
    current = ((status or {}).get(field) or {}).get("current")

    def measured(key: str, required: bool = False) -> str:
        if current is None or (required and current.get(key) is None):
            return "<unknown>"
        return _quantity(current.get(key))

    if kind in ("External", "Object"):
        if target.get("averageValue") is not None:
            return f"{measured('averageValue', True)}/{_quantity(target['averageValue'])} (avg)"
        return f"{measured('value')}/{_quantity(target.get('value'))}"
    if kind == "Pods":
        return f"{measured('averageValue')}/{_quantity(target.get('averageValue'))}"
    if kind in ("Resource", "ContainerResource"):
        name = source.get("name", "")
        if target.get("averageValue") is not None:
            return f"{name}: {measured('averageValue')}/{_quantity(target['averageValue'])}"
        used = measured("averageUtilization", True)
        goal = target.get("averageUtilization")
        return (f"{name}: {used}{'' if used == '<unknown>' else '%'}/"
                f"{'<auto>' if goal is None else f'{goal}%'}")
    return "<unknown type>"


def _hpa_cells(hpa: Obj, now: datetime) -> list:
    spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
    metrics = spec.get("metrics") or []
    statuses = status.get("currentMetrics") or []
    shown = []
    for i, metric in enumerate(metrics):
        shown.append(_hpa_metric(metric, statuses[i] if i < len(statuses) else None))
    targets = "<none>" if not metrics else ", ".join(shown[:2]) + (
        f" + {len(shown) - 2} more..." if len(shown) > 2 else "")
    ref = spec.get("scaleTargetRef") or {}
    min_pods = spec.get("minReplicas", 1)
    return [_meta(hpa).get("name", ""), f"{ref.get('kind', '')}/{ref.get('name', '')}", targets,
            "<unset>" if min_pods is None else str(min_pods), spec.get("maxReplicas", 0),
            status.get("currentReplicas", 0), _age(hpa, now)]


_HPA_COLUMNS = [
    NAME, col("Reference", desc="reference to scaled resource; horizontal pod autoscaler will "
                "learn the current resource consumption and will set the desired number of pods "
                "by using its Scale subresource."),
    col("Targets", desc="metrics contains the specifications for which to use to calculate the "
        "desired replica count."),
    col("MinPods", desc="minReplicas is the lower limit for the number of replicas to which the "
        "autoscaler can scale down."),
    col("MaxPods", desc="maxReplicas is the upper limit for the number of replicas to which the "
        "autoscaler can scale up."),
    col("Replicas", desc="currentReplicas is current number of replicas of pods managed by this "
        "autoscaler."),
    AGE,
]


def _networkpolicy_cells(np_: Obj, now: datetime) -> list:
    return [_meta(np_).get("name", ""),
            _format_label_selector((np_.get("spec") or {}).get("podSelector") or {}),
            _age(np_, now)]


def _ingress_cells(ing: Obj, now: datetime) -> list:
    spec = ing.get("spec") or {}
    rules = spec.get("rules") or []
    hosts: list[str] = []
    more = False
    for rule in rules:  # at most three hosts; rules without one are skipped
        more = more or len(hosts) == 3
        if not more and rule.get("host"):
            hosts.append(rule["host"])
    host_text = ",".join(hosts) or "*"
    if more:
        host_text += f" + {len(rules) - 3} more..."
    return [_meta(ing).get("name", ""), spec.get("ingressClassName") or "<none>", host_text,
            _load_balancer(ing.get("status") or {}), "80, 443" if spec.get("tls") else "80",
            _age(ing, now)]


_INGRESS_COLUMNS = [
    NAME, col("Class", desc="The name of the IngressClass resource that should be used for "
                "additional configuration"),
    col("Hosts", desc="Hosts that incoming requests are matched against before the ingress rule"),
    col("Address", desc="Address is a list containing ingress points for the load-balancer"),
    col("Ports", desc="Ports of TLS configurations that open"), AGE,
]

def _resourcequota_cells(quota: Obj, now: datetime) -> list:
    """printResourceQuota: `name: used/hard`, limits.* under LIMIT and the rest under REQUEST."""
    status = quota.get("status") or {}
    hard, used = status.get("hard") or {}, status.get("used") or {}
    requests, limits = [], []
    for resource in sorted(hard):
        text = f"{resource}: {_quantity(used.get(resource, '0'))}/{_quantity(hard[resource])}"
        (limits if resource.startswith("limits.") else requests).append(text)
    return [_meta(quota).get("name", ""), _age(quota, now), ", ".join(requests),
            ", ".join(limits)]


def _limitrange_cells(lr: Obj, now: datetime) -> list:
    return [_meta(lr).get("name", ""), _meta(lr).get("creationTimestamp", "")]


def _storageclass_cells(sc: Obj, now: datetime) -> list:
    meta = _meta(sc)
    annotations = meta.get("annotations") or {}
    default = "true" in (annotations.get("storageclass.kubernetes.io/is-default-class"),
                         annotations.get("storageclass.beta.kubernetes.io/is-default-class"))
    name = meta.get("name", "") + (" (default)" if default else "")
    return [name, sc.get("provisioner", ""), sc.get("reclaimPolicy") or "Delete",
            sc.get("volumeBindingMode") or "Immediate", bool(sc.get("allowVolumeExpansion")),
            _age(sc, now)]


_RESOURCEQUOTA_COLUMNS = [
    NAME, AGE, col("Request", desc="Request represents a minimum amount of cpu/memory that a "
                   "container may consume."),
    col("Limit", desc="Limits control the maximum amount of cpu/memory that a container may use "
        "independent of contention on the node."),
]
_STORAGECLASS_COLUMNS = [
    NAME, col("Provisioner", desc="Indicates the type of the provisioner."),
    col("ReclaimPolicy", desc="Indicates the type of the reclaim policy."),
    col("VolumeBindingMode", desc="Indicates when volume binding and dynamic provisioning "
        "should occur."),
    col("AllowVolumeExpansion", desc="Indicates whether the storage class allow volume expand"),
    AGE,
]

BUILTIN: dict[tuple[str, str], Printer] = {
    ("", "Pod"): (_POD_COLUMNS, pod_cells),
    ("apps", "Deployment"): (_DEPLOYMENT_COLUMNS, _deployment_cells),
    ("apps", "ReplicaSet"): (_REPLICASET_COLUMNS, _replicaset_cells),
    ("apps", "StatefulSet"): (_STATEFULSET_COLUMNS, _statefulset_cells),
    ("apps", "DaemonSet"): (_DAEMONSET_COLUMNS, _daemonset_cells),
    ("batch", "Job"): (_JOB_COLUMNS, _job_cells),
    ("batch", "CronJob"): (_CRONJOB_COLUMNS, _cronjob_cells),
    ("", "Service"): (_SERVICE_COLUMNS, _service_cells),
    ("", "Endpoints"): (_ENDPOINTS_COLUMNS, _endpoints_cells),
    ("", "Event"): (_EVENT_COLUMNS, _event_cells),
    ("", "Node"): (_NODE_COLUMNS, _node_cells),
    ("", "Namespace"): ([NAME, col("Status", desc="The status of the namespace"), AGE],
                        _namespace_cells),
    ("", "ConfigMap"): ([NAME, col("Data", desc="Data contains the configuration data."), AGE],
                        _configmap_cells),
    ("", "Secret"): ([NAME, col("Type", desc="Used to facilitate programmatic handling of "
                                "secret data."),
                      col("Data", desc="Data contains the secret data."), AGE], _secret_cells),
    ("", "ServiceAccount"): ([NAME, col("Secrets", desc="Secrets is a list of the secrets in "
                                        "the same namespace that pods running using this "
                                        "ServiceAccount are allowed to use."), AGE],
                             _serviceaccount_cells),
    ("", "PersistentVolumeClaim"): (_PVC_COLUMNS, _pvc_cells),
    ("", "ResourceQuota"): (_RESOURCEQUOTA_COLUMNS, _resourcequota_cells),
    ("", "LimitRange"): ([NAME, col("Created At", "date", desc=_AGE_DOC)], _limitrange_cells),
    ("storage.k8s.io", "StorageClass"): (_STORAGECLASS_COLUMNS, _storageclass_cells),
    ("autoscaling", "HorizontalPodAutoscaler"): (_HPA_COLUMNS, _hpa_cells),
    ("networking.k8s.io", "NetworkPolicy"): (
        [NAME, col("Pod-Selector", desc="Selects the pods to which this NetworkPolicy object "
                   "applies."), AGE], _networkpolicy_cells),
    ("networking.k8s.io", "Ingress"): (_INGRESS_COLUMNS, _ingress_cells),
}


