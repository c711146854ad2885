"""No module of the package over ~450 lines without saying why in its docstring (issue 16): a
long module is read as a whole only when its reader is told what holds it together."""

from __future__ import annotations

import ast
from pathlib import Path

import kubetriage

LIMIT = 450
PACKAGE = Path(kubetriage.__file__).parent


def test_long_modules_say_why_they_are_whole():
    unexplained = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") <= LIMIT:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        if "on purpose" not in doc:
            unexplained.append(f"{path.relative_to(PACKAGE)}: {text.count(chr(10))} lines")
    assert unexplained == [], "split them, or say why in the docstring ('... on purpose: ...')"
