"""The failure chains as a tree: each root cause, worst first, with its summary and evidence, and
the symptoms it causes under it. The chains come from the diagnosis; this only draws them."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from kubetriage.checks.finding import Chain, Finding, Report
from kubetriage.core.text import clean
from kubetriage.tui.styling import rich_color, text

MAX_CHAINS = 100  # worst first; a tree of every chain of a 10k-pod cluster costs seconds to build
# a chain's worst symptoms: a node that breaks 100 pods would push every other chain off an
# 80x24 pane; selecting its root marks all of them in the other panels
MAX_SYMPTOMS = 8
MAX_SYMPTOMS_COMPACT = 3  # 80x24: the next chains' lines stay on the first screen
MAX_EVIDENCE = 3
MAX_FIXES = 2
MAX_ROWS_PER_LINE = 3  # a wrapped evidence line shows at most this many rows
WRAP_CACHE = 4096  # wrapped detail lines remembered
_KIND_SHORT = {"HelmRelease": "hr", "Kustomization": "ks", "Pod": "pod", "Job": "job",
               "Service": "svc", "Deployment": "deploy", "SealedSecret": "sealedsecret"}


@dataclass(frozen=True)
class ChainNode:
    chain: str
    finding: str | None  # None on the detail lines (summary, evidence, fixes)
    line: int = 0  # which detail line: the cursor stays on it when the tree is made again
    acts_on: str | None = None  # a chain's line: the finding of the object to act on


def object_label(f: Finding, namespace: bool = True) -> str:
    kind = _KIND_SHORT.get(f.object.kind, f.object.kind.lower())
    where = f"{f.object.namespace}/" if f.object.namespace and namespace else ""
    return f"{kind} {where}{f.object.name}"


def act_on(chain: Chain, root: Finding, findings: dict[str, Finding]) -> Finding:
    """The finding about the object the user acts on for this chain's root: a hook pod's Job
    (deleting the pod, the Job makes another; the Job is what Helm waits on), else the root."""
    if root.object.kind != "Pod":
        return root
    for fid in chain.links[1:]:
        f = findings.get(fid)
        if f is not None and f.object.kind == "Job" and f.facts.get("hook") and \
                root.object.name in (f.facts.get("pods") or ()) and \
                f.object.namespace == root.object.namespace:
            return f
    return root


_READING = ("logs-previous", "describe")  # fixes that read more; the evidence shows it already
RETRIES = ("reset", "reconcile-with-source", "reconcile", "force")


def fixes(*found: Finding) -> list[tuple[str, str | None]]:
    """(title, command) of what to do: the changes first (the cause's, then a release's
    retry), what only reads more (a log the evidence quotes) last, each once."""
    seen, out = set(), []
    for f in found:
        for r in f.remediations:
            if r.title not in seen:
                seen.add(r.title)
                rank = 2 if r.action in _READING else 1 if r.action == "delete-hook-job" else 0
                out.append((rank, r.title, r.command))
    return [(title, command) for _, title, command in sorted(out, key=lambda t: t[0])]


def _same(a: object, b: Text) -> bool:
    return isinstance(a, Text) and (a.plain, a.style, a.spans) == (b.plain, b.style, b.spans)


def ordered(report: Report) -> list[Chain]:
    """As the diagnosis orders them (worst first, the deeper cause first, then the widest:
    checks/ranking.py), so the panel tells `check`'s story in `check`'s order."""
    return list(report.chains)


def _breaks(text: str, first: int, rest: int) -> list[int]:
    """Where a line breaks into rows of `first`, then `rest` cells: at a space where there is
    one, else inside a word longer than a row."""
    offsets, start, limit = [], 0, first
    while len(text) - start > limit:
        cut = text.rfind(" ", start + 1, start + limit + 1)
        cut = cut if cut > start else start + limit
        offsets.append(cut)
        start, limit = cut, rest
    return offsets


def _wrap(line: Text, width: int, hang: str) -> list[Text]:
    """A Text as at most MAX_ROWS_PER_LINE rows of `width` cells (plain word wrap: rich's own
    costs ten times as much, and this runs for every line of hundreds of chains)."""
    plain = line.plain
    # most lines fit; wide characters (CJK) would need cell counting: cut, not wrapped
    if len(plain) <= width or not (plain.isascii() or cell_len(plain) == len(plain)):
        line.no_wrap, line.overflow = True, "ellipsis"
        return [line]
    rest = max(width - len(hang), 10)
    parts = line.divide(_breaks(plain, width, rest))
    rows: list[Text] = []
    for i, part in enumerate(parts[:MAX_ROWS_PER_LINE]):
        if i:
            spaces = len(part.plain) - len(part.plain.lstrip(" "))
            part = Text(hang, style=line.style) + part[spaces:]
        part.rstrip()
        if i == MAX_ROWS_PER_LINE - 1 and len(parts) > MAX_ROWS_PER_LINE:
            part.truncate(max(width - 1, 1))
            part.append("…")
        part.no_wrap, part.overflow = True, "ellipsis"
        rows.append(part)
    return rows


class ChainsPanel(Tree[ChainNode]):
    """Root causes and their symptoms; moving the cursor says which chain is in view."""

    BINDINGS = [Binding("r", "jump_to_root", "Root", tooltip="Jump to the chain's root cause")]

    DEFAULT_CSS = """
    ChainsPanel { background: $surface; }
    /* the cursor in reverse too: without colours (NO_COLOR) a background alone is invisible */
    ChainsPanel:focus > .tree--cursor { text-style: bold reverse; }
    ChainsPanel > .tree--cursor { text-style: reverse; }
    """

    class ChainHighlighted(Message):
        """The cursor is on a chain (chain None: on nothing, or the tree is empty)."""

        def __init__(self, chain: Chain | None, finding: Finding | None, root: Finding | None,
                     on_root: bool = False):
            super().__init__()
            self.chain, self.finding, self.root = chain, finding, root
            self.on_root = on_root  # on the chain's own line (labelled as the object to act on)

    def __init__(self, **kwargs) -> None:
        super().__init__("chains", **kwargs)
        self.show_root = False
        self.guide_depth = 2
        self.report = Report(findings=[], chains=[])
        self._filter = ""
        self._shape: tuple = ()  # what is shown, words included
        self._members: dict[str, tuple] = {}  # per chain shown: which lines it has
        self._words: dict[str, tuple] = {}  # per chain shown: the words on them
        self._drawn_palette: dict[str, str] = {}  # the colours the labels were made in
        self._findings: dict[str, Finding] = {}
        self._chains: dict[str, Chain] = {}
        self.compact = False  # 80x24: one line per chain, the chain under the cursor open
        self.watched = 0  # objects the diagnosis read, for "nothing wrong found"
        self.diagnosed = False
        self.so_far: tuple[str, ...] = ()
        self._one_namespace = False
        self._width = 0  # the width the detail lines were wrapped to
        self._wrap_cache: dict[tuple, list[Text]] = {}
        self.shown_count = 0  # chains matching the filter

        self._waiting = ""  # the line shown until the first report

    def show_waiting(self, what: str) -> None:
        """Before the first report: what the diagnosis waits for, where the chains will be."""
        if self._waiting == what:
            return
        self.clear()
        self._shape, self._members, self._words = (), {}, {}
        self.root.add_leaf(Text(what, style="dim"), None)
        self._waiting = what

    def show_report(self, report: Report, watched: int = 0, so_far: tuple[str, ...] = ()) -> None:
        """so_far: the kinds still being listed when the report was made; said below its chains
        (or in place of an all-clear it cannot give)."""
        if self._waiting:
            self.clear()
            self._shape, self._members, self._words = (), {}, {}
            self._waiting = ""
        self.report = report
        self.watched = watched
        self.so_far = so_far
        self.diagnosed = True
        self._findings = {f.id: f for f in report.findings}
        self._chains = {c.id: c for c in report.chains}
        # one namespace on screen: "ns/" before every name only eats an 80-column line
        self._one_namespace = len({f.object.namespace for f in report.findings}) <= 1
        self._rebuild()

    @property
    def findings(self) -> dict[str, Finding]:
        """The report's findings by id."""
        return self._findings

    def set_compact(self, compact: bool) -> None:
        if compact != self.compact:
            self.compact = compact
            self._relabel()

    def on_resize(self) -> None:
        if self.is_mounted and self._wrap_width() != self._width:
            self._relabel()  # the detail lines are wrapped to the width

    def set_filter(self, needle: str) -> None:
        self._filter = needle.lower()
        self._rebuild()

    def _matches(self, chain: Chain) -> bool:
        if not self._filter:
            return True
        words = [chain.summary] + [part for fid in chain.links if (f := self._findings.get(fid))
                                   for part in (f.summary, object_label(f), *f.evidence)]
        return any(self._filter in w.lower() for w in words)

    def _rebuild(self) -> None:
        """The tree made to show the chains matching the filter, changed chain by chain: a
        report in which one chain appeared adds that chain's nodes, not every chain's again (a
        10k-pod cluster's tree holds thousands of lines; each added line costs ~70 us)."""
        matching = [c for c in ordered(self.report) if self._matches(c)]
        self.shown_count = len(matching)
        wanted = []
        limit = MAX_SYMPTOMS_COMPACT if self.compact else MAX_SYMPTOMS
        for chain in matching[:MAX_CHAINS]:
            if (root := self._findings.get(chain.root)) is None:
                continue
            head = act_on(chain, root, self._findings)
            # the object the root's line names is not listed again under it
            symptoms = sorted((self._findings[fid] for fid in chain.links[1:]
                               if fid in self._findings and fid != head.id),
                              key=lambda f: -f.rank)
            hidden = max(0, len(symptoms) - limit)
            symptoms = symptoms[:limit]
            members = (root.id, head.id, min(len(root.evidence), MAX_EVIDENCE),
                       tuple(f.id for f in symptoms), hidden)
            words = tuple((f.severity, f.summary, *f.evidence) for f in (root, *symptoms))
            wanted.append((chain, root, symptoms, members, words))
        more = len(matching) - min(len(matching), MAX_CHAINS)
        empty = self._empty_text(matching)
        shape = tuple((c.id, members, words) for c, _, _, members, words in wanted) + \
            (more, empty.plain if empty else "", self.so_far, self._width, self.compact)
        if shape == self._shape:
            return
        self._shape = shape
        self._sync(wanted, more, empty)

    def _empty_text(self, matching: list[Chain]) -> Text | None:
        """What an empty panel says: never a blank box."""
        if matching:
            return None
        if not self.diagnosed:
            return Text("reading the cluster…", style="italic")
        if self.report.chains:
            return Text(f"no chain matches the filter ({len(self.report.chains)} hidden: "
                        "Esc clears it)", style="italic")
        if self.so_far:
            return None  # no all-clear: the line below says what is still being read
        what = f", {self.watched:,} objects watched" if self.watched else ""
        return Text(f"✓ nothing wrong found{what}", style="bold")

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted and self._palette() != self._drawn_palette:  # the theme switched
            self.call_later(self._relabel)

    def _relabel(self) -> None:
        self._shape, self._words = (), {}  # every label again, in the new colours
        self._rebuild()

    def _sync(self, wanted: list, more: int, empty: Text | None = None) -> None:
        here = self.cursor_node.data if self.cursor_node is not None else None
        first = not self.root.children or all(n.data is None for n in self.root.children)
        shown = {n.data.chain: n for n in self.root.children if n.data is not None}
        # chains shown with the same members, in the wanted order, stay; the rest are made anew
        order = {chain: i for i, chain in enumerate(shown)}
        stay, last = set(), -1
        for chain, _, _, members, _ in wanted:
            if chain.id in shown and self._members.get(chain.id) == members \
                    and order[chain.id] > last:
                stay.add(chain.id)
                last = order[chain.id]
        for node in list(self.root.children):
            if node.data is None or node.data.chain not in stay:
                node.remove()
        palette = self._drawn_palette = self._palette()
        self._width = self._wrap_width()
        previous: TreeNode[ChainNode] | None = None
        for chain, root, symptoms, members, words in wanted:
            head = self._findings.get(members[1]) or root
            lines = self._lines(chain, root, symptoms, members[-1], palette) \
                if chain.id not in stay or self._words.get(chain.id) != words else None
            if chain.id in stay:
                node = shown[chain.id]
                if lines is not None:  # the same lines, their words changed (an event's count)
                    self._relabel_chain(node, self._label(head, palette), lines)
            else:
                # after the chain before it, else first
                before = 0 if previous is None and self.root.children else None
                # compact: only the first chain opens by itself, the others are one line each
                opened = (first and (not self.compact or previous is None)) or (
                    chain.id in shown and shown[chain.id].is_expanded)
                node = self.root.add(self._label(head, palette),
                                     ChainNode(chain.id, root.id, 0, head.id),
                                     before=before, after=previous, expand=opened)
                for label, data in lines or ():
                    node.add_leaf(label, data)
            previous = node
        if empty is not None:
            self.root.add_leaf(empty, None)
        self._members = {chain.id: members for chain, _, _, members, _ in wanted}
        self._words = {chain.id: words for chain, _, _, _, words in wanted}
        if more:
            self.root.add_leaf(Text(f"… {more} more chains: narrow them with /", style="dim"),
                               None)
        if self.so_far:
            line = Text(f"so far: {', '.join(self.so_far)} still being listed; the chains "
                        "through them come once they are in", style="italic")
            for row in self._wrapped(line):
                self.root.add_leaf(row, None)
        self._restore(here)
        if self.cursor_line < 0 and wanted:
            self.cursor_line = 0  # a cursor from the start: without colours it showed only once moved
        _ = self.last_line  # reading it lays the lines out: now, in the caller's frame, not on idle

    @staticmethod
    def _relabel_chain(node: TreeNode[ChainNode], label: Text,
                       lines: list[tuple[Text, ChainNode]]) -> None:
        """Only the lines whose words changed, each made anew: a relabelled node repaints
        itself later, in a frame of its own (hundreds of them, a report under churn)."""
        if not _same(node.label, label):
            node.set_label(label)  # a root's own words: rare
        for leaf, (label, data) in zip(list(node.children), lines):
            if not _same(leaf.label, label):
                node.add_leaf(label, data, after=leaf)
                leaf.remove()

    def _lines(self, chain: Chain, root: Finding, symptoms: list[Finding], hidden: int,
               palette: dict[str, str]) -> list[tuple[Text, ChainNode]]:
        """A chain's lines under its root: the summary, the evidence and the fixes, each wrapped
        to the panel's width (an 80-column pane reads them without scrolling sideways), then
        the symptoms worst first."""
        head = act_on(chain, root, self._findings)
        rows: list[Text] = self._wrapped(text(root.summary, "italic"))
        for line in root.evidence[:MAX_EVIDENCE]:
            rows += self._wrapped(Text("▸ " + line, palette["muted"]), hang="  ")
        # the cause's own fix first, then the retry its releases need
        members = [self._findings[fid] for fid in chain.links if fid in self._findings]
        retries = [f for f in members if any(r.action in RETRIES for r in f.remediations)]
        for title, command in fixes(root, head, *retries)[:MAX_FIXES]:
            fix = Text.assemble(("fix: ", palette["ok"]), title)
            if command:
                fix.append(f"  $ {command}", "dim")
            rows += self._wrapped(fix, hang="     ")
        lines = [(row, ChainNode(chain.id, None, i)) for i, row in enumerate(rows)]
        lines += [(Text("↳ ").append_text(self._label(f, palette)), ChainNode(chain.id, f.id))
                  for f in symptoms]
        if hidden:
            lines.append((Text(f"… {hidden} more: marked in the other panels", style="dim"),
                          ChainNode(chain.id, None, len(rows))))
        return lines

    def _wrap_width(self) -> int:
        width = self.scrollable_content_region.width if self.is_mounted else 0
        return max((width or 80) - self.guide_depth - 1, 20)

    def _wrapped(self, line: Text, hang: str = "") -> list[Text]:
        """One detail line as the rows it takes at the panel's width (at most a few), the rows
        after the first indented by `hang`. Remembered: a report under churn changes a few
        lines of hundreds (an event's count), the rest are the same words at the same width."""
        width = self._width or self._wrap_width()
        key = (line.plain, tuple(line.spans), str(line.style), width, hang)
        rows = self._wrap_cache.get(key)
        if rows is None:
            if len(self._wrap_cache) > WRAP_CACHE:
                self._wrap_cache.clear()
            rows = self._wrap_cache[key] = _wrap(Text(clean(line.plain), spans=line.spans,
                                                      style=line.style), width, hang)
        return list(rows)

    def _restore(self, here: ChainNode | None) -> None:
        if here is None:
            return
        for line, node in enumerate(self._all_nodes()):
            if node.data == here:
                self.cursor_line = line
                return

    def _all_nodes(self) -> list[TreeNode[ChainNode]]:
        nodes = (self.get_node_at_line(i) for i in range(self.last_line + 1))
        return [node for node in nodes if node is not None]

    def _palette(self) -> dict[str, str]:
        theme = self.app.current_theme
        error = rich_color(theme.error, "red")
        return {"critical": f"bold {error}", "error": error,
                "warning": rich_color(theme.warning, "yellow"),
                "info": rich_color(theme.primary, "blue"), "muted": "dim",
                "ok": rich_color(theme.success, "green")}

    def _label(self, f: Finding, palette: dict[str, str]) -> Text:
        return Text.assemble(Text(f"● {f.severity} ", palette[f.severity]),
                             text(object_label(f, not self._one_namespace), "bold"), " ",
                             text(f.title))

    def selected(self) -> tuple[Chain | None, Finding | None]:
        """The chain under the cursor and its finding there; on a detail line (the summary,
        evidence, a fix) the chain's own line's: what Enter and `a` act on."""
        node = self.cursor_node
        if node is None or node.data is None:
            return None, None
        data = node.data
        if data.finding is None and node.parent is not None and node.parent.data is not None:
            data = node.parent.data
        return self._chains.get(node.data.chain), self._findings.get(
            data.acts_on or data.finding or "")

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        event.stop()
        chain, finding = self.selected()
        root = self._findings.get(chain.root) if chain else None
        if self.compact and chain is not None:
            self._open_only(chain.id)
        node = self.cursor_node
        on_root = node is not None and (node.parent is self.root or (
            node.data is not None and node.data.finding is None))
        self.post_message(self.ChainHighlighted(chain, finding, root, on_root))

    def _open_only(self, chain_id: str) -> None:
        """Compact: the chain under the cursor open, every other one a line."""
        here = self.cursor_node.data if self.cursor_node is not None else None
        changed = False
        for node in self.root.children:
            if node.data is None:
                continue
            want = node.data.chain == chain_id
            if node.is_expanded != want:
                (node.expand if want else node.collapse)()
                changed = True
        if changed:
            self._restore(here)

    def action_jump_to_root(self) -> None:
        chain, _ = self.selected()
        if chain is not None:
            node = next((n for n in self.root.children
                         if n.data is not None and n.data.chain == chain.id), None)
            if node is not None:
                self.move_cursor(node)
