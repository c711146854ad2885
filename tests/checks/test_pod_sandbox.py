from kubetriage.checks import pod_sandbox
from tests.checks.conftest import event, pod, run

# yuyicai/update-kube-cert#31: coredns and application pods left in ContainerCreating
CALICO = ('Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network '
          'for sandbox "265b1cc1621af991c09f5e372e0e5bdcfb47c9b53523178c8d0288ce489dad5f": plugin '
          'type="calico" failed (add): error getting ClusterInformation: Get "https://172.20.0.1:'
          '443/apis/crd.projectcalico.org/v1/clusterinformations/default": Service Unavailable')
# kubernetes/kubernetes#92903: the older runtime's wording, with the teardown that follows
DOCKERSHIM = ('Failed to create pod sandbox: rpc error: code = Unknown desc = [failed to set up '
              'sandbox container "3fe33199939736653d0eb5ffb41ffd4a94630cbf0ee1d9ffa39e1fef7cb40a83" '
              'network for pod "kafka-0": networkPlugin cni failed to set up pod "kafka-0_default" '
              'network: netplugin failed with no error message, failed to clean up sandbox container '
              '"3fe33199939736653d0eb5ffb41ffd4a94630cbf0ee1d9ffa39e1fef7cb40a83" network for pod '
              '"kafka-0": networkPlugin cni failed to teardown pod "kafka-0_default" network: '
              'netplugin failed with no error message]')


def creating(name, ns, node="worker-1"):
    return pod(name, ns, waiting="ContainerCreating", phase="Pending", node=node)


def test_fires_once_for_a_nodes_plugin_with_every_pod_it_holds_back():
    pods = [creating("coredns-76f75df574-8xk2p", "kube-system"),
            creating("coredns-76f75df574-tq9wz", "kube-system"),
            creating("web-5d8c9f7b6-2lkqz", "shop")]
    [f] = run(pod_sandbox, *pods, *(event(p, "FailedCreatePodSandBox", CALICO, count=40)
                                    for p in pods))
    assert f.id == "KT-211/Node/-/worker-1/calico" and f.severity == "error"
    assert f.summary == (
        "The network plugin calico on node worker-1 cannot set up pod networks: error getting "
        'ClusterInformation: Get "https://172.20.0.1:443/apis/crd.projectcalico.org/v1/'
        'clusterinformations/default": Service Unavailable; 3 pods in 2 namespaces cannot start '
        "(sandbox tried 40 times).")
    # quoted from where the plugin speaks: the sandbox id before it says nothing in a narrow pane
    assert f.evidence[0] == ('Warning FailedCreatePodSandBox (x40): …plugin type="calico" failed '
                             '(add): error getting ClusterInformation: Get "https://172.20.0.1:443'
                             '/apis/crd.projectcalico.org/v1/clusterinformations/default": '
                             'Service Unavailable')
    assert f.evidence[1] == ("pods in ContainerCreating: kube-system/coredns-76f75df574-8xk2p, "
                             "kube-system/coredns-76f75df574-tq9wz, shop/web-5d8c9f7b6-2lkqz")
    assert f.facts["breaks"] == [("Pod", "kube-system", "coredns-76f75df574-8xk2p"),
                                 ("Pod", "kube-system", "coredns-76f75df574-tq9wz"),
                                 ("Pod", "shop", "web-5d8c9f7b6-2lkqz")]
    assert f.remediations[0].command == \
        "kubectl get pods -A -o wide --field-selector spec.nodeName=worker-1"


def test_reads_the_older_runtimes_wording_without_its_teardown():
    p = creating("kafka-0", "default", node="vcloud-single")
    [f] = run(pod_sandbox, p, event(p, "FailedCreatePodSandBox", DOCKERSHIM))
    assert f.summary == ("The network plugin cni on node vcloud-single cannot set up pod "
                         "networks: netplugin failed with no error message; 1 pod cannot start "
                         "(sandbox tried 1 time).")


def test_silent_once_the_pod_has_started():
    p = pod("web-5d8c9f7b6-2lkqz", "shop", running=True, ready=True)
    assert run(pod_sandbox, p, event(p, "FailedCreatePodSandBox", CALICO)) == []


def test_silent_without_sandbox_failures():
    p = creating("web-5d8c9f7b6-2lkqz", "shop")
    assert run(pod_sandbox, p, event(p, "Scheduled", "Successfully assigned shop/web to w")) == []
