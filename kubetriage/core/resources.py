"""The resource table: every kind kubetriage reads, serves and validates, in one place.

The embedded server builds discovery from it, the dump reader and the source resolve kinds with it.
Printer columns of the Flux, cert-manager and SealedSecret kinds are the CRDs'
additionalPrinterColumns (../shared/crds/; cert-manager's from cert-manager/cert-manager
deploy/crds/ at 2d0d7f7f, Bucket's from fluxcd/source-controller config/crd/bases/ at 39b711b1),
copied here because the installed package cannot read shared/.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")


@dataclass(frozen=True)
class Column:
    """One additionalPrinterColumn of a CRD: how `kubectl get` shows a custom resource."""

    name: str
    json_path: str
    type: str = "string"
    priority: int = 0


@dataclass(frozen=True)
class Resource:
    group: str  # "" for the core group
    version: str
    kind: str
    plural: str
    namespaced: bool = True
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ALL_VERBS
    subresources: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()  # CRD printer columns; built-in kinds have their own printers
    preferred: bool = True  # the group's preferred version (discovery) when several are served

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def group_version(self) -> str:
        return self.api_version

    def path(self, namespace: str | None = None, name: str | None = None) -> str:
        """The REST path of a collection or an object, as a client calls it."""
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if self.namespaced and namespace:
            base += f"/namespaces/{namespace}"
        base += f"/{self.plural}"
        return f"{base}/{name}" if name else base


_AGE = Column("Age", ".metadata.creationTimestamp", "date")
_READY = Column("Ready", '.status.conditions[?(@.type=="Ready")].status')
_STATUS = Column("Status", '.status.conditions[?(@.type=="Ready")].message')
_FLUX_APPLIERS = ("all", "fluxcd", "fluxcd-appliers")
_FLUX_SOURCES = ("all", "fluxcd", "fluxcd-sources")
_CERT_MANAGER = ("cert-manager",)
# cert-manager writes its filters with spaces: `[?(@.type == "Ready")]`
_CM_READY = Column("Ready", '.status.conditions[?(@.type == "Ready")].status')
_CM_STATUS = Column("Status", '.status.conditions[?(@.type == "Ready")].message', priority=1)


RESOURCES: tuple[Resource, ...] = (
    # core/v1
    Resource("", "v1", "Namespace", "namespaces", namespaced=False, short_names=("ns",),
             subresources=("status",)),
    Resource("", "v1", "Node", "nodes", namespaced=False, short_names=("no",),
             subresources=("status",)),
    Resource("", "v1", "Pod", "pods", short_names=("po",), categories=("all",),
             subresources=("status", "log")),
    Resource("", "v1", "Service", "services", short_names=("svc",), categories=("all",),
             subresources=("status",)),
    Resource("", "v1", "Endpoints", "endpoints", short_names=("ep",)),
    Resource("", "v1", "Event", "events", short_names=("ev",)),
    Resource("", "v1", "ConfigMap", "configmaps", short_names=("cm",)),
    Resource("", "v1", "Secret", "secrets"),
    Resource("", "v1", "ServiceAccount", "serviceaccounts", short_names=("sa",)),
    Resource("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", short_names=("pvc",),
             subresources=("status",)),
    Resource("", "v1", "ResourceQuota", "resourcequotas", short_names=("quota",),
             subresources=("status",)),
    Resource("", "v1", "LimitRange", "limitranges", short_names=("limits",)),
    # served (empty) because `kubectl cluster-info dump` lists them in every namespace
    Resource("", "v1", "ReplicationController", "replicationcontrollers", short_names=("rc",),
             categories=("all",), subresources=("status", "scale")),
    # apps/v1
    Resource("apps", "v1", "Deployment", "deployments", short_names=("deploy",),
             categories=("all",), subresources=("status", "scale")),
    Resource("apps", "v1", "ReplicaSet", "replicasets", short_names=("rs",), categories=("all",),
             subresources=("status", "scale")),
    Resource("apps", "v1", "StatefulSet", "statefulsets", short_names=("sts",),
             categories=("all",), subresources=("status", "scale")),
    Resource("apps", "v1", "DaemonSet", "daemonsets", short_names=("ds",), categories=("all",),
             subresources=("status",)),
    # batch/v1
    Resource("batch", "v1", "Job", "jobs", categories=("all",), subresources=("status",)),
    Resource("batch", "v1", "CronJob", "cronjobs", short_names=("cj",), categories=("all",),
             subresources=("status",)),
    # autoscaling/v2
    Resource("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers",
             short_names=("hpa",), categories=("all",), subresources=("status",)),
    # networking.k8s.io/v1
    Resource("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", short_names=("netpol",)),
    Resource("networking.k8s.io", "v1", "Ingress", "ingresses", short_names=("ing",),
             subresources=("status",)),
    # storage.k8s.io/v1
    Resource("storage.k8s.io", "v1", "StorageClass", "storageclasses", namespaced=False,
             short_names=("sc",)),
    # authorization.k8s.io/v1: create only, answered by the server's RBAC rules
    Resource("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews",
             namespaced=False, verbs=("create",)),
    # Flux
    Resource("helm.toolkit.fluxcd.io", "v2", "HelmRelease", "helmreleases", short_names=("hr",),
             categories=_FLUX_APPLIERS, subresources=("status",), columns=(_AGE, _READY, _STATUS)),
    Resource("helm.toolkit.fluxcd.io", "v2beta2", "HelmRelease", "helmreleases",
             short_names=("hr",), categories=_FLUX_APPLIERS, subresources=("status",),
             columns=(_AGE, _READY, _STATUS), preferred=False),
    Resource("kustomize.toolkit.fluxcd.io", "v1", "Kustomization", "kustomizations",
             short_names=("ks",), categories=_FLUX_APPLIERS, subresources=("status",),
             columns=(_AGE, _READY, _STATUS)),
    Resource("source.toolkit.fluxcd.io", "v1", "GitRepository", "gitrepositories",
             short_names=("gitrepo",), categories=_FLUX_SOURCES, subresources=("status",),
             columns=(Column("URL", ".spec.url"), _AGE, _READY, _STATUS)),
    Resource("source.toolkit.fluxcd.io", "v1", "HelmRepository", "helmrepositories",
             short_names=("helmrepo",), categories=_FLUX_SOURCES, subresources=("status",),
             columns=(Column("URL", ".spec.url"), _AGE, _READY, _STATUS)),
    Resource("source.toolkit.fluxcd.io", "v1", "HelmChart", "helmcharts", short_names=("hc",),
             categories=_FLUX_SOURCES, subresources=("status",),
             columns=(Column("Chart", ".spec.chart"), Column("Version", ".spec.version"),
                      Column("Source Kind", ".spec.sourceRef.kind"),
                      Column("Source Name", ".spec.sourceRef.name"), _AGE, _READY, _STATUS)),
    Resource("source.toolkit.fluxcd.io", "v1", "OCIRepository", "ocirepositories",
             short_names=("ocirepo",), categories=_FLUX_SOURCES, subresources=("status",),
             columns=(Column("URL", ".spec.url"), _READY, _STATUS, _AGE)),
    Resource("source.toolkit.fluxcd.io", "v1", "Bucket", "buckets", categories=_FLUX_SOURCES,
             subresources=("status",),
             columns=(Column("Endpoint", ".spec.endpoint"), _AGE, _READY, _STATUS)),
    # cert-manager
    Resource("cert-manager.io", "v1", "Certificate", "certificates", short_names=("cert", "certs"),
             categories=_CERT_MANAGER, subresources=("status",),
             columns=(_CM_READY, Column("Secret", ".spec.secretName"),
                      Column("Issuer", ".spec.issuerRef.name", priority=1), _CM_STATUS,
                      Column("Expiration", ".status.notAfter", priority=1), _AGE)),
    Resource("cert-manager.io", "v1", "CertificateRequest", "certificaterequests",
             short_names=("cr", "crs"), categories=_CERT_MANAGER, subresources=("status",),
             columns=(Column("Approved", '.status.conditions[?(@.type == "Approved")].status'),
                      Column("Denied", '.status.conditions[?(@.type == "Denied")].status'),
                      _CM_READY, Column("Issuer", ".spec.issuerRef.name"),
                      Column("Requester", ".spec.username"), _CM_STATUS, _AGE)),
    Resource("cert-manager.io", "v1", "Issuer", "issuers", short_names=("iss",),
             categories=_CERT_MANAGER, subresources=("status",),
             columns=(_CM_READY, _CM_STATUS, _AGE)),
    Resource("cert-manager.io", "v1", "ClusterIssuer", "clusterissuers", namespaced=False,
             short_names=("ciss",), categories=_CERT_MANAGER, subresources=("status",),
             columns=(_CM_READY, _CM_STATUS, _AGE)),
    # Sealed Secrets
    Resource("bitnami.com", "v1alpha1", "SealedSecret", "sealedsecrets", subresources=("status",),
             columns=(Column("Status", ".status.conditions[0].message"),
                      Column("Synced", ".status.conditions[0].status"), _AGE)),
)

_BY_GVK = {(r.api_version, r.kind): r for r in RESOURCES}
_BY_GVP = {(r.group, r.version, r.plural): r for r in RESOURCES}


def by_kind(api_version: str, kind: str) -> Resource | None:
    """The resource for an object's apiVersion and kind, or None when kubetriage does not know it."""
    return _BY_GVK.get((api_version, kind))


def known(api_version: str, kind: str) -> Resource:
    """The resource of a kind this table lists, named in code (not read from an object): a
    KeyError at import when the table loses it, rather than None met later."""
    return _BY_GVK[(api_version, kind)]


def by_plural(group: str, version: str, plural: str) -> Resource | None:
    return _BY_GVP.get((group, version, plural))


def groups() -> dict[str, list[str]]:
    """Group name -> served versions, the preferred one first (the core group is "")."""
    out: dict[str, list[str]] = {}
    for r in RESOURCES:
        versions = out.setdefault(r.group, [])
        if r.version not in versions:
            if r.preferred:
                versions.insert(0, r.version)
            else:
                versions.append(r.version)
    return out
