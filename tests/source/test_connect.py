"""Each way a kubeconfig or a server can fail ends as the one line a user sees, exit code 2."""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from aiohttp import web

from kubetriage.cli import fail
from kubetriage.cluster.connect import connect
from kubetriage.errors import UsageError


def kubeconfig(path: Path, server: str, *, contexts=("dev",), current="dev", user=None) -> Path:
    doc = {
        "apiVersion": "v1", "kind": "Config", "current-context": current,
        "clusters": [{"name": "c", "cluster": {"server": server}}],
        "contexts": [{"name": n, "context": {"cluster": "c", "user": "u"}} for n in contexts],
        "users": [{"name": "u", "user": user or {"token": "t"}}],
    }
    path.write_text(yaml.safe_dump(doc))
    return path


async def user_line(capsys, **kwargs) -> str:
    """What the user reads on stderr, and the exit code, when connect fails."""
    with pytest.raises(UsageError) as err:
        await connect(probe_timeout=2, environ={}, **kwargs)
    assert fail(str(err.value)) == 2
    return capsys.readouterr().err.rstrip("\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_missing_kubeconfig_file(tmp_path, capsys):
    line = await user_line(capsys, kubeconfig=str(tmp_path / "nope.yaml"))
    assert line == f"kubetriage: error: kubeconfig {tmp_path}/nope.yaml: no such file"


async def test_kubeconfig_env_with_no_existing_file(tmp_path, capsys):
    env = {"KUBECONFIG": f"{tmp_path}/a:{tmp_path}/b"}
    with pytest.raises(UsageError) as err:
        await connect(environ=env)
    assert str(err.value) == (f"no kubeconfig: none of the files in KUBECONFIG exists "
                              f"({tmp_path}/a:{tmp_path}/b)")


async def test_unknown_context(tmp_path, capsys):
    cfg = kubeconfig(tmp_path / "config", "http://127.0.0.1:1", contexts=("dev", "prod"))
    line = await user_line(capsys, kubeconfig=str(cfg), context="staging")
    assert line == (f"kubetriage: error: context 'staging' (--context) not found in {cfg}; "
                    "known contexts: dev, prod")


async def test_invalid_yaml_names_file_and_line(tmp_path, capsys):
    cfg = tmp_path / "config"
    cfg.write_text("apiVersion: v1\nclusters: [\n")
    line = await user_line(capsys, kubeconfig=str(cfg))
    assert line.startswith(f"kubetriage: error: kubeconfig {cfg}:3: not valid YAML (")


async def test_unreachable_server(tmp_path, capsys):
    port = free_port()
    cfg = kubeconfig(tmp_path / "config", f"http://127.0.0.1:{port}")
    line = await user_line(capsys, kubeconfig=str(cfg))
    assert line == (f"kubetriage: error: cannot reach the API server http://127.0.0.1:{port} "
                    "(context 'dev'): connection refused")


@pytest.fixture
def self_signed(tmp_path) -> tuple[Path, Path]:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-subj", "/CN=127.0.0.1", "-days", "1"],
                   check=True, capture_output=True)
    return cert, key


async def test_tls_failure_on_an_untrusted_certificate(tmp_path, capsys, self_signed):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(*self_signed)
    runner = web.AppRunner(web.Application())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ctx)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        cfg = kubeconfig(tmp_path / "config", f"https://127.0.0.1:{port}")
        line = await user_line(capsys, kubeconfig=str(cfg))
    finally:
        await runner.cleanup()
    assert line == (f"kubetriage: error: TLS failure talking to the API server "
                    f"https://127.0.0.1:{port} (context 'dev'): certificate verify failed: "
                    "self-signed certificate")


async def test_expired_exec_credential(tmp_path, capsys):
    plugin = tmp_path / "plugin.py"
    plugin.write_text(
        "import json\nprint(json.dumps({'apiVersion': 'client.authentication.k8s.io/v1', "
        "'kind': 'ExecCredential', 'status': {'token': 'x', "
        "'expirationTimestamp': '2024-01-02T03:04:05Z'}}))\n")
    user = {"exec": {"apiVersion": "client.authentication.k8s.io/v1",
                     "command": sys.executable, "args": [str(plugin)]}}
    cfg = kubeconfig(tmp_path / "config", "http://127.0.0.1:1", user=user)
    line = await user_line(capsys, kubeconfig=str(cfg))
    assert line == ("kubetriage: error: the credential of user 'u' (context 'dev') expired at "
                    "2024-01-02 03:04:05 UTC (from its exec plugin); log in again")


