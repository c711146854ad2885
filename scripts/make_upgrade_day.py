"""Write kubetriage/scenarios/upgrade-day/: a platform team's upgrade afternoon, where what fails
is refused by the cluster rather than crashing (KT-101's Helm errors, KT-405, KT-504, KT-703).

- cert-manager's HelmRelease cannot install: its CRDs were applied by hand before and Helm will
  not adopt them.
- the ingress-nginx controller crash-loops, so its admission webhook answers nothing and the
  dashboard's HelmRelease cannot create its Ingress: one chain from the pod to the release.
- the shop's Ingress routes to a Service renamed in the last release.
- a tunnel operator's Deployment is refused by its namespace's Pod Security level.
- the namespace of an uninstalled gateway is stuck Terminating on its CRD's finalizer.
Run: .venv/bin/python scripts/make_upgrade_day.py
"""

from __future__ import annotations

from datetime import UTC, datetime

from incident_kit import (
    DAY,
    bump,
    cluster,
    deployment,
    helm_chart,
    helm_release,
    helm_repository,
    replica_failure,
    write,
)
from scenario_objects import (
    Release,
    container,
    last_terminated,
    running,
    service,
    waiting,
    workload,
)

SOURCES = """
Sources (verbatim lines; names, pod suffixes and times substituted where marked):
- cert-manager "Helm install failed ... CustomResourceDefinition "certificaterequests.cert-manager.io"
  in namespace "" exists and cannot be imported into the current release: invalid ownership
  metadata; ...": fluxcd/flux2-kustomize-helm-example#111
  https://github.com/fluxcd/flux2-kustomize-helm-example/issues/111
- The ingress-nginx controller in CrashLoopBackOff and its log line "F0616 11:00:03.190786 7
  main.go:67] port 80 is already in use. Please check the flag --http-port":
  kubernetes/ingress-nginx#7599 https://github.com/kubernetes/ingress-nginx/issues/7599 (the pod)
  and nginx/kubernetes-ingress#2761 https://github.com/nginx/kubernetes-ingress/issues/2761 (the
  line).
- "Internal error occurred: failed calling webhook "validate.nginx.ingress.kubernetes.io": failed to
  call webhook: Post "https://ingress-nginx-controller-admission.ingress-nginx.svc:443/...": dial
  tcp ...: connect: connection refused": kubernetes/minikube#13799
  https://github.com/kubernetes/minikube/issues/13799 (in helm-controller's sentence; the Service
  address substituted).
- The shop's Ingress to Service frontend-service while the Service is frontend:
  cert-manager/cert-manager#5752 https://github.com/cert-manager/cert-manager/issues/5752
- "Error creating: pods "cloudflare-operator-controller-manager-6c69d7595-fvqr5" is forbidden:
  violates PodSecurity "restricted:latest": ...": adyanth/cloudflare-operator#110
  https://github.com/adyanth/cloudflare-operator/issues/110
- Namespace kusk-system's conditions: kubeshop/kusk-gateway#599
  https://github.com/kubeshop/kusk-gateway/issues/599
"""

RECORDED_AT = datetime(2026, 10, 3, 16, 20, tzinfo=UTC)
NODES = [("talos-cp-1", "10.5.0.2"), ("talos-w-1", "10.5.0.3"), ("talos-w-2", "10.5.0.4")]
NOT_OWNED = (
    "Helm install failed for release cert-manager/cert-manager with chart cert-manager@v1.15.0: "
    'Unable to continue with install: CustomResourceDefinition "certificaterequests.cert-manager.io" '
    'in namespace "" exists and cannot be imported into the current release: invalid ownership '
    'metadata; label validation error: missing key "app.kubernetes.io/managed-by": must be set to '
    '"Helm"; annotation validation error: missing key "meta.helm.sh/release-name": must be set to '
    '"cert-manager"; annotation validation error: missing key "meta.helm.sh/release-namespace": '
    'must be set to "cert-manager"')
PORT_IN_USE = ("F0616 11:00:03.190786       7 main.go:67] port 80 is already in use. Please check "
               "the flag --http-port")
