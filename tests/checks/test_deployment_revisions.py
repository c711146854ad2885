from kubetriage.checks import deployment_revisions
from tests.checks.conftest import owned, run

REV = "deployment.kubernetes.io/revision"


def test_fires_at_many_revisions_without_change_cause():
    [f] = run(deployment_revisions, owned("Deployment", "fa", annotations={REV: "62"}))
    assert f.id == "KT-502/Deployment/app/fa" and f.severity == "info"
    assert f.summary == ("Deployment app/fa is at revision 62 and no revision records a "
                         "change-cause: its rollout history cannot say which was good.")


def test_silent_with_a_change_cause_or_few_revisions():
    assert run(deployment_revisions,
               owned("Deployment", "a", annotations={REV: "62",
                                                     "kubernetes.io/change-cause": "v2"}),
               owned("Deployment", "b", annotations={REV: "3"})) == []
