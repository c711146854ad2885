"""The rule behind `check`'s exit 3 (core/unseen.py): too little could be read to judge when
Pods or Events are unreadable somewhere in scope, or not one wanted log could be read; anything
else unread is listed and costs only what depends on it."""

from __future__ import annotations

from kubetriage.core.unseen import Unseen

DOWN = ('500 Internal Server Error: Get "https://10.0.0.5:10250/containerLogs/shop/web-1/app'
        '?previous=true": dial tcp 10.0.0.5:10250: connect: connection refused')
FORBIDDEN = 'helmreleases.helm.toolkit.fluxcd.io is forbidden: User "ann" cannot list ...'


def test_judged_when_nothing_is_unseen():
    assert Unseen().judgement(logs_read=0) is None
    assert not Unseen()


def test_not_judged_without_pods_or_events_anywhere_in_scope():
    partly = Unseen({"Pod": "not allowed across all namespaces (pods is forbidden: ...); "
                            "showing namespaces shop only"})
    assert partly.judgement(logs_read=3).startswith("Pods could not be read: not allowed")
    in_one = Unseen({"Event in shop": "not allowed: events is forbidden: ..."})
    assert in_one.judgement(logs_read=3).startswith("Events could not be read: ")


def test_another_kind_unseen_is_listed_but_judged():
    unseen = Unseen({"HelmRelease": f"not allowed across all namespaces ({FORBIDDEN}); "
                                    "not visible in any namespace"})
    assert unseen.judgement(logs_read=0) is None
    assert unseen.lines() == [f"HelmRelease: not allowed across all namespaces ({FORBIDDEN}); "
                              "not visible in any namespace"]
    assert unseen.brief() == ["forbidden: HelmRelease"]


def test_not_judged_when_not_one_wanted_log_could_be_read():
    unseen = Unseen(logs={("shop", "web-1", "app", True): DOWN})
    assert unseen.judgement(logs_read=0) == (
        "not one of the 1 log of containers that failed or restarted could be read: "
        "500 Internal Server Error: dial tcp 10.0.0.5:10250: connect: connection refused")
    assert unseen.judgement(logs_read=1) is None  # some logs were read: the rest is listed
    assert unseen.lines() == [f"the previous log of Pod shop/web-1 container app could not be "
                              f"read: {DOWN}"]


def test_brief_groups_logs_by_the_servers_answer_without_the_url():
    logs = {("shop", f"web-{i}", "app", prev): DOWN.replace("web-1", f"web-{i}")
            for i in range(6) for prev in (False, True)}
    [line] = Unseen(logs=logs).brief()
    assert line.startswith("logs of 6 containers that failed or restarted (500 Internal Server "
                           "Error: dial tcp 10.0.0.5:10250: connect: connection refused): "
                           "shop/web-0 app (current and previous), ")
    assert line.endswith(" and 2 more")


def test_minus_n_keeps_what_is_unseen_across_namespaces_or_in_that_one():
    unseen = Unseen({"Pod": "across", "Secret in shop": "here", "Secret in other": "there"},
                    {("shop", "a", "c", False): "x", ("other", "b", "c", False): "y"})
    shop = unseen.restricted_to("shop")
    assert dict(shop.kinds) == {"Pod": "across", "Secret in shop": "here"}
    assert list(shop.logs) == [("shop", "a", "c", False)]


def test_a_namespace_the_source_fell_back_to_is_seen_there():
    unseen = Unseen({"Pod": "not allowed across all namespaces (pods is forbidden: ...); "
                            "showing namespaces shop, web only; not allowed in db"})
    assert not unseen.restricted_to("web")
    assert list(unseen.restricted_to("db").kinds) == ["Pod"]
