import pytest

from kubetriage.checks import helmrelease_failed
from tests.checks.conftest import event, helmrelease, run

HOOK = ("Helm upgrade failed for release app/b with chart b@0.1.13: pre-upgrade hooks failed: "
        "1 error occurred: * job failed: BackoffLimitExceeded")
DEADLINE = "Helm upgrade failed for release app/b with chart b@0.1.13: context deadline exceeded"
TIMED_OUT = ("Helm install failed for release app/b with chart b@1.0.0: timed out waiting for "
             "the condition")
CHART = ("HelmChart 'flux-system/app-b' is not ready: chart pull error: failed to download "
         "chart for remote reference: 0.9.0: not found")


@pytest.mark.parametrize("reason, message, fact, summary", [
    ("UpgradeFailed", HOOK, "hook", "failed to upgrade: its pre-upgrade hook failed."),
    ("UpgradeFailed", DEADLINE, "timeout",
     "failed to upgrade: Helm timed out waiting for its workloads to become ready."),
    ("InstallFailed", TIMED_OUT, "timeout",
     "failed to install: Helm timed out waiting for its workloads to become ready."),
    ("ArtifactFailed", CHART, "chart",
     "failed to reconcile: its chart source HelmChart flux-system/app-b is not ready (chart pull "
     "error: failed to download chart for remote reference: 0.9.0: not found)."),
    ("InstallFailed", "could not resolve Secret chart values reference 'app/b-values' with key "
                      "'values.yaml'", "values_ref",
     "failed to install: its values reference Secret app/b-values cannot be resolved."),
], ids=["fires_when_hook_failed", "fires_when_context_deadline_exceeded",
        "fires_when_timed_out_waiting", "fires_when_chart_or_source_not_ready",
        "fires_when_values_reference_is_missing"])
def test_fires_and_classifies(reason, message, fact, summary):
    [f] = run(helmrelease_failed, helmrelease("b", ready="False", reason=reason, message=message))
    assert f.id == "KT-101/HelmRelease/app/b" and f.severity == "error"
    assert f.summary == f"HelmRelease app/b {summary}"
    assert f.facts.get(fact)
    assert f.evidence[0] == f"Ready=False {reason}: {message}"
    assert (f.remediations[-2].command, f.remediations[-2].action) == (
        "flux reconcile helmrelease b -n app", "reconcile")  # within its retries: a plain retry
    assert f.remediations[-1].command == "helm history b -n app"


def test_fires_when_retries_are_exhausted_with_the_attempts_and_the_event():
    hr = helmrelease("b", ready="False", reason="UpgradeFailed", message=DEADLINE)
    hr["status"]["conditions"].append({"type": "Stalled", "status": "True",
                                       "reason": "RetriesExceeded",
                                       "message": "Failed to upgrade after 4 attempt(s)"})
    hr["status"]["upgradeFailures"] = 4
    [f] = run(helmrelease_failed, hr, event(hr, "UpgradeFailed", DEADLINE, count=4))
    assert f.summary == ("HelmRelease app/b failed to upgrade: Helm timed out waiting for its "
                         "workloads to become ready; retries are exhausted, so Flux will not try "
                         "again on its own.")
    assert f.evidence == [f"Ready=False UpgradeFailed: {DEADLINE}",
                          "Stalled=True RetriesExceeded: Failed to upgrade after 4 attempt(s)",
                          "failed attempts: 4",
                          f"Warning UpgradeFailed (x4): {DEADLINE}"]
    # helm-controller ignores a plain request now: the fix resets the counts, and its action
    # sends what its command says
    assert (f.remediations[-2].command, f.remediations[-2].action) == (
        "flux reconcile helmrelease b -n app --reset", "reset")


def test_fires_when_the_hook_is_named_only_by_an_event():
    hr = helmrelease("b", ready="False", reason="UpgradeFailed",
                     message="upgrade retries exhausted")
    [f] = run(helmrelease_failed, hr,
              event(hr, "UpgradeFailed", "pre-upgrade hooks failed: job failed"))
    assert f.facts["hook"] == "pre-upgrade" and f.facts["exhausted"]
    assert f.summary.startswith("HelmRelease app/b failed to upgrade: its pre-upgrade hook failed;")


def test_fires_with_cause_unknown_when_the_status_does_not_say():
    [f] = run(helmrelease_failed, helmrelease("b", ready="False", reason="InstallFailed",
                                              message="Helm install failed: exit status 1"))
    assert f.summary == ("HelmRelease app/b failed to install: cause unknown beyond the status "
                         "message below.")


def test_silent_when_ready():
    assert run(helmrelease_failed, helmrelease("a")) == []


def test_silent_when_waiting_on_a_dependency():
    """That is KT-102's finding."""
    assert run(helmrelease_failed, helmrelease("c", ready="False", reason="DependencyNotReady",
                                               message="dependency 'app/b' is not ready")) == []


def test_silent_when_suspended():
    hr = helmrelease("b", ready="False", reason="UpgradeFailed", message=DEADLINE)
    hr["spec"]["suspend"] = True
    assert run(helmrelease_failed, hr) == []


