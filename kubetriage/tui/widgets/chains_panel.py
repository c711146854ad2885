"""The failure chains as a tree: each root cause, worst first, with its summary and evidence, and
the symptoms it causes under it. The chains come from the diagnosis; this only draws them."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from kubetriage.checks.finding import Chain, Finding, Report
from kubetriage.tui.styling import rich_color, text

MAX_CHAINS = 100  # worst first; a tree of every chain of a 10k-pod cluster costs seconds to build
# a chain's worst symptoms: a node that breaks 100 pods would push every other chain off an
# 80x24 pane; selecting its root marks all of them in the other panels
MAX_SYMPTOMS = 8
_KIND_SHORT = {"HelmRelease": "hr", "Kustomization": "ks", "Pod": "pod", "Job": "job",
               "Service": "svc", "Deployment": "deploy", "SealedSecret": "sealedsecret"}


@dataclass(frozen=True)
class ChainNode:
    chain: str
    finding: str | None  # None on the detail lines (summary, evidence)


def object_label(f: Finding) -> str:
    kind = _KIND_SHORT.get(f.object.kind, f.object.kind.lower())
    where = f"{f.object.namespace}/" if f.object.namespace else ""
    return f"{kind} {where}{f.object.name}"


def _same(a: object, b: Text) -> bool:
    return isinstance(a, Text) and (a.plain, a.style, a.spans) == (b.plain, b.style, b.spans)


def ordered(report: Report) -> list[Chain]:
    """As the diagnosis orders them (worst first, the deeper cause first, then the widest:
    checks/ranking.py), so the panel tells `check`'s story in `check`'s order."""
    return list(report.chains)


class ChainsPanel(Tree[ChainNode]):
    """Root causes and their symptoms; moving the cursor says which chain is in view."""

    BINDINGS = [Binding("r", "jump_to_root", "Root", tooltip="Jump to the chain's root cause")]

    DEFAULT_CSS = """
    ChainsPanel { background: $surface; }
    """

    class ChainHighlighted(Message):
        """The cursor is on a chain (chain None: on nothing, or the tree is empty)."""

        def __init__(self, chain: Chain | None, finding: Finding | None, root: Finding | None):
            super().__init__()
            self.chain, self.finding, self.root = chain, finding, root

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
        self._waiting = ""  # the line shown until the first report

    def show_waiting(self, what: str) -> None:
        """Before the first report: what the diagnosis waits for, where the chains will be."""
        if self._waiting == what:
            return
        self.clear()
        self._shape, self._members, self._words = (), {}, {}
        self.root.add_leaf(Text(what, style="dim"), None)
        self._waiting = what

    def show_report(self, report: Report) -> None:
        if self._waiting:
            self.clear()
            self._waiting = ""
        self.report = report
        self._findings = {f.id: f for f in report.findings}
        self._chains = {c.id: c for c in report.chains}
        self._rebuild()

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
        wanted = []
        for chain in matching[:MAX_CHAINS]:
            if (root := self._findings.get(chain.root)) is None:
                continue
            symptoms = sorted((self._findings[fid] for fid in chain.links[1:]
                               if fid in self._findings), key=lambda f: -f.rank)
            hidden = max(0, len(symptoms) - MAX_SYMPTOMS)
            symptoms = symptoms[:MAX_SYMPTOMS]
            members = (root.id, min(len(root.evidence), 3), tuple(f.id for f in symptoms),
                       hidden)
            words = tuple((f.severity, f.summary, *f.evidence) for f in (root, *symptoms))
            wanted.append((chain, root, symptoms, members, words))
        more = len(matching) - min(len(matching), MAX_CHAINS)
        shape = tuple((c.id, members, words) for c, _, _, members, words in wanted) + (more,)
        if shape == self._shape:
            return
        self._shape = shape
        self._sync(wanted, more)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted and self._palette() != self._drawn_palette:  # the theme switched
            self.call_later(self._relabel)

    def _relabel(self) -> None:
        self._shape, self._words = (), {}  # every label again, in the new colours
        self._rebuild()

    def _sync(self, wanted: list, more: int) -> None:
        here = self.cursor_node.data if self.cursor_node is not None else None
        first = not self.root.children
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
        previous: TreeNode[ChainNode] | None = None
        for chain, root, symptoms, members, words in wanted:
            lines = self._lines(chain, root, symptoms, members[-1], palette) \
                if chain.id not in stay or self._words.get(chain.id) != words else None
            if chain.id in stay:
                node = shown[chain.id]
                if lines is not None:  # the same lines, their words changed (an event's count)
                    self._relabel_chain(node, self._label(root, palette), lines)
            else:
                # after the chain before it, else first
                before = 0 if previous is None and self.root.children else None
                node = self.root.add(self._label(root, palette), ChainNode(chain.id, root.id),
                                     before=before, after=previous,
                                     expand=first or (chain.id in shown and
                                                      shown[chain.id].is_expanded))
                for label, data in lines or ():
                    node.add_leaf(label, data)
            previous = node
        self._members = {chain.id: members for chain, _, _, members, _ in wanted}
        self._words = {chain.id: words for chain, _, _, _, words in wanted}
        if more:
            self.root.add_leaf(Text(f"… {more} more chains: narrow them with /", style="dim"),
                               None)
        self._restore(here)
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
        """A chain's lines under its root: the summary, evidence, then symptoms worst first."""
        lines = [(text(root.summary, "italic"), ChainNode(chain.id, None))]
        lines += [(text(f"▸ {line}", palette["muted"]), ChainNode(chain.id, None))
                  for line in root.evidence[:3]]
        lines += [(Text("↳ ").append_text(self._label(f, palette)), ChainNode(chain.id, f.id))
                  for f in symptoms]
        if hidden:
            lines.append((Text(f"… {hidden} more: marked in the other panels", style="dim"),
                          ChainNode(chain.id, None)))
        return lines

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
                "info": rich_color(theme.primary, "blue"), "muted": "dim"}

    def _label(self, f: Finding, palette: dict[str, str]) -> Text:
        return Text.assemble(Text(f"● {f.severity} ", palette[f.severity]),
                             text(object_label(f), "bold"), " ", text(f.title))

    def selected(self) -> tuple[Chain | None, Finding | None]:
        node = self.cursor_node
        if node is None or node.data is None:
            return None, None
        return self._chains.get(node.data.chain), self._findings.get(node.data.finding or "")

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        event.stop()
        chain, finding = self.selected()
        root = self._findings.get(chain.root) if chain else None
        self.post_message(self.ChainHighlighted(chain, finding, root))

    def action_jump_to_root(self) -> None:
        chain, _ = self.selected()
        if chain is not None:
            self._restore(ChainNode(chain.id, chain.root))
