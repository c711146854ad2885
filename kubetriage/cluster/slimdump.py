"""A dump read into the form the live store keeps (slim.py: what the checks and the dashboard
read), as `kubetriage check --from-dump` reads it: memory follows the store's, not the dump's
size (10k pods: 335 MB for a 226 MB indented dump, read whole 900 MB).

A JSON List is decoded item by item from the file's bytes (msgspec.Raw slices): pods and events
straight into their shape with the decoders a live list page uses, other kinds whole and then
slimmed. YAML, and anything unusual in a file, takes dump.py's whole-object path (which says
what is wrong with it), then is slimmed.
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import orjson

from kubetriage.cluster import slim
from kubetriage.cluster.dump import Dump, DumpError, Offload, load_dump, objects_in


def load_slim_dump(path: str | Path, offload: Offload | None = None) -> Dump:
    """load_dump, each object in its kept form (see load_dump for offload)."""
    return load_dump(path, reader=slim_objects_in, offload=offload)


class _Head(msgspec.Struct):
    """A JSON List's kind and apiVersion, its items left undecoded (slices of the file's
    bytes); any other field skipped unbuilt."""

    kind: Any = None
    apiVersion: Any = None
    items: list[msgspec.Raw] | None = None


class _Kind(msgspec.Struct):
    """An item's kind and apiVersion, the rest skipped unbuilt."""

    kind: Any = None
    apiVersion: Any = None


_LIST_HEAD = msgspec.json.Decoder(_Head)
_AN_OBJECT = re.compile(rb"\s*{")
_ITEM_KIND = msgspec.json.Decoder(_Kind)


def slim_objects_in(file: Path) -> Iterator[tuple[str, Any]]:
    """As dump.objects_in, each object slimmed; a JSON List is decoded item by item from the file's
    bytes, pods and events straight into their kept form. A file that is anything else (YAML,
    one object, not valid JSON or UTF-8, an item that is not an object) takes the whole-object
    path, which says what is wrong with it."""
    try:
        data = _mapped(file)
    except OSError as exc:
        raise DumpError(f"{file}: cannot read: {exc.strerror}") from None
    found = _slim_list(file, data)
    del data
    if found is None:
        for where, obj in objects_in(file):
            yield where, _slimmed(obj)
        return
    yield from found


def _mapped(file: Path) -> bytes | memoryview:
    """The file's bytes, mapped rather than read where it can be: the items are decoded from
    the page cache itself (a 190 MB file: 0.12 s of copying saved)."""
    with file.open("rb") as f:
        try:
            return memoryview(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
        except (OSError, ValueError):  # empty, or not a regular file
            return f.read()


def _slimmed(obj: Any) -> Any:
    """The kept form of what looks like an object; anything else as it is, for _identity to
    say what is wrong with it."""
    if isinstance(obj, dict) and isinstance(obj.get("kind"), str) \
            and isinstance(obj.get("metadata"), dict):
        return slim.slim(obj)
    return obj


def _slim_list(file: Path, data: bytes | memoryview) -> list[tuple[str, Any]] | None:
    """Every item of a JSON List, slimmed; None when the file is not one or an item is odd."""
    if not _AN_OBJECT.match(data):
        return None
    try:
        head = _LIST_HEAD.decode(data)
        if not isinstance(head.kind, str) or not head.kind.endswith("List") or head.items is None:
            return None
        typed = head.kind != "List"  # a PodList from the API leaves kind off its items
        default_kind = head.kind[: -len("List")] if typed else None
        default_version = head.apiVersion if typed and isinstance(head.apiVersion, str) else None
        # the kind of a List's items is most often one: each item is read once as that kind
        # (pods and events), and only one that is not is read as what it is
        first = _ITEM_KIND.decode(head.items[0]).kind if head.items else None
        guess = first or default_kind
        out = []
        for i, raw in enumerate(head.items):
            obj = slim.decode_item(raw, guess, default_kind, default_version) \
                if isinstance(guess, str) else None
            if obj is not None:
                out.append((f"{file} items[{i}]", obj))
                continue
            item = _ITEM_KIND.decode(raw)
            kind = item.kind or (head.kind[: -len("List")] if typed else None)
            version = item.apiVersion or (head.apiVersion if typed else None)
            obj = slim.decode_object(raw, kind, version) \
                if isinstance(kind, str) and isinstance(version, str) else None
            if obj is None:
                whole = orjson.loads(bytes(raw))
                if typed and isinstance(whole, dict):
                    whole.setdefault("kind", kind)
                    whole.setdefault("apiVersion", version)
                obj = _slimmed(whole)
            out.append((f"{file} items[{i}]", obj))
        return out
    except (msgspec.DecodeError, orjson.JSONDecodeError):
        return None