# Helm's own errors, as helm-controller writes them (the part after the chart is each issue's
# verbatim line): the object it could not apply, and why
IMMUTABLE = (  # cozystack/cozystack#3242
    'Helm upgrade failed for release cozy-etcd-operator/etcd-operator with chart '
    'etcd-operator@1.6.0-rc.1: cannot patch "etcd-operator-controller-manager" with kind '
    'Deployment: Deployment.apps "etcd-operator-controller-manager" is invalid: spec.selector: '
    'Invalid value: {"matchLabels":{"app.kubernetes.io/name":"etcd-operator",'
    '"control-plane":"controller-manager"}}: field is immutable')
NOT_OWNED = (  # fluxcd/flux2-kustomize-helm-example#111
    'Helm install failed for release cert-manager/cert-manager with chart cert-manager@v1.15.0: '
    'Unable to continue with install: CustomResourceDefinition "certificaterequests.cert-manager.io" '
    'in namespace "" exists and cannot be imported into the current release: invalid ownership '
    'metadata; label validation error: missing key "app.kubernetes.io/managed-by": must be set to '
    '"Helm"; annotation validation error: missing key "meta.helm.sh/release-name": must be set to '
    '"cert-manager"; annotation validation error: missing key "meta.helm.sh/release-namespace": '
    'must be set to "cert-manager"')
REMOVED_API = (  # helm/helm#12473
    'Helm upgrade failed for release acos/acos with chart acos@2.0.1: unable to build kubernetes '
    'objects from current release manifest: [resource mapping not found for name: '
    '"zk-pdb-clickhouse" namespace: "acos" from "": no matches for kind "PodDisruptionBudget" in '
    'version "policy/v1beta1"\nensure CRDs are installed first]')
CRD_MISSING = (  # aeraki-mesh/aeraki#426
    'Helm install failed for release istio-system/aeraki with chart aeraki@1.4.1: unable to build '
    'kubernetes objects from release manifest: [resource mapping not found for name: "dubbo" '
    'namespace: "" from "": no matches for kind "ApplicationProtocol" in version '
    '"metaprotocol.aeraki.io/v1alpha1" ensure CRDs are installed first]')


def test_fires_when_the_new_chart_changes_an_immutable_field_and_says_delete_it():
    hr = helmrelease("etcd-operator", "cozy-etcd-operator", ready="False", reason="UpgradeFailed",
                     message=IMMUTABLE)
    [f] = run(helmrelease_failed, hr)
    assert f.summary == (
        "HelmRelease cozy-etcd-operator/etcd-operator failed to upgrade: the new chart changes "
        "spec.selector of Deployment etcd-operator-controller-manager, a field that cannot "
        "change in place (immutable).")
    assert f.evidence[0].endswith("field is immutable")  # cut in the middle, the verdict kept
    assert f.remediations[0].command == ("kubectl -n cozy-etcd-operator delete deployment "
                                         "etcd-operator-controller-manager")
    assert "upgrade.force fails the same way" in f.remediations[0].title


def test_fires_when_an_object_exists_outside_the_release_with_the_labels_helm_asks_for():
    hr = helmrelease("cert-manager", "cert-manager", ready="False", reason="InstallFailed",
                     message=NOT_OWNED)
    [f] = run(helmrelease_failed, hr)
    assert "CustomResourceDefinition certificaterequests.cert-manager.io already exists, made " \
           "outside this release" in f.summary
    assert f.remediations[0].command == (
        "kubectl label customresourcedefinition certificaterequests.cert-manager.io "
        "app.kubernetes.io/managed-by=Helm --overwrite && kubectl annotate "
        "customresourcedefinition certificaterequests.cert-manager.io "
        "meta.helm.sh/release-name=cert-manager meta.helm.sh/release-namespace=cert-manager "
        "--overwrite")


def test_a_kind_the_cluster_no_longer_serves_is_told_apart_in_the_deployed_and_the_new_chart():
    [deployed] = run(helmrelease_failed, helmrelease("acos", "acos", ready="False",
                                                     reason="UpgradeFailed", message=REMOVED_API))
    assert "the release deployed before holds PodDisruptionBudget policy/v1beta1, which this " \
           "cluster no longer serves" in deployed.summary
    assert deployed.remediations[0].command == "helm mapkubeapis acos --namespace acos"
    [new] = run(helmrelease_failed, helmrelease("aeraki", "istio-system", ready="False",
                                                reason="InstallFailed", message=CRD_MISSING))
    assert "the chart uses ApplicationProtocol metaprotocol.aeraki.io/v1alpha1, which this " \
           "cluster does not serve" in new.summary
    assert "Install the CRD" in new.remediations[0].title


def test_silent_on_helm_errors_when_the_release_is_ready():
    assert run(helmrelease_failed, helmrelease("acos", "acos", ready="True",
                                               message=REMOVED_API)) == []


