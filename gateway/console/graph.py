"""The menu as a graph: screens as nodes, `next`/`on`/option/route exits as edges, with each screen's
worst-case length and the problems `jembatan menus check` finds on it.

`to_dot` gives Graphviz's input; `svg.py` draws it (with `dot` when installed, else a layered layout).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from gateway.engine.checks import worst_case
from gateway.engine.model import Menu, Screen
from gateway.engine.problems import Problem
from gateway.i18n import Catalog


@dataclass(frozen=True)
class Node:
    id: str
    kind: str
    worst: int
    """The longest the screen can be, with the widest placeholder values, in any language (before paging)."""
    limit: int
    problems: tuple[str, ...] = ()
    mark: str = ""
    """"added" or "changed" in a diff view."""

    @property
    def over(self) -> bool:
        return self.worst > self.limit


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str = ""


@dataclass(frozen=True)
class Graph:
    start: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    loose_problems: tuple[str, ...] = field(default_factory=tuple)
    """Problems that name no screen (a locale file, another operator file)."""


def exits(screen: Screen) -> list[Edge]:
    found = [Edge(screen.id, o.next, str(n)) for n, o in enumerate(screen.options, start=1)]
    found += [Edge(screen.id, exit_.next, outcome) for outcome, exit_ in screen.on.items() if exit_.next]
    found += [Edge(screen.id, route.next, "when" if route.when else "else") for route in screen.routes]
    if screen.next:
        found.append(Edge(screen.id, screen.next))
    return found


def _texts(screen: Screen) -> tuple[str | None, list[str]]:
    return screen.text, [option.label for option in screen.options]


def worst_length(screen: Screen, menu: Menu, catalog: Catalog) -> int:
    """Body lines, option lines and the navigation line, at their widest, in the longest language."""
    text, labels = _texts(screen)
    longest = 0
    for lang in catalog.languages:
        lines: list[str] = []
        if text and catalog.has(lang, text):
            lines += worst_case(catalog.templates[lang][text], menu.placeholder_widths)
        for number, label in enumerate(labels, start=1):
            if catalog.has(lang, label):
                lines.append(
                    f"{number}. " + " ".join(worst_case(catalog.templates[lang][label], menu.placeholder_widths))
                )
        if lines and screen.id != menu.start and catalog.has(lang, "engine.nav"):
            lines.append(catalog.render(lang, "engine.nav"))
        longest = max(longest, len("\n".join(lines)))
    return longest


def _problems_by_screen(
    menu: Menu, catalog: Catalog, problems: Iterable[Problem]
) -> tuple[dict[str, list[str]], list[str]]:
    """Each problem on the screen it names, or whose line or text it points at; the rest apart."""
    by_place: dict[tuple[str, int], str] = {(s.source, s.line): s.id for s in menu.screens.values()}
    by_key: dict[str, str] = {}
    for screen in menu.screens.values():
        text, labels = _texts(screen)
        for key in [text, screen.error_text, *labels]:
            if key:
                by_key.setdefault(key, screen.id)
    templates = {(t.source, t.line): key for table in catalog.templates.values() for key, t in table.items()}
    found: dict[str, list[str]] = {}
    loose: list[str] = []
    for problem in problems:
        screen_id = by_place.get((problem.source, problem.line))
        if screen_id is None:
            screen_id = next((s for s in menu.screens if f"'{s}'" in problem.message), None)
        if screen_id is None:
            key = templates.get((problem.source, problem.line))
            screen_id = by_key.get(key) if key else None
        if screen_id is None:
            loose.append(str(problem))
        else:
            found.setdefault(screen_id, []).append(problem.message)
    return found, loose


def menu_graph(
    menu: Menu, catalog: Catalog, problems: Iterable[Problem] = (), marks: Mapping[str, str] | None = None
) -> Graph:
    on_screen, loose = _problems_by_screen(menu, catalog, problems)
    nodes = tuple(
        Node(s.id, s.kind.value, worst_length(s, menu, catalog), menu.limit, tuple(on_screen.get(s.id, ())),
             (marks or {}).get(s.id, ""))
        for s in menu.screens.values()
    )  # fmt: skip
    known = set(menu.screens)
    edges = tuple(e for s in menu.screens.values() for e in exits(s) if e.target in known)
    return Graph(menu.start, nodes, edges, tuple(loose))


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


COLOURS = {"problem": "#a12626", "over": "#9a5b00", "added": "#1f6f50", "changed": "#2456a6"}


def node_colour(node: Node) -> str:
    if node.problems:
        return COLOURS["problem"]
    if node.over:
        return COLOURS["over"]
    return COLOURS.get(node.mark, "#1d2a24")


def node_label(node: Node) -> list[str]:
    lines = [node.id, f"{node.kind} · {node.worst}/{node.limit}" if node.worst else node.kind]
    if node.problems:
        lines.append(f"! {len(node.problems)} problem(s)")
    if node.mark:
        lines.append(node.mark)
    return lines


def to_dot(graph: Graph) -> str:
    out = ["digraph menu {", "  rankdir=LR; node [shape=box, style=rounded, fontname=Helvetica, fontsize=11];",
           "  edge [fontname=Helvetica, fontsize=9, color=\"#5b6b63\"];"]  # fmt: skip
    for node in graph.nodes:
        width = "3" if node.problems or node.mark else "1"
        tooltip = "; ".join(node.problems) or node.id
        out.append(
            f"  {_quote(node.id)} [id={_quote('screen_' + node.id)}, label={_quote(chr(10).join(node_label(node)))}, "
            f"color={_quote(node_colour(node))}, penwidth={width}, tooltip={_quote(tooltip[:300])}"
            + (", peripheries=2" if node.id == graph.start else "")
            + "];"
        )
    for edge in graph.edges:
        out.append(f"  {_quote(edge.source)} -> {_quote(edge.target)} [label={_quote(edge.label)}];")
    out.append("}")
    return "\n".join(out)
