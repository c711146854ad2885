"""Every failure a user can cause or meet is one line on stderr and exit 2, never a traceback and
never exit 1 (which `check` means as "findings"): a server that is not Kubernetes, a discovery
answered 403, a log in a dump that is a directory, a report or kubeconfig path that is one."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest
from aiohttp import web


async def cli(*argv: str, cwd: Path | None = None) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kubetriage", *argv, cwd=cwd, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def one_line(code: int, err: str, *words: str) -> None:
    lines = err.splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("kubetriage: error: "), \
        f"exit {code}, stderr:\n{err}"
    for word in words:
        assert word in lines[0], lines[0]


async def serve(handler, tmp_path: Path) -> tuple[web.AppRunner, str]:
    """A real HTTP server that is not (quite) a Kubernetes API server, and a kubeconfig for it."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    config = tmp_path / "config"
    config.write_text(f"""apiVersion: v1
kind: Config
clusters: [{{name: c, cluster: {{server: "http://127.0.0.1:{port}"}}}}]
users: [{{name: u, user: {{token: t}}}}]
contexts: [{{name: c, context: {{cluster: c, user: u}}}}]
current-context: c
""")
    return runner, str(config)


async def html_everywhere(request: web.Request) -> web.Response:
    return web.Response(text="<html><body>Welcome to nginx!</body></html>",
                        content_type="text/html")


async def forbidden_discovery(request: web.Request) -> web.Response:
    if request.path == "/version":
        return web.json_response({"major": "1", "minor": "33", "gitVersion": "v1.33.0"})
    return web.json_response({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                              "reason": "Forbidden", "code": 403,
                              "message": f'forbidden: User "x" cannot get path "{request.path}"'},
                             status=403)


@pytest.mark.parametrize("handler, words", [
    (html_everywhere, ("not a Kubernetes API server", "text/html")),
    (forbidden_discovery, ("403", "/apis")),
], ids=["html-200", "discovery-403"])
async def test_a_server_that_will_not_serve_kubernetes_is_one_line(tmp_path, handler, words):
    runner, config = await serve(handler, tmp_path)
    try:
        code, _, err = await cli("check", "--kubeconfig", config)
    finally:
        await runner.cleanup()
    one_line(code, err, *words)
    assert "Unclosed" not in err


async def test_a_dump_log_that_is_a_directory_is_one_line(tmp_path):
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "shop"}}
    (tmp_path / "pods.json").write_text(json.dumps(pod))
    (tmp_path / "logs" / "shop" / "web" / "app.log").mkdir(parents=True)
    code, _, err = await cli("check", "--from-dump", str(tmp_path))
    one_line(code, err, "app.log", "directory")


async def test_verify_report_that_is_a_directory_is_refused_before_the_run(tmp_path):
    code, out, err = await cli("verify", "--demo", "healthy", "--stability", "1s",
                               "--report", str(tmp_path))
    one_line(code, err, "--report", "directory")
    assert out == "", "refused before any step ran"


async def test_sim_kubeconfig_out_that_is_a_directory_is_one_line(tmp_path):
    code, out, err = await cli("sim", "--scenario", "healthy", "--kubeconfig-out", str(tmp_path))
    one_line(code, err, "--kubeconfig-out", "directory")
    assert "serving" not in out, "refused before the server started"

