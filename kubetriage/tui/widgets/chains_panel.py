"""The failure chains as a tree: each root cause, worst first, with its summary and evidence, and
the symptoms it causes under it. The chains come from the diagnosis; this only draws them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from kubetriage.checks.finding import SEVERITY_RANK, Chain, Finding, Report
from kubetriage.tui.rows import rich_color, text

MAX_CHAINS = 100  # worst first; a tree of every chain of a 10k-pod cluster costs seconds to build
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


def ordered(report: Report) -> list[Chain]:
    """Worst first, then the longest (the most it explains), then by id for a stable order."""
    return sorted(report.chains, key=lambda c: (-SEVERITY_RANK[c.severity], -len(c.links), c.id))


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
        self._structure: tuple = ()  # which nodes there are
        self._findings: dict[str, Finding] = {}
        self._chains: dict[str, Chain] = {}

    def show_report(self, report: Report) -> None:
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
        matching = [c for c in ordered(self.report) if self._matches(c)]
        chains = matching[:MAX_CHAINS]
        shape = tuple((c.id, tuple(c.links), c.summary,
                       tuple(f.summary + "".join(f.evidence) for fid in c.links
                             if (f := self._findings.get(fid)))) for c in chains)
        if shape == self._shape:
            return
        self._shape = shape
        palette = self._palette()
        nodes = [(root, list(self._children(chain, root, palette))) for chain in chains
                 if (root := self._findings.get(chain.root)) is not None]
        structure = (tuple((root.id, tuple(data for _, data in leaves)) for root, leaves in nodes),
                     len(matching))
        if structure == self._structure:
            # the same chains and members, only their words changed (an event's count, say):
            # relabelled in place, without clearing the tree (which lays the screen out again)
            for node, (root, leaves) in zip(self.root.children, nodes):
                node.set_label(self._label(root, palette))
                for leaf, (label, _) in zip(node.children, leaves):
                    leaf.set_label(label)
            return
        self._structure = structure
        here = self.cursor_node.data if self.cursor_node is not None else None
        expanded = {n.data.chain for n in self.root.children if n.data and n.is_expanded}
        first = not self.root.children
        self.clear()
        for root, leaves in nodes:
            chain_id = leaves[0][1].chain
            node = self.root.add(self._label(root, palette), ChainNode(chain_id, root.id),
                                 expand=first or chain_id in expanded)
            for label, data in leaves:
                node.add_leaf(label, data)
        if len(matching) > len(chains):
            self.root.add_leaf(Text(f"… {len(matching) - len(chains)} more chains: narrow them "
                                    "with /", style="dim"), None)
        self._restore(here)

    def _children(self, chain: Chain, root: Finding, palette: dict[str, str]
                  ) -> Iterator[tuple[Text, ChainNode]]:
        """A chain's lines under its root: the summary, evidence, then symptoms worst first."""
        yield text(root.summary, "italic"), ChainNode(chain.id, None)
        for line in root.evidence[:3]:
            yield text(f"▸ {line}", palette["muted"]), ChainNode(chain.id, None)
        symptoms = [self._findings[fid] for fid in chain.links[1:] if fid in self._findings]
        for f in sorted(symptoms, key=lambda f: -f.rank):
            yield Text("↳ ").append_text(self._label(f, palette)), ChainNode(chain.id, f.id)

    def _restore(self, here: ChainNode | None) -> None:
        if here is None:
            return
        for line, node in enumerate(self._all_nodes()):
            if node.data == here:
                self.cursor_line = line
                return

    def _all_nodes(self) -> list[TreeNode[ChainNode]]:
        return [self.get_node_at_line(i) for i in range(self.last_line + 1)
                if self.get_node_at_line(i) is not None]

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
