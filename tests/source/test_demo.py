"""--demo: the embedded server in this process, reached through a kubeconfig like any cluster;
logs, follow, Helm history on demand, and a Snapshot the checks can read."""

from __future__ import annotations

from contextlib import aclosing

from kubetriage.cluster.source import ClusterSource

FRONTEND = "midwestmtg-frontend-7797b494d9-x48qh"
NGINX = 'nginx: [emerg] host not found in upstream "midwestmtg-backend" in /etc/nginx/nginx.conf:34'


async def test_demo_connects_through_a_kubeconfig_and_serves_logs_and_snapshots():
    source = await ClusterSource.open(demo="midwestmtg")
    try:
        await source.wait_synced(20)
        assert source.conn.context == "kubetriage-sim"
        assert source.conn.server.startswith("http://127.0.0.1:")
        assert source.discovered.missing == {}
        assert source.store.get("Pod", "midwestmtg", FRONTEND) is not None
        assert {s.phase for s in source.store.states().values()} == {"live"}

        previous = await source.logs("midwestmtg", FRONTEND, "frontend", previous=True)
        assert previous[-1] == NGINX
        assert len(await source.logs("midwestmtg", "redis-master-0", "redis", tail=3)) == 3

        lines = []
        async with aclosing(source.follow("midwestmtg", "redis-master-0", "redis",
                                          tail=2)) as stream:
            async for line in stream:
                lines.append(line)
                if len(lines) == 2:
                    break
        redis_log = await source.logs("midwestmtg", "redis-master-0", "redis", tail=2)
        assert lines == redis_log

        snap = await source.snapshot()
        assert snap.log("midwestmtg", FRONTEND, "frontend", previous=True)[-1] == NGINX
        assert snap.get("HelmRelease", "midwestmtg", "midwestmtg-backend") is not None
        secrets = [s for s in snap.of_kind("Secret")
                   if s["metadata"]["name"].startswith("sh.helm.release.v1.")]
        assert secrets and all("data" not in s for s in secrets)  # the store keeps no data

        history = await source.helm_release_secrets("midwestmtg", "midwestmtg-backend")
        assert [s["metadata"]["name"] for s in history][:2] == [
            "sh.helm.release.v1.midwestmtg-backend.v1", "sh.helm.release.v1.midwestmtg-backend.v2"]
        assert all(s["data"].get("release") for s in history)  # fetched on demand, encoded
    finally:
        await source.close()
