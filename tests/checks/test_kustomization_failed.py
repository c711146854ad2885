from kubetriage.checks import kustomization_failed
from tests.checks.conftest import event, run


def kustomization(reason="", message="", ready="False", suspend=False):
    return {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
            "metadata": {"name": "apps", "namespace": "flux-system", "uid": "uid-ks-apps"},
            "spec": {"suspend": suspend},
            "status": {"conditions": [{"type": "Ready", "status": ready, "reason": reason,
                                       "message": message}]}}


DUPLICATE = ("kustomize build failed: accumulating resources: may not add resource with an "
             "already registered id: SealedSecret.v1alpha1.bitnami.com/app-secret.app")


def test_fires_when_the_build_defines_a_resource_twice():
    ks = kustomization("BuildFailed", DUPLICATE)
    [f] = run(kustomization_failed, ks,
              event(ks, "BuildFailed", DUPLICATE, count=7))
    assert f.id == "KT-103/Kustomization/flux-system/apps" and f.severity == "error"
    assert f.summary == ("Kustomization flux-system/apps: the build fails: "
                         "SealedSecret.v1alpha1.bitnami.com/app-secret.app is defined twice.")
    assert f.evidence == [f"Ready=False BuildFailed: {DUPLICATE}",
                          f"Warning BuildFailed (x7): {DUPLICATE}"]
    assert f.remediations[0].command == "flux build kustomization apps -n flux-system --path ."


def test_fires_when_the_build_fails_otherwise_with_kustomizes_words():
    [f] = run(kustomization_failed, kustomization(
        "BuildFailed", "kustomize build failed: accumulating resources: 'apps/x' not found"))
    assert f.summary == ("Kustomization flux-system/apps: kustomize build fails: accumulating "
                         "resources: 'apps/x' not found.")


# onedr0p/cluster-template#356, `kubectl get kustomizations -A`'s STATUS
NESTED = ("kustomize build failed: accumulating resources: accumulation err='accumulating "
          "resources from 'backup-system': read /tmp/kustomization-4230188404/cluster/apps/"
          "backup-system: is a directory': recursed accumulation of path '/tmp/kustomization-"
          "4230188404/cluster/apps/backup-system': accumulating resources: accumulation "
          "err='accumulating resources from 'benji': read /tmp/kustomization-4230188404/cluster/"
          "apps/backup-system/benji: is a directory': couldn't make target for path '/tmp/"
          "kustomization-4230188404/cluster/apps/backup-system/benji': json: unknown field "
          "\"files\"")


def test_a_nested_build_error_is_told_by_its_innermost_cause_and_folder():
    ks = kustomization("BuildFailed", NESTED)
    ks["spec"]["path"] = "./cluster/apps"
    [f] = run(kustomization_failed, ks)
    assert f.summary == ("Kustomization flux-system/apps: kustomize build fails in "
                         'cluster/apps/backup-system/benji: json: unknown field "files".')
    # flux build reads the folder the Kustomization builds, from a checkout of its source
    assert f.remediations[0].command == ("flux build kustomization apps -n flux-system "
                                         "--path ./cluster/apps")


# digitalocean/Kubernetes-Starter-Kit-Developers#87, `flux reconcile ks`'s failure
DRY_RUN = ('CustomResourceDefinition/kustomizations.kustomize.toolkit.fluxcd.io dry-run failed, '
           'reason: Invalid, error: CustomResourceDefinition.apiextensions.k8s.io '
           '"kustomizations.kustomize.toolkit.fluxcd.io" is invalid: status.storedVersions[1]: '
           'Invalid value: "v1beta2": must appear in spec.versions')


def test_a_dry_run_the_server_refuses_names_the_object_and_the_servers_words():
    [f] = run(kustomization_failed, kustomization("ReconciliationFailed", DRY_RUN))
    assert f.summary == (
        "Kustomization flux-system/apps: the API server refuses "
        "CustomResourceDefinition/kustomizations.kustomize.toolkit.fluxcd.io on its dry run "
        '(Invalid): CustomResourceDefinition.apiextensions.k8s.io "kustomizations.kustomize.'
        'toolkit.fluxcd.io" is invalid: status.storedVersions[1]: Invalid value: "v1beta2": '
        "must appear in spec.versions.")
    assert f.facts["refused"] == ["CustomResourceDefinition",
                                  "kustomizations.kustomize.toolkit.fluxcd.io"]
    assert f.remediations[0].command == "flux diff kustomization apps -n flux-system --path ."


def test_fires_when_health_checks_fail_and_names_what_it_waited_for():
    message = ("health check failed after 5m0s: timeout waiting for: "
               "[Deployment/app/web status: 'InProgress', StatefulSet/db/pg status: 'Failed']")
    [f] = run(kustomization_failed, kustomization("HealthCheckFailed", message))
    assert f.summary == "Kustomization flux-system/apps: its health checks fail."
    assert f.facts["waits_for"] == [("Deployment", "app", "web"), ("StatefulSet", "db", "pg")]


def test_fires_when_reconciliation_fails_for_a_reason_it_does_not_classify():
    [f] = run(kustomization_failed, kustomization("ReconciliationFailed", "apply failed"))
    assert f.summary == "Kustomization flux-system/apps: it fails to reconcile."
    assert f.evidence == ["Ready=False ReconciliationFailed: apply failed"]


def test_silent_when_ready():
    assert run(kustomization_failed, kustomization(ready="True")) == []


def test_silent_when_suspended():
    assert run(kustomization_failed, kustomization("BuildFailed", DUPLICATE, suspend=True)) == []


def test_silent_when_waiting_on_a_dependency():
    """That is KT-102's finding; reporting it twice would be noise."""
    assert run(kustomization_failed, kustomization(
        "DependencyNotReady", "dependency 'flux-system/infra' is not ready")) == []


# aenix-io/kubernetes-in-kubernetes#14's webhook call, in kustomize-controller's dry-run sentence
WEBHOOK = ('Certificate/foo/foo-admin dry-run failed, error: Internal error occurred: failed '
           'calling webhook "webhook.cert-manager.io": failed to call webhook: Post '
           '"https://cert-manager-webhook.cert-manager.svc:443/mutate?timeout=10s": dial tcp '
           '10.102.100.71:443: i/o timeout')


def test_a_dry_run_refused_by_a_silent_webhook_is_linked_to_its_service():
    [f] = run(kustomization_failed, kustomization("ReconciliationFailed", WEBHOOK))
    assert f.summary == (
        "Kustomization flux-system/apps: its objects cannot be applied: admission webhook "
        "webhook.cert-manager.io does not answer (dial tcp 10.102.100.71:443: i/o timeout): "
        "Service cert-manager/cert-manager-webhook has no pod that serves it.")
    assert f.facts["caused_by"] == [("Service", "cert-manager", "cert-manager-webhook")]
    assert [r.command for r in f.remediations] == [
        "kubectl -n cert-manager get endpoints cert-manager-webhook",
        "flux reconcile kustomization apps -n flux-system"]
