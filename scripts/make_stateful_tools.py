"""Write kubetriage/scenarios/stateful-tools/: a platform team's cluster where storage and
certificates are the roots (issue 13, /work/notes/13-incidents.md §6-§7, scenario S2).

A claim that names no StorageClass on a cluster without a default one, a StatefulSet claim that
names a class that does not exist, and a Certificate whose issuerRef names a ClusterIssuer without
its kind, so its Secret is never written and the pod and ingress that need it wait.
Run: .venv/bin/python scripts/make_stateful_tools.py
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from incident_kit import (
    DAY,
    bump,
    claim,
    cluster,
    container_creating,
    helm_chart,
    helm_release,
    helm_repository,
    storage_class,
    unschedulable,
    write,
)
from scenario_objects import Release, container, service, waiting, workload

SOURCES = """
Sources (verbatim lines; names, counts and pod suffixes substituted where marked):
- PVC jhub/hub-db-dir: kubernetes/website#26943 https://github.com/kubernetes/website/issues/26943
  (claim, labels, chart jupyterhub-0.10.6); its FailedBinding event (type Normal, x303) from
  kubernetes/kubernetes#67907 https://github.com/kubernetes/kubernetes/issues/67907; the pod's
  FailedScheduling in the scheduler's current wording from the ObrienlabsDev/pipeline README
  https://github.com/ObrienlabsDev/pipeline (node counts substituted).
- HelmRelease jhub/jhub and monitoring/prometheus "Helm install failed ... timeout waiting for:
  [...]": composed from helm-controller's format (internal/reconcile/install.go L137 and kstatus'
  wait, fluxcd/pkg ssa/manager_wait.go); no public issue ties a release timeout to a claim.
- PVC monitoring/prometheus-data-prometheus-0: kubernetes/kubernetes#81714
  https://github.com/kubernetes/kubernetes/issues/81714 (class "standard"); the ProvisioningFailed
  event shape (x39 over 71m) from ZP-AlwaysWin/K8S-FastDFS#6
  https://github.com/ZP-AlwaysWin/K8S-FastDFS/issues/6; the pod's "pod has unbound immediate
  PersistentVolumeClaims. not found" from a public kind lab file (notes §6.2).
- Certificate grafana/grafana-tls: cert-manager/cert-manager#3414
  https://github.com/cert-manager/cert-manager/issues/3414 (CertificateRequest message, verbatim),
  conditions and events from HoussemDellai/kubernetes-ingress-tls-ssl-https#1
  https://github.com/HoussemDellai/kubernetes-ingress-tls-ssl-https/issues/1 (names substituted);
  the pod's FailedMount lines from streamnative/charts#569
  https://github.com/streamnative/charts/issues/569 (secret and volume names substituted).