ADMISSION_IP = "10.96.181.48"
WEBHOOK = (
    "Helm install failed for release dashboard/dashboard with chart kubernetes-dashboard@7.5.0: "
    'Internal error occurred: failed calling webhook "validate.nginx.ingress.kubernetes.io": failed '
    'to call webhook: Post "https://ingress-nginx-controller-admission.ingress-nginx.svc:443/'
    f'networking/v1/ingresses?timeout=10s": dial tcp {ADMISSION_IP}:443: connect: connection '
    "refused")
PSA = ('Error creating: pods "cloudflare-operator-controller-manager-6c69d7595-fvqr5" is forbidden: '
       'violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container '
       '"kube-rbac-proxy" must set securityContext.allowPrivilegeEscalation=false), unrestricted '
       'capabilities (containers "kube-rbac-proxy", "manager" must set '
       'securityContext.capabilities.drop=["ALL"]), seccompProfile (pod or containers '
       '"kube-rbac-proxy", "manager" must set securityContext.seccompProfile.type to '
       '"RuntimeDefault" or "Localhost")')
KUSK_CONTENT = "Some resources are remaining: staticroutes.gateway.kusk.io has 1 resource instances"
KUSK_FINALIZERS = ("Some content in the namespace has finalizers remaining: "
                   "gateway.kusk.io/finalizer in 1 resource instances")


def cert_manager(b):
    helm_repository(b, "jetstack", "https://charts.jetstack.io")
    rel = Release("cert-manager", "cert-manager", "cert-manager", "v1.15.0", "v1.15.0", "jetstack")
    helm_chart(b, "cert-manager-cert-manager", "flux-system", "cert-manager", "v1.15.0",
               "jetstack")
    helm_release(b, rel, ready=("False", "InstallFailed", NOT_OWNED), failures=4, since=40 * 60,
                 installed=False)


def ingress_and_dashboard(b, steps):
    helm_repository(b, "ingress-nginx", "https://kubernetes.github.io/ingress-nginx")
    rel = Release("ingress-nginx", "ingress-nginx", "ingress-nginx", "4.11.2", "1.11.2",
                  "ingress-nginx")
    helm_chart(b, "ingress-nginx-ingress-nginx", "flux-system", "ingress-nginx", "4.11.2",
               "ingress-nginx")
    helm_release(b, rel, since=30 * DAY)
    name = "ingress-nginx-controller"
    status = waiting("CrashLoopBackOff", f"back-off 5m0s restarting failed container=controller "
                     f"pod={name}", restarts=10,
                     last=last_terminated(3 * 60 + 2, 3 * 60, "Error", 255))
    _, [pod] = workload(b, "Deployment", "ingress-nginx", name, release=rel,
                        component="controller",
                        containers=[container("controller",
                                              "registry.k8s.io/ingress-nginx/controller:v1.11.2",
                                              port=80, port_name="http")],
                        pods=[{"created": 28 * 60, "statuses": [status]}], created=30 * DAY)
    pod_name = pod["metadata"]["name"]
    b.log("ingress-nginx", pod_name, "controller", [
        "-------------------------------------------------------------------------------",
        "NGINX Ingress controller", "  Release:       v1.11.2",
        "-------------------------------------------------------------------------------", "",
        PORT_IN_USE])
    ev = b.event(pod, "BackOff", f"Back-off restarting failed container controller in pod "
                 f"{pod_name}_ingress-nginx({pod['metadata']['uid']})", type_="Warning",
                 count=40, first_ago=27 * 60, last_ago=30, field_path="spec.containers{controller}",
                 host=pod["spec"]["nodeName"])
    steps.append(bump(b, ev, 20, 60))
    admission = service(b, "ingress-nginx", "ingress-nginx-controller-admission",
                        selector=rel.selector("controller"), release=rel, created=30 * DAY,
                        ports=[("https-webhook", 443, "webhook")], pods=[pod])
    admission["spec"]["clusterIP"] = admission["spec"]["clusterIPs"][0] = ADMISSION_IP
    dash = Release("dashboard", "dashboard", "kubernetes-dashboard", "7.5.0", "7.5.0",
                   "kubernetes-dashboard")
    helm_repository(b, "kubernetes-dashboard", "https://kubernetes.github.io/dashboard")
    helm_chart(b, "dashboard-dashboard", "flux-system", "kubernetes-dashboard", "7.5.0",
               "kubernetes-dashboard")
    helm_release(b, dash, ready=("False", "InstallFailed", WEBHOOK), failures=2, since=25 * 60,
                 installed=False)