async def test_failing_exec_plugin(tmp_path, capsys):
    plugin = tmp_path / "plugin.py"
    plugin.write_text("import sys\nsys.exit('error: SSO session expired, run aws sso login')\n")
    user = {"exec": {"apiVersion": "client.authentication.k8s.io/v1",
                     "command": sys.executable, "args": [str(plugin)]}}
    cfg = kubeconfig(tmp_path / "config", "http://127.0.0.1:1", user=user)
    line = await user_line(capsys, kubeconfig=str(cfg))
    assert line == (f"kubetriage: error: exec credential plugin {sys.executable!r} of user 'u' "
                    "failed: process returned 1. error: SSO session expired, run aws sso login")


async def test_expired_client_certificate(tmp_path, capsys, self_signed):
    cert, key = self_signed
    old = tmp_path / "old.pem"
    subprocess.run(["openssl", "x509", "-in", cert, "-signkey", key, "-days", "-1", "-out", old],
                   check=True, capture_output=True)
    ends = subprocess.run(["openssl", "x509", "-in", old, "-noout", "-enddate"], check=True,
                          capture_output=True, text=True).stdout
    user = {"client-certificate": str(old), "client-key": str(key)}
    cfg = kubeconfig(tmp_path / "config", "https://127.0.0.1:1", user=user)
    line = await user_line(capsys, kubeconfig=str(cfg))
    assert line.startswith("kubetriage: error: the client certificate of user 'u' "
                           "(context 'dev') expired at ")
    assert line.endswith(" UTC; get a new one")
    assert ends.split("=")[1].split()[3] in line  # the year of its notAfter


async def test_several_files_in_kubeconfig_first_current_context_wins(tmp_path):
    a = kubeconfig(tmp_path / "a", "http://127.0.0.1:1", contexts=("one",), current="one")
    b = kubeconfig(tmp_path / "b", "http://127.0.0.1:2", contexts=("two",), current="two")
    conn = await connect(probe=False, environ={"KUBECONFIG": f"{a}:{b}"})
    try:
        assert (conn.context, conn.server) == ("one", "http://127.0.0.1:1")
    finally:
        await conn.close()
    conn = await connect(probe=False, context="two", environ={"KUBECONFIG": f"{a}:{b}"})
    await conn.close()


async def test_rejected_credentials(tmp_path, capsys):
    from kubetriage.sim.server import SimServer

    async with SimServer(None, token="the-right-one") as sim:
        config = kubeconfig(tmp_path / "config", sim.url, user={"token": "an-old-one"})
        line = await user_line(capsys, kubeconfig=str(config))
    assert line.startswith("kubetriage: error: ")
    assert line.endswith("rejected the credentials (401 Unauthorized): the token or "
                         "certificate has expired or is not valid; log in again")
    assert "an-old-one" not in line and "\n" not in line


async def test_the_proxy_in_the_environment_is_used_as_kubectl_uses_it(tmp_path, monkeypatch,
                                                                      capsys):
    """HTTP_PROXY carries the requests to a server only the proxy can reach; NO_PROXY and a
    loopback server bypass it. Read once at connect time, as kubectl reads it."""
    import aiohttp

    from kubetriage.sim.server import SimServer

    seen: list[str] = []
    async with SimServer(None) as sim, aiohttp.ClientSession() as upstream:
        async def forward(request: web.Request) -> web.Response:
            seen.append(str(request.url))  # absolute-form: the target as the client named it
            async with upstream.request(request.method, sim.url + request.path_qs,
                                        headers={"Authorization": request.headers.get(
                                            "Authorization", "")}) as resp:
                return web.Response(status=resp.status, body=await resp.read(),
                                    content_type="application/json")

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", forward)
        runner = web.AppRunner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
            monkeypatch.delenv("NO_PROXY", raising=False)
            monkeypatch.delenv("no_proxy", raising=False)
            far = kubeconfig(tmp_path / "far", "http://cluster.invalid:6443")
            conn = await connect(kubeconfig=str(far), probe_timeout=5, environ={})
            try:
                assert (await conn.get_json("/api/v1/namespaces"))["kind"] == "NamespaceList"
            finally:
                await conn.close()
            assert seen == ["http://cluster.invalid:6443/version",
                            "http://cluster.invalid:6443/api/v1/namespaces"]

            near = kubeconfig(tmp_path / "near", sim.url)  # loopback: straight there
            conn = await connect(kubeconfig=str(near), probe_timeout=5, environ={})
            await conn.close()
            assert len(seen) == 2

            monkeypatch.setenv("NO_PROXY", "cluster.invalid")
            line = await user_line(capsys, kubeconfig=str(far))
            assert "cannot reach the API server http://cluster.invalid:6443" in line, line
            assert len(seen) == 2
        finally:
            await runner.cleanup()
