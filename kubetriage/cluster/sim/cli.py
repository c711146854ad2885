"""`kubetriage sim`: run the embedded API server standalone."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sim", help="run the embedded Kubernetes API server on a scenario",
                       description="Run the embedded Kubernetes API server on a scenario.")
    p.add_argument("--scenario", default="midwestmtg", help="scenario name or directory")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    p.add_argument("--kubeconfig-out", metavar="FILE", help="write a kubeconfig for it to FILE")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    raise NotImplementedError("the embedded server is being built")
