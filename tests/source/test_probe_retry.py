"""A server answering 500 to the first GET /version (restarting, behind a load balancer) is
asked again, twice at most, with a short backoff; one that keeps failing is one line."""

from __future__ import annotations

import pytest
import yaml
from aiohttp import web

from kubetriage.cluster.connect import connect
from kubetriage.errors import UsageError


async def version_server(tmp_path, failures: int):
    asked: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        asked.append(request.path)
        if len(asked) <= failures:
            return web.json_response({"kind": "Status", "code": 500, "reason": "InternalError",
                                      "message": "etcdserver: leader changed"}, status=500)
        return web.json_response({"major": "1", "minor": "33", "gitVersion": "v1.33.0"})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    config = tmp_path / "config"
    config.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "dev",
        "clusters": [{"name": "c", "cluster": {
            "server": f"http://127.0.0.1:{runner.addresses[0][1]}"}}],
        "contexts": [{"name": "dev", "context": {"cluster": "c", "user": "u"}}],
        "users": [{"name": "u", "user": {"token": "t"}}]}))
    return runner, str(config), asked


async def test_one_500_on_the_first_version_is_retried(tmp_path):
    runner, config, asked = await version_server(tmp_path, failures=1)
    try:
        conn = await connect(config, environ={})
        await conn.close()
    finally:
        await runner.cleanup()
    assert asked == ["/version", "/version"]


async def test_a_server_that_keeps_answering_500_is_one_line(tmp_path):
    runner, config, asked = await version_server(tmp_path, failures=100)
    try:
        with pytest.raises(UsageError) as err:
            await connect(config, environ={})
    finally:
        await runner.cleanup()
    assert len(asked) == 3
    assert "answered 500" in str(err.value) and "leader changed" in str(err.value)