# kubernetes/minikube#13799 (a webhook whose Service has no pod answering) and helm/helm#10399
# (a webhook configuration left behind by an uninstall), as helm-controller writes them
WEBHOOK_DOWN = (
    'Helm install failed for release dash/dashboard with chart dashboard@7.5.0: Internal error '
    'occurred: failed calling webhook "validate.nginx.ingress.kubernetes.io": failed to call '
    'webhook: Post "https://ingress-nginx-controller-admission.ingress-nginx.svc:443/networking/'
    'v1/ingresses?timeout=10s": dial tcp 10.98.181.48:443: connect: connection refused')
WEBHOOK_GONE = (
    'Helm install failed for release kubeapps/kubeapps with chart kubeapps@7.6.0: create: failed '
    'to create: Internal error occurred: failed calling webhook "rancher.cattle.io": failed to '
    'call webhook: Post "https://rancher-webhook.cattle-system.svc:443/v1/webhook/mutation?'
    'timeout=10s": service "rancher-webhook" not found')


def test_a_webhook_that_does_not_answer_is_linked_to_its_service():
    [f] = run(helmrelease_failed, helmrelease("dashboard", "dash", ready="False",
                                              reason="InstallFailed", message=WEBHOOK_DOWN))
    assert f.summary == (
        "HelmRelease dash/dashboard failed to install: admission webhook "
        "validate.nginx.ingress.kubernetes.io does not answer (dial tcp 10.98.181.48:443: "
        "connect: connection refused): Service ingress-nginx/ingress-nginx-controller-admission "
        "has no pod that serves it.")
    assert f.facts["caused_by"] == [("Service", "ingress-nginx",
                                     "ingress-nginx-controller-admission")]
    assert f.remediations[0].command == ("kubectl -n ingress-nginx get endpoints "
                                         "ingress-nginx-controller-admission")
    assert "chart source" not in f.remediations[0].title


def test_a_webhook_left_by_an_uninstall_is_told_as_such():
    [f] = run(helmrelease_failed, helmrelease("kubeapps", "kubeapps", ready="False",
                                              reason="InstallFailed", message=WEBHOOK_GONE))
    assert "admission webhook rancher.cattle.io points at Service cattle-system/rancher-webhook, " \
           "which does not exist: a webhook configuration left behind by an uninstall" in f.summary
    assert "caused_by" not in f.facts
    assert f.remediations[0].title.startswith("Delete the webhook configuration naming "
                                              "rancher.cattle.io")


# the chart refusing its values: allenporter/flux-local#467 (a `required`), fluxcd/helm-controller
# #282 (a value of the wrong shape) and #453 (a rendered object the API rejects)
REQUIRED = ("Helm install failed for release actions-runner-system/arc-runners with chart "
            "gha-runner-scale-set@0.8.1: execution error at (gha-runner-scale-set/templates/"
            "githubsecret.yaml:34:8): A valid .Values.githubConfigSecret is required for setting "
            "auth with GitHub server, provide .Values.githubConfigSecret.github_token or "
            ".Values.githubConfigSecret.github_app_id.")
SHAPE = ('Helm install failed for release podinfo/podinfo with chart podinfo@6.0.0: template: '
         'podinfo/templates/ingress.yaml:28:15: executing "podinfo/templates/ingress.yaml" at '
         "<.host>: can't evaluate field host in type interface {}")
INVALID = ('Helm upgrade failed: error validating "": error validating data: [ValidationError('
           'Deployment.spec.template.spec.containers[0].ports[0]): missing required field '
           '"containerPort" in io.k8s.api.core.v1.ContainerPort, ValidationError(Deployment.spec.'
           'template.spec.containers[0].ports[1]): missing required field "containerPort" in '
           'io.k8s.api.core.v1.ContainerPort]')


def test_the_chart_refusing_its_values_is_told_in_its_own_words_with_the_values_to_see():
    [f] = run(helmrelease_failed, helmrelease("arc-runners", "actions-runner-system",
                                              ready="False", reason="InstallFailed",
                                              message=REQUIRED))
    assert f.summary.startswith(
        "HelmRelease actions-runner-system/arc-runners failed to install: the chart refuses its "
        "values: A valid .Values.githubConfigSecret is required for setting auth with GitHub "
        "server")
    assert "(at gha-runner-scale-set/templates/githubsecret.yaml:34:8)" in f.summary
    assert f.remediations[1].command == ("flux debug hr arc-runners -n actions-runner-system "
                                         "--show-values")


def test_a_value_of_the_wrong_shape_and_an_invalid_rendered_object():
    [shape] = run(helmrelease_failed, helmrelease("podinfo", "podinfo", ready="False",
                                                  reason="InstallFailed", message=SHAPE))
    assert "the chart's template podinfo/templates/ingress.yaml:28:15 fails on <.host>: can't " \
           "evaluate field host in type interface {} (a value of the wrong shape)" in shape.summary
    [invalid] = run(helmrelease_failed, helmrelease("b", ready="False", reason="UpgradeFailed",
                                                    message=INVALID))
    assert "an object the chart renders is invalid: Deployment.spec.template.spec.containers[0]" \
           '.ports[0]: missing required field "containerPort"' in invalid.summary
