"""Benchmark of the dashboard, headless, against the scale generator's cluster under churn.

    .venv/bin/python bench/ui.py [--scale pods=10000,events=30000,helmreleases=500] [--churn 200]

The embedded server runs as `kubetriage sim --scale ... --churn N/s` in a child process (as a
real API server would be elsewhere); the app connects to it through a kubeconfig. Figures, one
`name: value` line each:
  first_screen_s  launch, as `kubetriage` does it (importing the cluster client, connecting,
                  discovering, the lists starting; then the app created and Textual started),
                  until the first frame sent to the terminal after every row of the cluster is
                  in its panel (all pods, all folded events) and the first diagnosis is drawn
                  (chains panel and namespace badges)
  key_p95_ms      a key press (cursor down in the pods panel) sent as the terminal driver sends
                  it, until the first frame sent to the terminal that shows the cursor on the
                  next row; keys 50 ms apart (a held key repeats at ~30/s), while the server
                  churns and the diagnosis runs
  change_p99_ms   an Event created on the server (its POST answered) until the first frame
                  sent to the terminal after its row is in the events panel
  redraws_per_s   screen updates per second while the server churns
Every figure is taken against the warmed server (the big lists fetched once before, as
bench/sync.py does: the embedded server's first large answers pay for its own warm-up, a real
API server answers lists from its watch cache); `--cold` skips that.
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

from textual import events as textual_events

from kubetriage.tui.app import KubetriageApp  # first: kubetriage.tui sets Textual's frame rate
from kubetriage.tui.run import open_source
from kubetriage.tui.viewmodel.rows import fold_key
from kubetriage.tui.widgets.resource_table import ResourceTable

KEYS = 100
KEY_GAP_S = 0.05
CHANGES = 40


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def measure(kubeconfig: Path, pods: int) -> dict[str, float]:
    started = time.perf_counter()
    app = KubetriageApp(source=await open_source(str(kubeconfig)))
    redraws = 0
    frames: list[tuple[float, object]] = []  # (when, the pods panel's cursor row then)
    table: ResourceTable | None = None
    display = app._display

    def counted(screen, renderable) -> None:  # every screen update goes through here
        nonlocal redraws
        display(screen, renderable)
        if renderable is not None:
            redraws += 1
            frames.append((time.perf_counter(), table.cursor_key if table else None))

    app._display = counted
    out: dict[str, float] = {}
    async with app.run_test(size=(160, 48)):
        table = app.screen_main.query_one("#pods-table", ResourceTable)
        events = app.screen_main.query_one("#events-table", ResourceTable)
        while not (table.row_count >= pods and app.diagnoses > 0
                   and events.row_count >= len(app.model.folded) > 0):
            await asyncio.sleep(0.005)
        filled = len(frames)
        while len(frames) == filled:  # the frame that shows it
            await asyncio.sleep(0.001)
        out["first_screen_s"] = frames[filled][0] - started
        out["chains"] = len(app.report.chains)

        table.focus()
        await asyncio.sleep(0.2)
        keys = []
        for _ in range(KEYS):
            before, seen = table.cursor_key, len(frames)
            sent = time.perf_counter()
            key = textual_events.Key("down", None)
            key.set_sender(app)
            app._driver.send_message(key)  # as the terminal driver delivers a key
            while not any(cursor != before for _, cursor in frames[seen:]):
                await asyncio.sleep(0.001)
            shown = next(t for t, cursor in frames[seen:] if cursor != before)
            keys.append((shown - sent) * 1000)
            await asyncio.sleep(KEY_GAP_S)
        out["key_p95_ms"] = quantile(keys, 95)
        out["key_max_ms"] = max(keys)

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
            created, row = time.perf_counter(), fold_key(body)
            while not events.has_row(row):
                await asyncio.sleep(0.002)
            seen = len(frames)
            while len(frames) == seen:  # the frame that shows it
                await asyncio.sleep(0.001)
            changes.append((frames[seen][0] - created) * 1000)
            await asyncio.sleep(0.05)
        out["redraws_per_s"] = redraws / (time.perf_counter() - t0)
        out["change_p99_ms"] = quantile(changes, 99)
    return out


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


WARM_PATHS = ("/api/v1/pods", "/api/v1/events", "/apis/helm.toolkit.fluxcd.io/v2/helmreleases")


def warm(kubeconfig: Path) -> None:
    for path in WARM_PATHS:
        subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig), "get", "--raw", path],
                       check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="pods=10000,events=30000,helmreleases=500")
    parser.add_argument("--churn", default="200")
    parser.add_argument("--cold", action="store_true", help="do not warm the server first")
    args = parser.parse_args()
    pods = int(dict(p.split("=") for p in args.scale.split(","))["pods"])
    with tempfile.TemporaryDirectory() as tmp:
        kubeconfig, log = Path(tmp) / "kubeconfig", Path(tmp) / "server.log"
        server = start_server(args.scale, args.churn, kubeconfig, log)
        try:
            if not args.cold:
                warm(kubeconfig)
            out = asyncio.run(measure(kubeconfig, pods))
        finally:
            server.terminate()
            server.wait()
    for name, value in out.items():
        print(f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}")


if __name__ == "__main__":
    main()
