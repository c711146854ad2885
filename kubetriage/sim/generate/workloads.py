"""A release's Deployment, ReplicaSet, Service and pods, full-size as kubelet and the controllers
write them: each pod decoded from its app's template bytes (a fast deep copy)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import orjson

from kubetriage.cluster.dump import LogKey
from kubetriage.sim.generate.base import App, Base


class Workloads(Base):
    def _labels(self, app: App) -> dict[str, str]:
        labels = {"app.kubernetes.io/name": app.kind, "app.kubernetes.io/instance": app.name,
                  "app.kubernetes.io/version": app.app_version,
                  "app.kubernetes.io/component": "server",
                  "app.kubernetes.io/part-of": app.namespace,
                  "app.kubernetes.io/managed-by": "Helm",
                  "helm.sh/chart": f"{app.kind}-{app.chart_version}"}
        if self.n_releases:
            labels["helm.toolkit.fluxcd.io/name"] = app.name
            labels["helm.toolkit.fluxcd.io/namespace"] = app.namespace
        return labels

    def _workload(self, app: App, created: str) -> None:
        ns, name = app.namespace, app.name
        labels = self._labels(app)
        selector = {"app.kubernetes.io/name": app.kind, "app.kubernetes.io/instance": name}
        helm_ann = {"meta.helm.sh/release-name": name, "meta.helm.sh/release-namespace": ns}
        template = {"metadata": {"labels": dict(labels),
                                 "annotations": {"checksum/config": self.hexid(64)}},
                    "spec": self._pod_spec(app)}
        rolled = self.ts(self.rng.uniform(3600, 3 * 86400))
        ready = 0 if app.failure else app.replicas
        deploy_status: dict[str, Any] = {
            "observedGeneration": app.revision, "replicas": app.replicas,
            "updatedReplicas": app.replicas, "readyReplicas": ready, "availableReplicas": ready,
            "conditions": [
                {"type": "Available", "status": "True" if ready == app.replicas else "False",
                 "reason": "MinimumReplicasAvailable" if ready == app.replicas
                 else "MinimumReplicasUnavailable",
                 "message": "Deployment has minimum availability." if ready == app.replicas
                 else "Deployment does not have minimum availability.",
                 "lastUpdateTime": rolled, "lastTransitionTime": rolled},
                {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                 "message": f'ReplicaSet "{name}-{app.hash}" has successfully progressed.',
                 "lastUpdateTime": rolled, "lastTransitionTime": created}]}
        if not ready:
            for k in ("readyReplicas", "availableReplicas"):
                del deploy_status[k]
            deploy_status["unavailableReplicas"] = app.replicas
        deploy = {"apiVersion": "apps/v1", "kind": "Deployment",
                  "metadata": {"name": name, "namespace": ns, "uid": app.uids["Deployment"],
                               "generation": app.revision, "creationTimestamp": created,
                               "labels": labels,
                               "annotations": {"deployment.kubernetes.io/revision":
                                               str(app.revision), **helm_ann}},
                  "spec": {"replicas": app.replicas, "revisionHistoryLimit": 10,
                           "progressDeadlineSeconds": 600,
                           "selector": {"matchLabels": selector},
                           "strategy": {"type": "RollingUpdate",
                                        "rollingUpdate": {"maxSurge": "25%",
                                                          "maxUnavailable": "25%"}},
                           "template": template},
                  "status": deploy_status}
        rs_labels = dict(template["metadata"]["labels"], **{"pod-template-hash": app.hash})
        rs_template = orjson.loads(orjson.dumps(template))
        rs_template["metadata"]["labels"] = dict(rs_labels)
        rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet",
              "metadata": {"name": f"{name}-{app.hash}", "namespace": ns,
                           "uid": app.uids["ReplicaSet"], "generation": 1,
                           "creationTimestamp": rolled, "labels": rs_labels,
                           "annotations": {"deployment.kubernetes.io/desired-replicas":
                                           str(app.replicas),
                                           "deployment.kubernetes.io/max-replicas":
                                           str(app.replicas + max(1, app.replicas // 4)),
                                           "deployment.kubernetes.io/revision": str(app.revision),
                                           **helm_ann},
                           "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                                                "name": name, "uid": app.uids["Deployment"],
                                                "controller": True, "blockOwnerDeletion": True}]},
              "spec": {"replicas": app.replicas,
                       "selector": {"matchLabels": {**selector, "pod-template-hash": app.hash}},
                       "template": rs_template},
              "status": {"replicas": app.replicas, "fullyLabeledReplicas": app.replicas,
                         "observedGeneration": 1,
                         **({"readyReplicas": ready, "availableReplicas": ready} if ready else {})}}
        self.objects += [deploy, rs]
        a, b = divmod(self.rng.randrange(4, 65000), 256)
        self.objects.append({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": ns, "uid": app.uids["Service"],
                         "creationTimestamp": created, "labels": labels, "annotations": helm_ann},
            "spec": {"type": "ClusterIP", "clusterIP": f"10.43.{a}.{b}",
                     "clusterIPs": [f"10.43.{a}.{b}"], "internalTrafficPolicy": "Cluster",
                     "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                     "ports": [{"name": "http", "port": app.port, "protocol": "TCP",
                                "targetPort": "http"}],
                     "selector": selector, "sessionAffinity": "None"},
            "status": {"loadBalancer": {}}})
        app.pod_labels, app.pod_annotations = rs_labels, template["metadata"]["annotations"]

    def _pod_spec(self, app: App) -> dict[str, Any]:
        port = {"name": "http", "containerPort": app.port, "protocol": "TCP"}
        container: dict[str, Any] = {
            "name": app.kind if app.failure != "crashloop" else "nginx", "image": app.image,
            "imagePullPolicy": "IfNotPresent", "ports": [port],
            "env": [{"name": "LOG_LEVEL", "value": "info"},
                    {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1",
                                                                    "fieldPath": "metadata.name"}}},
                    {"name": "POD_NAMESPACE",
                     "valueFrom": {"fieldRef": {"apiVersion": "v1",
                                                "fieldPath": "metadata.namespace"}}},
                    {"name": "OTEL_EXPORTER_OTLP_ENDPOINT",
                     "value": "http://otel-collector.observability.svc.cluster.local:4317"}],
            "resources": {"limits": {"cpu": "500m", "memory": "512Mi"},
                          "requests": {"cpu": "50m", "memory": "128Mi"}},
            "securityContext": {"allowPrivilegeEscalation": False,
                                "capabilities": {"drop": ["ALL"]}, "readOnlyRootFilesystem": True,
                                "runAsNonRoot": True, "runAsUser": 10001},
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
            "volumeMounts": [{"name": "config", "mountPath": "/etc/app", "readOnly": True},
                             {"name": "tmp", "mountPath": "/tmp"}]}
        if app.probe:
            probe = {"httpGet": {"path": app.probe, "port": "http", "scheme": "HTTP"},
                     "failureThreshold": 3, "periodSeconds": 10, "successThreshold": 1,
                     "timeoutSeconds": 1}
            container["livenessProbe"] = dict(probe, initialDelaySeconds=10)
            container["readinessProbe"] = dict(probe, initialDelaySeconds=5)
        else:
            probe = {"tcpSocket": {"port": "http"}, "failureThreshold": 5, "periodSeconds": 10,
                     "successThreshold": 1, "timeoutSeconds": 5}
            container["livenessProbe"] = dict(probe, initialDelaySeconds=20)
            container["readinessProbe"] = dict(probe, initialDelaySeconds=5)
        if app.failure == "secret":
            container["env"].append({"name": "DATABASE_PASSWORD", "valueFrom": {"secretKeyRef": {
                "name": f"{app.name}-db", "key": "password"}}})
        return {"containers": [container], "dnsPolicy": "ClusterFirst",
                "enableServiceLinks": True, "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "securityContext": {"fsGroup": 10001, "seccompProfile": {"type": "RuntimeDefault"}},
                "serviceAccountName": app.name, "terminationGracePeriodSeconds": 30,
                "volumes": [{"name": "config", "configMap": {"name": f"{app.name}-config",
                                                             "defaultMode": 420}},
                            {"name": "tmp", "emptyDir": {}}]}

    # -- pods

    def _pod_template(self, app: App) -> bytes:
        """Everything of the app's pods that does not vary per pod, as JSON bytes."""
        spec = self._pod_spec(app)
        spec["serviceAccount"] = app.name
        spec["priority"] = 0
        spec["preemptionPolicy"] = "PreemptLowerPriority"
        spec["tolerations"] = [{"key": f"node.kubernetes.io/{t}", "operator": "Exists",
                                "effect": "NoExecute", "tolerationSeconds": 300}
                               for t in ("not-ready", "unreachable")]
        cname = spec["containers"][0]["name"]
        fields = {"f:metadata": {"f:annotations": {".": {}, "f:checksum/config": {}},
                                 "f:generateName": {}, "f:labels": {".": {}, **{
                                     f"f:{k}": {} for k in app.pod_labels}},
                                 "f:ownerReferences": {
                                     ".": {}, f'k:{{"uid":"{app.uids["ReplicaSet"]}"}}': {}}},
                  "f:spec": {"f:containers": {f'k:{{"name":"{cname}"}}': {
                      ".": {}, "f:env": {}, "f:image": {}, "f:imagePullPolicy": {},
                      "f:livenessProbe": {}, "f:name": {}, "f:ports": {}, "f:readinessProbe": {},
                      "f:resources": {}, "f:securityContext": {}, "f:terminationMessagePath": {},
                      "f:terminationMessagePolicy": {}, "f:volumeMounts": {}}},
                      "f:dnsPolicy": {}, "f:enableServiceLinks": {}, "f:restartPolicy": {},
                      "f:schedulerName": {}, "f:securityContext": {}, "f:serviceAccount": {},
                      "f:serviceAccountName": {}, "f:terminationGracePeriodSeconds": {},
                      "f:volumes": {}}}
        status_fields = {"f:status": {"f:conditions": {
            f'k:{{"type":"{t}"}}': {".": {}, "f:lastProbeTime": {}, "f:lastTransitionTime": {},
                                    "f:status": {}, "f:type": {}}
            for t in ("ContainersReady", "Initialized", "PodReadyToStartContainers", "Ready")},
            "f:containerStatuses": {}, "f:hostIP": {}, "f:hostIPs": {}, "f:phase": {},
            "f:podIP": {}, "f:podIPs": {".": {}, 'k:{"ip":"IP"}': {".": {}, "f:ip": {}}},
            "f:startTime": {}}}
        template = {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"generateName": f"{app.name}-{app.hash}-", "namespace": app.namespace,
                         "labels": app.pod_labels,
                         "annotations": app.pod_annotations,
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                              "name": f"{app.name}-{app.hash}",
                                              "uid": app.uids["ReplicaSet"], "controller": True,
                                              "blockOwnerDeletion": True}],
                         "managedFields": [
                             {"manager": "k3s", "operation": "Update", "apiVersion": "v1",
                              "time": "", "fieldsType": "FieldsV1", "fieldsV1": fields},
                             {"manager": "k3s", "operation": "Update", "apiVersion": "v1",
                              "time": "", "fieldsType": "FieldsV1", "fieldsV1": status_fields,
                              "subresource": "status"}]},
            "spec": spec,
            "status": {"phase": "Running", "qosClass": "Burstable"}}
        return orjson.dumps(template)

    def _pods(self, app: App) -> list[tuple[dict[str, Any], App]]:
        if not app.replicas:
            return []
        # what the app's pods have in common is decoded once and shared by all of them (the
        # embedded server never changes a stored object in place): a 100k-pod cluster then
        # fits on this machine twice over; each pod has dicts of its own where it differs
        base = orjson.loads(self._pod_template(app))
        base_meta, base_spec = base["metadata"], base["spec"]
        base_container = base_spec["containers"][0]
        out = []
        node_for_x509 = self.nodes[len(self.nodes) // 2]
        for _ in range(app.replicas):
            name = f"{app.name}-{app.hash}-{self.suffix(5)}"
            uid = self.uid()
            ni = self.rng.randrange(len(self.nodes))
            node = node_for_x509 if app.failure == "x509" else self.nodes[ni]
            ni = self.nodes.index(node) if app.failure == "x509" else ni
            created = self.ts(self.rng.uniform(3600, 3 * 86400))
            meta = {**base_meta, "name": name, "uid": uid, "creationTimestamp": created,
                    "managedFields": [{**mf, "time": created}
                                      for mf in base_meta["managedFields"]]}
            volume = _api_access_volume(self.suffix(5))
            container = {**base_container, "volumeMounts": [
                *base_container["volumeMounts"],
                {"name": volume["name"], "readOnly": True,
                 "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]}
            pod = {**base, "metadata": meta, "status": dict(base["status"]),
                   "spec": {**base_spec, "nodeName": node, "containers": [container],
                            "volumes": [*base_spec["volumes"], volume]}}
            host_ip = f"10.0.{ni // 250}.{ni % 250 + 4}"
            pod_ip = f"10.42.{ni}.{self.rng.randrange(2, 254)}"
            self._pod_status(pod, app, created, host_ip, pod_ip)
            out.append((pod, app))
        return out

    def _pod_status(self, pod: dict[str, Any], app: App, created: str, host_ip: str,
                    pod_ip: str) -> None:
        container = pod["spec"]["containers"][0]
        ok = app.failure is None
        not_ready = {"reason": "ContainersNotReady",
                     "message": f"containers with unready status: [{container['name']}]"}
        conds = []
        for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady",
                  "PodScheduled"):
            c = {"type": t, "status": "True", "lastProbeTime": None, "lastTransitionTime": created}
            if not ok and t in ("Ready", "ContainersReady"):
                c.update(status="False", **not_ready)
            conds.append(c)
        cstatus: dict[str, Any] = {"name": container["name"], "image": container["image"],
                                   "imageID": "", "ready": ok, "restartCount": 0,
                                   "started": ok, "lastState": {}}
        started = created
        if ok or app.failure == "crashloop":
            cstatus["imageID"] = (f"{container['image'].rpartition(':')[0]}@sha256:"
                                  f"{self.hexid(64)}")
            cstatus["containerID"] = f"containerd://{self.hexid(64)}"
        if ok:
            cstatus["state"] = {"running": {"startedAt": started}}
            if self.rng.random() < 0.05:  # an old restart, long healed
                cstatus["restartCount"] = self.rng.randint(1, 3)
                cstatus["lastState"] = {"terminated": {
                    "exitCode": 137, "reason": "OOMKilled", "startedAt": created,
                    "finishedAt": created, "containerID": f"containerd://{self.hexid(64)}"}}
        elif app.failure == "crashloop":
            age = (self.now - datetime.fromisoformat(created.replace("Z", "+00:00"))
                   ).total_seconds()
            restarts = max(20, int(age / 300) - self.rng.randint(0, 5))  # back-off caps at 5 min
            cstatus["restartCount"] = restarts
            cstatus["state"] = {"waiting": {
                "reason": "CrashLoopBackOff",
                "message": f"back-off 5m0s restarting failed container={container['name']} "
                           f"pod={pod['metadata']['name']}_{app.namespace}"
                           f"({pod['metadata']['uid']})"}}
            cstatus["lastState"] = {"terminated": {
                "exitCode": 1, "reason": "Error", "startedAt": self.ts(95),
                "finishedAt": self.ts(94), "containerID": cstatus["containerID"]}}
            line = (f'[emerg] 1#1: host not found in upstream "{app.upstream}" in '
                    "/etc/nginx/conf.d/default.conf:14")
            self.logs[LogKey(app.namespace, pod["metadata"]["name"], container["name"], True)] = (
                "/docker-entrypoint.sh: Configuration complete; ready for start up\n"
                f"{(self.now - timedelta(seconds=94)).strftime('%Y/%m/%d %H:%M:%S')} {line}\n"
                f'nginx: [emerg] host not found in upstream "{app.upstream}" in '
                "/etc/nginx/conf.d/default.conf:14\n")
        else:
            reason, message = {
                "x509": ("ImagePullBackOff", f'Back-off pulling image "{container["image"]}"'),
                "manifest": ("ImagePullBackOff", f'Back-off pulling image "{container["image"]}"'),
                "secret": ("CreateContainerConfigError", f'secret "{app.name}-db" not found'),
            }[app.failure or ""]
            cstatus["state"] = {"waiting": {"reason": reason, "message": message}}
        pod["status"].update({
            "conditions": conds, "containerStatuses": [cstatus], "hostIP": host_ip,
            "hostIPs": [{"ip": host_ip}], "podIP": pod_ip, "podIPs": [{"ip": pod_ip}],
            "startTime": created})


def _api_access_volume(suffix: str) -> dict[str, Any]:
    return {"name": f"kube-api-access-{suffix}", "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {
            "apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}]}}
