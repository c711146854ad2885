"""The benchmarks' reference client: the lists the dashboard reads, fetched the way it fetches
them (every kind at once, pages of the same size, each page decoded to find the next) by a plain
aiohttp client and orjson, nothing kept. What reading the cluster costs anyway.

    python bench/raw_lists.py --kubeconfig FILE --kinds Pod,Event,... --page-size 500

Prints the bytes and objects read. Run as a process of its own (harness.raw_lists), so its time
counts its start-up as the product's does.
"""

from __future__ import annotations

import argparse
import asyncio

import aiohttp
import orjson
import yaml

from kubetriage.core.resources import RESOURCES  # a table of paths: no client, no I/O


async def fetch(session: aiohttp.ClientSession, url: str, path: str,
                page_size: int) -> tuple[int, int]:
    """Every page of one list: (bytes, objects)."""
    size = objects = 0
    params: dict[str, str | int] = {"limit": page_size}
    while True:
        async with session.get(url + path, params=params) as resp:
            if resp.status in (403, 404):
                return size, objects
            resp.raise_for_status()
            body = await resp.read()
        page = orjson.loads(body)
        size += len(body)
        objects += len(page.get("items") or ())
        token = (page.get("metadata") or {}).get("continue")
        if not token:
            return size, objects
        params = {"limit": page_size, "continue": token}


async def main(kubeconfig: str, kinds: list[str], page_size: int) -> None:
    config = yaml.safe_load(open(kubeconfig))
    url = config["clusters"][0]["cluster"]["server"]
    token = config["users"][0]["user"].get("token")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    paths: dict[str, str] = {}
    for r in RESOURCES:  # the first version listed is the preferred one, as discovery finds it
        if r.kind in kinds:
            paths.setdefault(r.kind, r.path())
    async with aiohttp.ClientSession(headers=headers) as session:
        got = await asyncio.gather(*(fetch(session, url, p, page_size) for p in paths.values()))
    print(sum(b for b, _ in got), sum(n for _, n in got))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--kinds", required=True, help="comma-separated kinds")
    parser.add_argument("--page-size", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(main(args.kubeconfig, args.kinds.split(","), args.page_size))
