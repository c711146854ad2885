"""Benchmark of the dashboard, headless, against the scale generator's cluster under churn.

    .venv/bin/python bench/ui.py [--scale pods=10000,events=30000,helmreleases=500] [--churn 200]

The embedded server runs as `kubetriage sim --scale ... --churn N/s` in a child process (as a
real API server would be elsewhere); the app connects to it through a kubeconfig. Figures, one
`name: value` line each:
  first_screen_s  launch to a fully drawn main screen: every pod row in, and the chains drawn
  key_p95_ms      a key press (cursor down in the pods panel) until the screen processed it
  change_p99_ms   an Event created on the server until its row is in the events panel
  redraws_per_s   screen updates per second while the server churns
Targets: first_screen_s < 3, key_p95_ms < 50, change_p99_ms < 500, redraws_per_s <= 10.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kubetriage.tui.app import KubetriageApp
from kubetriage.tui.widgets.resource_table import ResourceTable

KEYS = 100
CHANGES = 40


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def measure(kubeconfig: Path, pods: int) -> dict[str, float]:
    started = time.perf_counter()
    app = KubetriageApp(kubeconfig=str(kubeconfig))
    redraws = 0
    display = app._display

    def counted(screen, renderable) -> None:  # every screen update goes through here
        nonlocal redraws
        if renderable is not None:
            redraws += 1
        display(screen, renderable)

    app._display = counted
    out: dict[str, float] = {}
    async with app.run_test(size=(160, 48)) as pilot:
        table = app.screen_main.query_one("#pods-table", ResourceTable)
        while not (table.row_count >= pods and app.diagnoses > 0):
            await asyncio.sleep(0.01)
        await pilot.pause()
        out["first_screen_s"] = time.perf_counter() - started
        out["chains"] = len(app.report.chains)

        table.focus()
        keys = []
        for _ in range(KEYS):
            t = time.perf_counter()
            await pilot.press("down")
            keys.append((time.perf_counter() - t) * 1000)
        out["key_p95_ms"] = quantile(keys, 95)

        events = app.screen_main.query_one("#events-table", ResourceTable)
        conn = app.source.conn
        ns = app.model.namespaces and sorted(app.model.namespaces)[0]
        changes = []
        redraws, t0 = 0, time.perf_counter()
        for i in range(CHANGES):
            marker = f"bench-{i}-{time.monotonic_ns()}"
            body = {"apiVersion": "v1", "kind": "Event",
                    "metadata": {"name": marker, "namespace": ns},
                    "involvedObject": {"kind": "Pod", "name": marker, "namespace": ns},
                    "type": "Warning", "reason": "Bench", "message": marker, "count": 1}
            resp = await conn.request("POST", f"/api/v1/namespaces/{ns}/events", body=body)
            async with resp:
                await resp.read()
            created = time.perf_counter()
            while not _has(events, marker):
                await asyncio.sleep(0.002)
            changes.append((time.perf_counter() - created) * 1000)
            await asyncio.sleep(0.05)
        out["redraws_per_s"] = redraws / (time.perf_counter() - t0)
        out["change_p99_ms"] = quantile(changes, 99)
    return out


def _has(table: ResourceTable, marker: str) -> bool:
    return any(marker in key[2] for key in table._rows if key[0] == "Event")


def start_server(scale: str, churn: str, kubeconfig: Path, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "kubetriage", "sim", "--scale", scale,
                                 "--churn", churn, "--kubeconfig-out", str(kubeconfig)],
                                stdout=out, stderr=out)
    while "kubeconfig:" not in log.read_text():  # printed once the server listens
        if proc.poll() is not None:
            raise SystemExit(f"the embedded server did not start: {log.read_text()}")
        time.sleep(0.1)
    return proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="pods=10000,events=30000,helmreleases=500")
    parser.add_argument("--churn", default="200")
    args = parser.parse_args()
    pods = int(dict(p.split("=") for p in args.scale.split(","))["pods"])
    with tempfile.TemporaryDirectory() as tmp:
        kubeconfig, log = Path(tmp) / "kubeconfig", Path(tmp) / "server.log"
        server = start_server(args.scale, args.churn, kubeconfig, log)
        try:
            out = asyncio.run(measure(kubeconfig, pods))
        finally:
            server.terminate()
            server.wait()
    for name, value in out.items():
        print(f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}")


if __name__ == "__main__":
    main()
