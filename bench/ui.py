"""Benchmark of the dashboard as a user runs it, against the scale generator's cluster under churn,
beside the reference reads of the same lists in the same run.

    .venv/bin/python bench/ui.py [--scale pods=10000,events=30000,helmreleases=500] [--churn 200]
                                 [--hogs N] [--no-kubectl]

The embedded server runs as `kubetriage sim --scale ... --churn N/s` in a child process. The
dashboard is the installed `kubetriage --kubeconfig K` in a 160x48 pseudo-terminal this script
holds (Textual's own terminal driver, with a probe noting what each frame showed: probe.py); keys
are bytes written to the terminal. Every clock starts just before a process is created. Figures,
one `name: value` line each:
  first_screen_s  process start until the first frame sent to the terminal with rows in the pods
                  and events panels and chains drawn: of a large cluster, its first pages and a
                  report "so far" (the kinds listed whole; the status bar says how far the lists
                  are)
  first_screen_rows_chains  the pods', the events' rows and the chains then
  first_chains_s  process start until the first frame with a chain drawn (so far, or whole)
  complete_s      process start until the first frame after every pod is in its panel, every
                  folded event in its own, and the first whole diagnosis is drawn
  sync_s          process start until every list the dashboard reads is in its store
  raw_s           process start to exit of a plain aiohttp client reading the same lists the same
                  way (bench/raw_lists.py); kubectl_json_s: `kubectl get pods,events,helmreleases
                  -A -o json` (skipped with --no-kubectl: at 100k pods it takes minutes and GBs)
  ratio_first_screen_to_sync, ratio_complete_to_sync, ratio_complete_to_raw
  rows, frames_before_complete  the rows shown then, and the frames drawn until then
  rss_mb          the dashboard process's peak resident memory (VmHWM) at the end of the run
  helpers_rss_mb  the largest peak of the processes it forked (the diagnoses), when the first
                  diagnosis is drawn: mostly pages shared with the dashboard until written
  key_p95_ms      cursor down in the pods panel (its escape sequence written to the terminal)
                  until the first frame showing the cursor on the next row; keys 50 ms apart
                  while the server churns and the diagnosis runs; key_max_ms
  change_p99_ms   an Event created on the server (its POST answered) until the first frame
                  with its row in the events panel
  redraws_per_s   frames per second while the server churns
  load            the machine's load average (1, 5, 15 min) at the end: figures taken on a busy
                  machine are slower; --hogs N adds N spinning processes while keys are measured,
                  started early enough for the 1-minute load average to climb (to N + 1, or for
                  at most 90 s): load_during_keys says what it reached
Every figure is taken against the warmed server (each list read once before).
Targets (issue 18): 10k pods: first screen <= 2.5 s, RSS <= 250 MB, key p95 <= 50 ms (at load
4 too); 30k: first screen <= 5 s, RSS <= 600 MB; 100k: first screen <= 1.5 x sync_s, RSS <= 1.5 GB.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

import aiohttp
import harness
import yaml

KEYS = 100
KEY_GAP_S = 0.05
CHANGES = 40
CHANGE_TIMEOUT_S = 30.0
DOWN = b"\x1b[B"


def measure_keys(run: harness.Dashboard, keys: int) -> list[float]:
    run.send(b"4")  # the pods panel, focused
    time.sleep(0.5)
    out = []
    for _ in range(keys):
        seen = len(run.notes)
        before = _cursor(run)
        sent = run.send(DOWN)
        deadline = sent + 5
        shown = None
        while shown is None and time.monotonic() < deadline:
            for name, at, rest in run.notes[seen:]:
                if name == "frame" and rest != before:
                    shown = at
                    break
            time.sleep(0.001)
        if shown is None:
            raise SystemExit("a key press drew no frame within 5 s")
        out.append((shown - sent) * 1000)
        time.sleep(KEY_GAP_S)
    return out


def _cursor(run: harness.Dashboard) -> str:
    for name, _, rest in reversed(run.notes):
        if name == "frame":
            return rest
    return ""


async def measure_changes(run: harness.Dashboard, kubeconfig: Path) -> tuple[list[float], float]:
    config = yaml.safe_load(kubeconfig.read_text())
    url = config["clusters"][0]["cluster"]["server"]
    token = config["users"][0]["user"]["token"]
    latencies = []
    frames_before = sum(1 for n, _, _ in run.notes if n == "frame")
    t0 = time.monotonic()
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as session:
        async with session.get(f"{url}/api/v1/namespaces", params={"limit": 1}) as resp:
            ns = (await resp.json())["items"][0]["metadata"]["name"]
        for i in range(CHANGES):
            name = f"bench-{i}-{time.monotonic_ns()}"
            body = {"apiVersion": "v1", "kind": "Event",
                    "metadata": {"name": name, "namespace": ns},
                    "involvedObject": {"kind": "Pod", "name": name, "namespace": ns},
                    "type": "Warning", "reason": "Bench", "message": name, "count": 1}
            seen = len(run.notes)
            run.mark(f"{ns}/{name}")
            async with session.post(f"{url}/api/v1/namespaces/{ns}/events", json=body) as resp:
                resp.raise_for_status()
                await resp.read()
            created = time.monotonic()
            try:
                at, _ = await asyncio.to_thread(run.wait_for, "change", CHANGE_TIMEOUT_S, seen)
            except TimeoutError:
                latencies.append(float("inf"))  # counted as missed: p99 is then inf
                continue
            latencies.append((at - created) * 1000)
            await asyncio.sleep(0.05)
    frames = sum(1 for n, _, _ in run.notes if n == "frame") - frames_before
    return latencies, frames / (time.monotonic() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default=harness.DEFAULT_SCALE)
    parser.add_argument("--churn", default="200")
    parser.add_argument("--hogs", type=int, default=0,
                        help="spinning processes while keys are pressed (load)")
    parser.add_argument("--no-kubectl", action="store_true")
    args = parser.parse_args()
    pods = harness.pod_count(args.scale)
    out: dict[str, object] = {}
    with harness.server(args.scale, args.churn) as kubeconfig:
        harness.warm(kubeconfig)
        raw = harness.raw_lists(kubeconfig)  # under the same churn, just before
        out["raw_s"] = raw.seconds
        out["raw_rss_mb"] = raw.rss_mb
        with harness.dashboard(kubeconfig, pods) as run:
            complete, rows = run.wait_for("complete", 600)
            first, first_shown = run.wait_for("first_screen", 1)
            synced, _ = run.wait_for("synced", 1)
            out["first_screen_s"] = first - run.started
            out["first_screen_rows_chains"] = first_shown
            chains, _ = run.wait_for("first_chains", 1)
            out["first_chains_s"] = chains - run.started
            out["complete_s"] = complete - run.started
            out["sync_s"] = synced - run.started
            *shown, frames = rows.split()
            out["rows"] = " ".join(shown)
            out["frames_before_complete"] = int(frames)
            time.sleep(0.5)
            with harness.hogs(args.hogs):
                harness.until_load(args.hogs + 1, timeout=90)
                keys = measure_keys(run, KEYS)
                out["load_during_keys"] = harness.load()
            out["key_p95_ms"] = harness.quantile(keys, 95)
            out["key_max_ms"] = max(keys)
            changes, redraws = asyncio.run(measure_changes(run, kubeconfig))
            out["change_p99_ms"] = harness.quantile(changes, 99)
            out["changes_missed"] = sum(1 for c in changes if c == float("inf"))
            out["redraws_per_s"] = redraws
            out["rss_mb"] = run.peak_rss_mb()
            out["helpers_rss_mb"] = float(run.wait_for("helpers_rss", 5)[1])
        if not args.no_kubectl:
            out["kubectl_json_s"] = harness.kubectl_lists(kubeconfig,
                                                          "pods,events,helmreleases").seconds
    for name in ("first_screen", "complete"):
        out[f"ratio_{name}_to_sync"] = out[f"{name}_s"] / out["sync_s"]  # type: ignore[operator]
    out["ratio_complete_to_raw"] = out["complete_s"] / out["raw_s"]  # type: ignore[operator]
    out["load"] = harness.load()
    harness.print_figures(out)


if __name__ == "__main__":
    main()
