"""The cause reader on real crash logs (verbatim from the public issues in
/work/notes/13-incidents.md §12): the precise patterns first, else the line that states the
failure, quoted as read from the log; never the goroutine trace, `Node.js vNN` or Spring's advice."""

from __future__ import annotations

import pytest

from kubetriage.checks import causes, crashloop
from tests.checks.conftest import pod, run

STORK = [  # libopenstorage/stork#45
    "I0317 22:00:39.137558       1 controller_utils.go:1041] Waiting for caches to sync for "
    "snapshot-controller controller",
    "panic: runtime error: invalid memory address or nil pointer dereference",
    "[signal SIGSEGV: segmentation violation code=0x1 addr=0x8 pc=0x108178b]",
    "goroutine 29 [running]:",
    "github.com/libopenstorage/stork/drivers/volume/portworx.(*portworx).InspectVolume("
    "0xc4203393a0, 0xc4202c84e0, 0x28, 0x1d, 0xc420404f01, 0x0)",
    "\t/home/travis/gopath/src/github.com/libopenstorage/stork/drivers/volume/portworx/"
    "portworx.go:100 +0x22b",
    "created by github.com/libopenstorage/stork/pkg/monitor.(*Monitor).Start",
    "\t/home/travis/gopath/src/github.com/libopenstorage/stork/pkg/monitor/monitor.go:45 +0x12a",
]
WEKAN = [  # wekan/wekan#6363
    "node:internal/modules/cjs/loader:1503",
    "  throw err;",
    "  ^",
    "Error: Cannot find module '/build/main.js'",
    "    at Module._resolveFilename (node:internal/modules/cjs/loader:1500:15)",
    "    at node:internal/main/run_main_module:33:47 {",
    "  code: 'MODULE_NOT_FOUND',",
    "  requireStack: []",
    "}",
    "Node.js v24.16.0",
]
SPRING = [  # apache/servicecomb-java-chassis#1272
    "Error starting ApplicationContext. To display the conditions report re-run your "
    "application with 'debug' enabled.",
    "2019-07-12 18:25:20 ERROR (LoggingFailureAnalysisReporter.java:42)- ",
    "",
    "***************************",
    "APPLICATION FAILED TO START",
    "***************************",
    "",
    "Description:",
    "",
    "Failed to configure a DataSource: 'url' attribute is not specified and no embedded "
    "datasource could be configured.",
    "",
    "Reason: Failed to determine a suitable driver class",
    "",
    "Action:",
    "",
    "Consider the following:",
    "\tIf you want an embedded database (H2, HSQL or Derby), please put it on the classpath.",
]
KUBEFATE = [  # FederatedAI/KubeFATE#32
    'Exception in thread "main" org.springframework.beans.factory.BeanDefinitionStoreException: '
    "IOException parsing XML document from class path resource [applicationContext-egg.xml]; "
    "nested exception is java.io.FileNotFoundException: class path resource "
    "[applicationContext-egg.xml] cannot be opened because it does not exist",
    "\tat org.springframework.beans.factory.xml.XmlBeanDefinitionReader.loadBeanDefinitions("
    "XmlBeanDefinitionReader.java:343)",
]
POSTGRES = [  # minio/operator#1220
    "PostgreSQL Database directory appears to contain a database; Skipping initialization",
    "2022-07-25 22:47:13.859 UTC [1] LOG:  database system is ready to accept connections",
    '2022-07-25 22:47:49.020 UTC [20] FATAL:  password authentication failed for user "postgres"',
]
MIMIR = [  # grafana/mimir#1669
    "/docker-entrypoint.sh: No files found in /docker-entrypoint.d/, skipping configuration",
    '2022/04/10 07:38:01 [emerg] 1#1: host not found in resolver '
    '"kube-dns.kube-system.svc.cluster.local" in /etc/nginx/nginx.conf:25',
    'nginx: [emerg] host not found in resolver "kube-dns.kube-system.svc.cluster.local" in '
    "/etc/nginx/nginx.conf:25",
]
FLAGSMITH = [  # Flagsmith/flagsmith#973, the traceback's shape from cookiecutter-django#1057
    "Traceback (most recent call last):",
    '  File "/usr/local/lib/python3.8/site-packages/django/db/migrations/loader.py", line 306, '
    "in check_consistent_history",
    "    connection.alias,",
    "django.db.migrations.exceptions.InconsistentMigrationHistory: Migration "
    "features.0040_add_change_request_to_feature_state is applied before its dependency "
    "workflows_core.0001_initial on database 'default'.",
]
CNPG = [  # cloudnative-pg/cloudnative-pg#1191
    '{"level":"info","ts":1671002792.2669437,"logger":"setup","msg":"Starting CloudNativePG '
    'Instance Manager","logging_pod":"nextcloud-db-1","version":"1.18.0"}',
    '{"level":"error","ts":1671002822.2689383,"msg":"Failed to get API Group-Resources",'
    '"error":"Get \\"https://10.43.0.1:443/api?timeout=32s\\": dial tcp 10.43.0.1:443: i/o '
    'timeout","stacktrace":"sigs.k8s.io/controller-runtime/pkg/cluster.New\\n\\t..."}',
]