"""

RECORDED_AT = datetime(2026, 11, 18, 10, 40, tzinfo=UTC)
NODES = [("ip-10-0-1-21", "10.0.1.21"), ("ip-10-0-2-37", "10.0.2.37"),
         ("ip-10-0-3-52", "10.0.3.52")]
NO_CLASS = "no persistent volumes available for this claim and no storage class is set"
UNBOUND = ("0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. "
           "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
NOT_FOUND = 'Referenced "Issuer" not found: issuer.cert-manager.io "letsencrypt-prod" not found'
ISSUING = "Issuing certificate as Secret does not exist"


def _pvc_volume(pod: dict, volume: str, claim_name: str) -> None:
    pod["spec"]["volumes"].insert(0, {"name": volume,
                                      "persistentVolumeClaim": {"claimName": claim_name}})


def jupyterhub(b, steps):
    rel = Release("jhub", "jhub", "jupyterhub", "0.10.6", "1.2.2", "jupyterhub")
    helm_repository(b, "jupyterhub", "https://hub.jupyter.org/helm-chart/")
    helm_chart(b, "jhub-jhub", "flux-system", "jupyterhub", "0.10.6", "jupyterhub")
    helm_release(b, rel, ready=("False", "InstallFailed",
                                "Helm install failed for release jhub/jhub with chart "
                                "jupyterhub@0.10.6: timeout waiting for: [Deployment/jhub/hub "
                                "status: 'InProgress']"), failures=1, since=3600)
    labels = {"app": "jupyterhub", "chart": "jupyterhub-0.10.6", "component": "hub",
              "heritage": "Helm", "release": "jhub"}
    pvc = claim(b, "hub-db-dir", "jhub", storage_class=None, labels=labels,
                annotations={"meta.helm.sh/release-name": "jhub",
                             "meta.helm.sh/release-namespace": "jhub"}, created=3 * 3600)
    ev = b.event(pvc, "FailedBinding", NO_CLASS, count=303, first_ago=3 * 3600, last_ago=180,
                 component="persistentvolume-controller")
    steps.append(bump(b, ev, 15, 15))
    _, [hub] = workload(b, "Deployment", "jhub", "hub", release=rel, component="hub",
                        created=3 * 3600,
                        containers=[container("hub", "jupyterhub/k8s-hub:0.10.6", port=8081,
                                              memory="512Mi")],
                        pods=[{"created": 11 * 60, "statuses": [waiting("ContainerCreating")]}])
    _pvc_volume(hub, "pvc", "hub-db-dir")
    unschedulable(b, hub, UNBOUND)
    ev = b.event(hub, "FailedScheduling", UNBOUND, type_="Warning", count=11, first_ago=11 * 60,
                 last_ago=55, component="default-scheduler")
    steps.append(bump(b, ev, 25, 60))


def prometheus(b, steps):
    rel = Release("prometheus", "monitoring", "prometheus", "27.5.1", "v3.1.0",
                  "prometheus-community")
    helm_repository(b, "prometheus-community",
                    "https://prometheus-community.github.io/helm-charts")
    helm_chart(b, "monitoring-prometheus", "flux-system", "prometheus", "27.5.1",
               "prometheus-community")
    helm_release(b, rel, ready=("False", "InstallFailed",
                                "Helm install failed for release monitoring/prometheus with chart "
                                "prometheus@27.5.1: timeout waiting for: "
                                "[StatefulSet/monitoring/prometheus status: 'InProgress']"),
                 failures=2, since=45 * 60)
    pvc = claim(b, "prometheus-data-prometheus-0", "monitoring", storage_class="standard",
                size="8Gi", labels=rel.selector("prometheus"), created=71 * 60)
    ev = b.event(pvc, "ProvisioningFailed", 'storageclass.storage.k8s.io "standard" not found',
                 type_="Warning", count=39, first_ago=71 * 60, last_ago=11,
                 component="persistentvolume-controller")
    steps.append(bump(b, ev, 5, 110))
    _, [pod] = workload(b, "StatefulSet", "monitoring", "prometheus", release=rel,
                        component="prometheus", created=71 * 60,
                        containers=[container("prometheus", "quay.io/prometheus/prometheus:v3.1.0",
                                              port=9090, memory="2Gi")],
                        pods=[{"created": 71 * 60, "statuses": [waiting("ContainerCreating")]}])
    _pvc_volume(pod, "prometheus-data", "prometheus-data-prometheus-0")
    message = "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. not found"
    unschedulable(b, pod, message)
    b.event(pod, "FailedScheduling", message, type_="Warning", count=14, first_ago=71 * 60,
            last_ago=30, component="default-scheduler")


def _cm(b, kind, name, ns, spec, conditions, created, owner=None, annotations=None):
    meta = b.meta(kind, name, ns, created, annotations=annotations,
                  owner=b.owner_ref(owner) if owner else None, generation=1)
    return b.add({"apiVersion": "cert-manager.io/v1", "kind": kind, "metadata": meta,
                  "spec": spec, "status": {"conditions": conditions}})


def _cond(b, type_, status, reason, message, ago):
    return {"lastTransitionTime": b.ts(ago), "message": message, "observedGeneration": 1,
            "reason": reason, "status": status, "type": type_}


def _cr_cond(cond):
    """A CertificateRequest's conditions carry no observedGeneration (its CRD has none)."""
    return {k: v for k, v in cond.items() if k != "observedGeneration"}