def shop(b):
    rel = Release("storefront", "shop", "storefront", "2.0.0", "2.0.0", "acme-charts")
    helm_repository(b, "acme-charts", "https://charts.acme.example")
    helm_chart(b, "shop-storefront", "flux-system", "storefront", "2.0.0", "acme-charts")
    helm_release(b, rel, since=2 * 3600)
    _, pods = workload(b, "Deployment", "shop", "frontend", release=rel, component="frontend",
                       containers=[container("frontend", "ghcr.io/acme/storefront:2.0.0",
                                             port=8080, port_name="http")],
                       pods=[{"created": 2 * 3600, "statuses": [running(2 * 3600 - 30)]}],
                       created=60 * DAY)
    service(b, "shop", "frontend", selector=rel.selector("frontend"), release=rel,
            created=2 * 3600, ports=[("http", 80, "http")], pods=pods)
    b.add({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
           "metadata": b.meta("Ingress", "storefront", "shop", 60 * DAY, rel.labels(),
                              rel.annotations()),
           "spec": {"ingressClassName": "nginx",
                    "rules": [{"host": "shop.acme.example", "http": {"paths": [
                        {"path": "/", "pathType": "Prefix", "backend": {"service": {
                            "name": "frontend-service", "port": {"number": 80}}}}]}}]},
           "status": {"loadBalancer": {}}})


def tunnel(b, steps):
    op = container("manager", "ghcr.io/adyanth/cloudflare-operator:0.10.3", port=8080)
    deploy, rs, _ = deployment(b, "cloudflare-operator-system",
                               "cloudflare-operator-controller-manager", "6c69d7595",
                               replicas=1, pods=[], labels={"control-plane": "controller-manager"},
                               containers=[op])
    replica_failure(b, deploy, PSA, 3 * 3600)
    ev = b.event(rs, "FailedCreate", PSA, type_="Warning", count=31, first_ago=3 * 3600,
                 last_ago=4 * 60, component="replicaset-controller")
    steps.append(bump(b, ev, 25, 120))
    ns = b.get("Namespace", None, "cloudflare-operator-system")
    ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] = "restricted"


def kusk(b):
    ns = b.get("Namespace", None, "kusk-system")
    ns["metadata"]["deletionTimestamp"] = b.ts(95 * 60)
    t = b.ts(95 * 60)
    ns["status"] = {"phase": "Terminating", "conditions": [
        {"type": t_, "status": s, "lastTransitionTime": t, "reason": r, "message": m}
        for t_, s, r, m in (
            ("NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered",
             "All resources successfully discovered"),
            ("NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions",
             "All legacy kube types successfully parsed"),
            ("NamespaceDeletionContentFailure", "False", "ContentDeleted",
             "All content successfully deleted, may be waiting on finalization"),
            ("NamespaceContentRemaining", "True", "SomeResourcesRemain", KUSK_CONTENT),
            ("NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain", KUSK_FINALIZERS))]}


def build():
    b = cluster("upgrade-day", RECORDED_AT, NODES,
                ["cert-manager", "ingress-nginx", "dashboard", "shop",
                 "cloudflare-operator-system", "kusk-system"], kubelet="v1.33.4")
    steps: list[dict] = []
    cert_manager(b)
    ingress_and_dashboard(b, steps)
    shop(b)
    tunnel(b, steps)
    kusk(b)
    return b, steps


def main() -> None:
    b, steps = build()
    write(b, "upgrade-day", "make_upgrade_day.py",
          "upgrade day: cert-manager's CRDs applied by hand block its release, a crash-looping "
          "ingress controller's webhook blocks the dashboard's release, an Ingress routes to a "
          "renamed Service, Pod Security refuses an operator's pods, a namespace is stuck "
          "Terminating on a finalizer", SOURCES, steps)


if __name__ == "__main__":
    main()