@pytest.mark.parametrize("lines, quoted", [
    (WEKAN, "Error: Cannot find module '/build/main.js'"),
    (SPRING, "Failed to configure a DataSource: 'url' attribute is not specified and no "
             "embedded datasource could be configured."),
    (KUBEFATE, KUBEFATE[0]),
    (CNPG, 'Failed to get API Group-Resources: Get "https://10.43.0.1:443/api?timeout=32s": '
           "dial tcp 10.43.0.1:443: i/o timeout"),
], ids=["node_error_not_the_version", "spring_description_not_advice",
        "java_exception_in_main_not_the_frames", "json_msg_and_error"])
def test_fires_with_the_line_that_states_the_failure(lines, quoted):
    found = causes.from_log(lines)
    assert found is not None
    assert found.lines == [quoted]
    assert found.label.startswith('reason read from the log: "')
    assert quoted[:150] in found.label


@pytest.mark.parametrize("lines, label", [
    (STORK, "panics: runtime error: invalid memory address or nil pointer dereference"),
    (POSTGRES, 'the database refuses the password of user "postgres"'),
    (MIMIR, 'nginx cannot resolve its DNS resolver "kube-dns.kube-system.svc.cluster.local"'),
    (FLAGSMITH, "the database's migration history is inconsistent: Migration "
                "features.0040_add_change_request_to_feature_state is applied before its "
                "dependency workflows_core.0001_initial"),
    (["exec /bin/connect-api: exec format error"],
     "the image is built for another CPU architecture than the node's (exec format error)"),
], ids=["go_panic_not_the_trace", "postgres_password", "nginx_resolver",
        "django_inconsistent_history", "exec_format"])
def test_fires_with_a_precise_cause_and_its_fix(lines, label):
    found = causes.from_log(lines)
    assert found is not None and found.label == label and found.fix
    assert not any(line.startswith(("goroutine", "\t")) for line in found.lines)


def test_the_resolver_names_the_service_it_cannot_resolve():
    found = causes.from_log(MIMIR)
    assert found.facts == {"unresolved_host": "kube-dns.kube-system.svc.cluster.local",
                           "resolver": True}


def test_silent_on_a_log_that_states_no_failure():
    assert causes.from_log(["Operations to perform:", "  Apply all migrations: admin",
                            "No migrations to apply."]) is None
    assert causes.from_log(['2024/01/01 10:00:00 [warn] 1#1: an upstream response is buffered']) \
        is None


def test_silent_on_info_lines_naming_an_exception_logger():
    line = "2024-01-01 10:00:00 INFO  o.s.w.s.h.ExceptionHandlerExceptionResolver - started"
    assert causes.from_log([line]) is None


def test_crashloop_quotes_the_stated_line_instead_of_cause_unknown():
    p = pod("w", waiting="CrashLoopBackOff", restarts=4, last={"exitCode": 1, "reason": "Error"})
    [f] = run(crashloop, p, logs={("app", "w", "app", False): WEKAN})
    assert f.summary == ("Container app of pod app/w is crash-looping (4 restarts): reason read "
                         "from the log: \"Error: Cannot find module '/build/main.js'\".")
    assert f.evidence[2] == "Error: Cannot find module '/build/main.js'"


def test_crashloop_quotes_the_last_words_of_a_non_zero_exit():
    p = pod("w", waiting="CrashLoopBackOff", restarts=4, last={"exitCode": 3, "reason": "Error"})
    [f] = run(crashloop, p, logs={("app", "w", "app", False): ["starting", "config has no db url",
                                                               ""]})
    assert f.summary.endswith('reason read from the log: "config has no db url".')


def test_a_megabyte_line_is_cut_before_it_is_read():
    line = "x" * 1_000_000 + " ERROR: too far to matter"
    assert causes.from_log([line]) is None
    assert len(causes.capped([line])[0]) == causes.LINE_CAP