def grafana(b, steps):
    ciss = _cm(b, "ClusterIssuer", "letsencrypt-prod", None,
               {"acme": {"email": "platform@example.org", "privateKeySecretRef": {
                   "name": "letsencrypt-prod-account-key"},
                   "server": "https://acme-v02.api.letsencrypt.org/directory",
                   "solvers": [{"http01": {"ingress": {"ingressClassName": "nginx"}}}]}},
               [_cond(b, "Ready", "True", "ACMEAccountRegistered",
                      "The ACME account was registered with the ACME server", 90 * DAY)], 90 * DAY)
    ciss["status"]["acme"] = {"uri": "https://acme-v02.api.letsencrypt.org/acme/acct/1234567"}
    cert = _cm(b, "Certificate", "grafana-tls", "grafana",
               {"dnsNames": ["grafana.example.org"], "issuerRef": {"name": "letsencrypt-prod"},
                "secretName": "grafana-tls"},
               [_cond(b, "Issuing", "True", "DoesNotExist", ISSUING, 40 * 60),
                _cond(b, "Ready", "False", "DoesNotExist", ISSUING, 40 * 60)], 40 * 60)
    cert["status"]["nextPrivateKeySecretName"] = "grafana-tls-r4pkk"
    b.event(cert, "Issuing", ISSUING, first_ago=40 * 60, component="cert-manager-certificates-trigger")
    b.event(cert, "Generated", 'Stored new private key in temporary Secret resource '
            '"grafana-tls-r4pkk"', first_ago=40 * 60, component="cert-manager-certificates-key-manager")
    b.event(cert, "Requested", 'Created new CertificateRequest resource "grafana-tls-1"',
            first_ago=40 * 60, component="cert-manager-certificates-request-manager")
    csr = base64.b64encode(b"-----BEGIN CERTIFICATE REQUEST-----\ndummy\n").decode()
    cr = _cm(b, "CertificateRequest", "grafana-tls-1", "grafana",
             {"issuerRef": {"name": "letsencrypt-prod"}, "request": csr,
              "usages": ["digital signature", "key encipherment"],
              "username": "system:serviceaccount:cert-manager:cert-manager"},
             [_cr_cond(_cond(b, "Approved", "True", "cert-manager.io",
                             "Certificate request has been approved by cert-manager.io", 40 * 60)),
              _cr_cond(_cond(b, "Ready", "False", "Pending", NOT_FOUND, 40 * 60))], 40 * 60,
             owner=cert,
             annotations={"cert-manager.io/certificate-name": "grafana-tls",
                          "cert-manager.io/certificate-revision": "1",
                          "cert-manager.io/private-key-secret-name": "grafana-tls-r4pkk"})
    b.event(cr, "IssuerNotFound", NOT_FOUND, first_ago=40 * 60, component="cert-manager-certificaterequests-issuer-acme")
    rel = Release("grafana", "grafana", "grafana", "8.8.2", "11.4.0", "grafana")
    helm_repository(b, "grafana", "https://grafana.github.io/helm-charts")
    helm_chart(b, "grafana-grafana", "flux-system", "grafana", "8.8.2", "grafana")
    helm_release(b, rel)
    _, [pod] = workload(b, "Deployment", "grafana", "grafana", release=rel, created=40 * 60,
                        containers=[container("grafana", "docker.io/grafana/grafana:11.4.0",
                                              port=3000, memory="256Mi",
                                              mounts=[{"name": "tls", "mountPath": "/etc/tls",
                                                       "readOnly": True}])],
                        pods=[{"created": 6 * 60, "statuses": [waiting("ContainerCreating")]}])
    pod["spec"]["volumes"].insert(0, {"name": "tls", "secret": {"defaultMode": 420,
                                                                "secretName": "grafana-tls"}})
    container_creating(pod)
    ev = b.event(pod, "FailedMount", 'MountVolume.SetUp failed for volume "tls" : secret '
                 '"grafana-tls" not found', type_="Warning", count=10, first_ago=341, last_ago=91)
    steps.append(bump(b, ev, 12, 30))
    b.event(pod, "FailedMount", "Unable to attach or mount volumes: unmounted volumes=[tls], "
            "unattached volumes=[kube-api-access tls]: timed out waiting for the condition",
            type_="Warning", count=2, first_ago=218, last_ago=81)
    b.add({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
           "metadata": b.meta("Ingress", "grafana", "grafana", 40 * 60, rel.labels(),
                              rel.annotations(), generation=1),
           "spec": {"ingressClassName": "nginx", "rules": [{"host": "grafana.example.org",
                    "http": {"paths": [{"backend": {"service": {"name": "grafana", "port": {
                        "number": 80}}}, "path": "/", "pathType": "Prefix"}]}}],
                    "tls": [{"hosts": ["grafana.example.org"], "secretName": "grafana-tls"}]},
           "status": {"loadBalancer": {"ingress": [{"ip": "10.0.1.200"}]}}})
    service(b, "grafana", "grafana", selector=rel.selector(), release=rel, created=40 * 60,
            ports=[("http", 80, 3000)], pods=[])
    # healthy noise: a Certificate that is up to date, and its Secret
    ok = _cm(b, "Certificate", "wiki-tls", "tools",
             {"dnsNames": ["wiki.example.org"], "issuerRef": {"kind": "ClusterIssuer",
                                                              "name": "letsencrypt-prod"},
              "secretName": "wiki-tls"},
             [_cond(b, "Ready", "True", "Ready", "Certificate is up to date and has not expired",
                    20 * DAY)], 60 * DAY)
    ok["status"].update({"notAfter": b.ts(-70 * DAY), "notBefore": b.ts(20 * DAY),
                         "renewalTime": b.ts(-40 * DAY), "revision": 3})
    b.add({"apiVersion": "v1", "kind": "Secret",
           "metadata": b.meta("Secret", "wiki-tls", "tools", 20 * DAY,
                              annotations={"cert-manager.io/certificate-name": "wiki-tls"}),
           "type": "kubernetes.io/tls",
           "data": {"tls.crt": base64.b64encode(b"dummy-certificate").decode(),
                    "tls.key": base64.b64encode(b"dummy-key").decode()}})


