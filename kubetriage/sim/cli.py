"""`kubetriage sim`: run the embedded API server standalone until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sim", help="run the embedded Kubernetes API server on a scenario",
                       description="Run the embedded Kubernetes API server on a scenario.")
    p.add_argument("--scenario", default="midwestmtg", help="scenario name or directory")
    p.add_argument("--list", action="store_true", help="name every scenario and exit")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    p.add_argument("--kubeconfig-out", metavar="FILE", help="write a kubeconfig for it to FILE")
    p.add_argument("--speed", type=float, default=1.0, metavar="F",
                   help="play the timeline F times faster (default: 1)")
    p.add_argument("--scale", metavar="SPEC",
                   help="serve a generated cluster instead, e.g. pods=10000,events=20000")
    p.add_argument("--churn", metavar="N/s", help="with --scale: change N objects a second")
    faults = p.add_argument_group("fault injection (off by default)")
    faults.add_argument("--drop-watch-every", type=int, default=0, metavar="N",
                        help="cut every Nth watch mid-stream")
    faults.add_argument("--gone-watch-every", type=int, default=0, metavar="N",
                        help="answer every Nth watch with 410 Expired")
    faults.add_argument("--stall-watch-every", type=int, default=0, metavar="N",
                        help="leave every Nth watch open and silent (a half-open connection)")
    faults.add_argument("--error-rate", type=float, default=0.0, metavar="R",
                        help="answer this fraction of requests with 500")
    faults.add_argument("--latency", type=float, default=0.0, metavar="S",
                        help="add S seconds to every answer")
    faults.add_argument("--forbid-cluster-wide", action="store_true",
                        help="answer all-namespaces lists and watches with 403")
    faults.add_argument("--kubelet-down", action="store_true",
                        help="no kubelet answers, as when a node is gone: pods/log answers 500 "
                             "(dial tcp NODE:10250: connection refused) and deleted pods stay "
                             "Terminating until force-deleted")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from kubetriage.errors import UsageError
    from kubetriage.sim.faults import Faults

    if args.list:
        return _list()
    if args.speed <= 0:
        raise UsageError(f"--speed must be greater than 0, not {args.speed}")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {args.port}")
    if not 0 <= args.error_rate <= 1:
        raise UsageError(f"--error-rate must be between 0 and 1, not {args.error_rate}")
    for flag in ("drop_watch_every", "gone_watch_every", "stall_watch_every", "latency"):
        if getattr(args, flag) < 0:
            raise UsageError(f"--{flag.replace('_', '-')} must be 0 (off) or more, not "
                             f"{getattr(args, flag)}")
    if args.churn and not args.scale:
        raise UsageError("--churn needs --scale")
    if args.kubeconfig_out:
        from pathlib import Path

        from kubetriage.errors import writable
        writable(Path(args.kubeconfig_out), "--kubeconfig-out")
    churn = _churn_rate(args.churn) if args.churn else None
    scenario = _scenario(args)
    faults = Faults(drop_watch_every=args.drop_watch_every,
                    gone_watch_every=args.gone_watch_every,
                    stall_watch_every=args.stall_watch_every, error_rate=args.error_rate,
                    latency=args.latency, forbid_cluster_wide=args.forbid_cluster_wide,
                    kubelet_down=args.kubelet_down)
    return asyncio.run(_serve(args, scenario, faults, churn))


def _list() -> int:
    from kubetriage.sim import scenario as scenarios

    described = scenarios.describe()
    width = max(map(len, described))
    for name, description in described.items():
        print(f"{name:<{width}}  {description}")
    print(f"{'(--scale)':<{width}}  a generated large cluster for benchmarks, "
          "e.g. --scale pods=10000,events=30000,helmreleases=500 --churn 200/s")
    return 0


def _scenario(args: argparse.Namespace):
    from kubetriage.errors import UsageError
    from kubetriage.sim import scenario as scenarios

    if not args.scale:
        return scenarios.load(args.scenario)
    from kubetriage.sim import generate
    try:
        counts = generate.parse_scale(args.scale)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return generate.generate_scenario(**counts)


def _churn_rate(text: str) -> float:
    from kubetriage.errors import UsageError
    from kubetriage.sim.generate import parse_rate
    try:
        return parse_rate(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


async def _serve(args: argparse.Namespace, scenario, faults, churn: float | None) -> int:
    from kubetriage.sim.server import SimServer

    sim = SimServer(scenario, speed=args.speed, faults=faults, adopt=True)  # made for it
    try:
        url = await sim.start(port=args.port)
    except OSError as exc:
        from kubetriage.errors import UsageError
        raise UsageError(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror}") from None
    print(f"kubetriage sim: serving scenario {scenario.name} at {url}", flush=True)
    if args.kubeconfig_out:
        try:
            path = sim.write_kubeconfig(args.kubeconfig_out)
        except OSError as exc:
            await sim.stop()
            from kubetriage.errors import UsageError
            raise UsageError(f"--kubeconfig-out {args.kubeconfig_out}: cannot write: "
                             f"{exc.strerror or exc}") from None
        print(f"kubeconfig: {path}  (kubectl --kubeconfig {path} get pods -A)", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    churn_task = None
    if churn:
        from kubetriage.sim.churn import churn as run_churn
        churn_task = asyncio.create_task(run_churn(sim.state, churn))
    try:
        await stop.wait()
    finally:
        if churn_task is not None:
            churn_task.cancel()
        await sim.stop()
    print("kubetriage sim: stopped", file=sys.stderr, flush=True)
    return 0
