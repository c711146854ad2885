from kubetriage.checks import flux_source
from kubetriage.checks.chains import build
from kubetriage.checks.registry import CHECKS
from kubetriage.core.snapshot import Snapshot
from tests.checks.conftest import event, run
from tests.checks.flux_fixtures import (
    INDEX_404,
    MANIFEST,
    SSH_REJECTED,
    helmchart,
    helmrelease,
    kustomization,
    source,
)

GIT = {"url": "ssh://git@github.com/example/homelab-apps", "secretRef": {"name": "homelab-apps-auth"}}


def failing_git(artifact=False):
    return source("GitRepository", "homelab-apps", ready="False", reason="GitOperationFailed",
                  message=SSH_REJECTED, artifact=artifact, spec=dict(GIT))


def test_fires_when_the_git_host_rejects_the_key_and_names_the_deploy_key_fix():
    git = failing_git()
    [f] = run(flux_source, git, event(git, "GitOperationFailed", SSH_REJECTED, count=48),
              kustomization("apps", ready="False", reason="ArtifactFailed",
                            message="Source artifact not found, retrying in 30s"))
    assert f.id == "KT-105/GitRepository/flux-system/homelab-apps" and f.severity == "error"
    assert f.summary.startswith("GitRepository flux-system/homelab-apps cannot fetch: the Git "
                                "host rejects the SSH key of Secret flux-system/homelab-apps-auth")
    assert f.evidence[0] == f"Ready=False GitOperationFailed: {SSH_REJECTED}"
    assert "consumers: Kustomization flux-system/apps" in f.evidence
    assert "deploy key" in f.remediations[0].title
    assert f.remediations[1].command == ("flux create secret git homelab-apps-auth -n flux-system "
                                         "--url=ssh://git@github.com/example/homelab-apps")
    assert f.remediations[-1].command == "flux reconcile source git homelab-apps -n flux-system"
    assert not any("--with-source" in (r.command or "") for r in f.remediations)


def test_fires_even_while_its_consumers_run_on_the_last_good_artifact():
    [f] = run(flux_source, failing_git(artifact=True), kustomization("apps"))
    assert "they keep the last good artifact, so new changes are not deployed" in f.summary


def test_fires_when_a_helm_repository_index_answers_404():
    repo = source("HelmRepository", "renovate", ready="False", reason="Failed", message=INDEX_404,
                  artifact=False, spec={"url": "https://docs.renovatebot.com/helm-charts"})
    [f] = run(flux_source, repo, helmrelease("renovate", "tools", chart="renovate",
                                             repo="renovate"))
    assert "https://docs.renovatebot.com/helm-charts serves no Helm repository index (404)" \
        in f.summary
    assert f.remediations[-1].command == "flux reconcile source helm renovate -n flux-system"
    assert ("HelmRelease", "tools", "renovate") in f.facts["breaks"]


def test_fires_when_an_oci_tag_does_not_exist():
    oci = source("OCIRepository", "podinfo", "default", ready="False",
                 reason="OCIArtifactPullFailed", message=MANIFEST, artifact=False,
                 spec={"url": "oci://ghcr.io/stefanprodan/charts/podinfo", "ref": {"tag": "6.0.0"}})
    [f] = run(flux_source, oci)
    assert f.summary == ("OCIRepository default/podinfo cannot fetch: "
                         "oci://ghcr.io/stefanprodan/charts/podinfo has no artifact for 6.0.0.")


def test_silent_when_ready_or_suspended():
    ok = source("GitRepository", "flux-system", spec=dict(GIT))
    suspended = failing_git()
    suspended["spec"]["suspend"] = True
    assert run(flux_source, ok, suspended) == []


def test_one_root_for_the_source_and_every_consumer():
    """Kustomization apps (no artifact), apps-config waiting on it, and two releases through
    their HelmCharts on the failing repository: two chains, one per source."""
    git = failing_git()
    repo = source("HelmRepository", "renovate", ready="False", reason="Failed", message=INDEX_404,
                  artifact=False, spec={"url": "https://docs.renovatebot.com/helm-charts"})
    objects = [git, repo,
               kustomization("apps", ready="False", reason="ArtifactFailed",
                             message="Source artifact not found, retrying in 30s"),
               kustomization("apps-config", ready="False", reason="DependencyNotReady",
                             message="dependency 'flux-system/apps' is not ready",
                             depends_on=[{"name": "apps"}])]
    for hr in ("renovate", "renovate-gitea"):
        objects.append(helmchart(f"tools-{hr}", "flux-system", chart="renovate", version="1.0.0",
                                 repo="renovate", ready="False", reason="NoSourceArtifact",
                                 message="no artifact available for HelmRepository source "
                                         "'renovate'"))
        objects.append(helmrelease(hr, "tools", chart="renovate", repo="renovate", ready="False",
                                   reason="SourceNotReady",
                                   message=f"HelmChart 'flux-system/tools-{hr}' is not ready: "
                                           "does not have an artifact"))
    snap = Snapshot.from_objects(objects)
    findings = [f for c in CHECKS for f in c.run(snap)]
    chains = build(snap, findings)
    by_id = {f.id: f for f in findings}
    roots = {by_id[c.root].object.name: {by_id[i].object.name for i in c.links} for c in chains}
    assert roots == {
        "homelab-apps": {"homelab-apps", "apps", "apps-config"},
        "renovate": {"renovate", "tools-renovate", "tools-renovate-gitea", "renovate-gitea"}}


# fluxcd/flux2#4338: the branch the GitRepository names is not in the repository
NO_BRANCH = ("failed to checkout and determine revision: unable to clone "
             "'https://gitlab.com/acme/gitlab-terraform-azure-federated-auth.git': couldn't find "
             'remote ref "refs/heads/master"')


def test_fires_when_the_branch_does_not_exist_and_lists_the_repositorys_refs():
    url = "https://gitlab.com/acme/gitlab-terraform-azure-federated-auth.git"
    git = source("GitRepository", "infra", ready="False", reason="GitOperationFailed",
                 message=NO_BRANCH, artifact=False, spec={"url": url, "ref": {"branch": "master"}})
    [f] = run(flux_source, git)
    assert f.summary == f"GitRepository flux-system/infra cannot fetch: {url} has no branch master."
    assert f.facts["source_class"] == "ref"
    assert f.remediations[0].command == f"git ls-remote --heads --tags {url}"