def build():
    b = cluster("stateful-tools", RECORDED_AT, NODES, ["jhub", "monitoring", "grafana", "tools"],
                kubelet="v1.33.3-eks-8eb9b0c")
    steps: list[dict] = []
    storage_class(b, "gp3", "ebs.csi.aws.com")
    jupyterhub(b, steps)
    prometheus(b, steps)
    grafana(b, steps)
    # healthy noise: a Bound claim, and one waiting (normally) for its first consumer
    claim(b, "wiki-data", "tools", storage_class="gp3", phase="Bound", created=20 * DAY)
    spare = claim(b, "scratch", "tools", storage_class="gp3", created=2 * 3600)
    b.event(spare, "WaitForFirstConsumer", "waiting for first consumer to be created before "
            "binding", count=480, first_ago=2 * 3600, last_ago=14,
            component="persistentvolume-controller")
    return b, steps


def main() -> None:
    b, steps = build()
    write(b, "stateful-tools", "make_stateful_tools.py",
          "issue 13 S2: platform cluster where storage and certificates are the roots (a claim "
          "with no StorageClass and no default, a claim naming a class that does not exist, a "
          "Certificate naming a ClusterIssuer without its kind) behind release timeouts, "
          "unschedulable pods and a pod waiting for its TLS Secret", SOURCES, steps)


if __name__ == "__main__":
    main()
