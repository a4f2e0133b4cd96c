"""Drawing a menu graph as SVG on the server: Graphviz's `dot` when installed, else a simple layered layout.

`dot` is run with a timeout and its output cached by the graph's content, so a page load pays for it once.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import threading
from collections import OrderedDict, deque
from html import escape

from gateway.console.graph import Graph, node_colour, node_label, to_dot

DOT_TIMEOUT_S = 10
CACHE_SIZE = 32
COLUMN_WIDTH, ROW_HEIGHT, BOX_WIDTH, BOX_HEIGHT, MARGIN = 230, 70, 190, 52, 20

log = logging.getLogger(__name__)
_cache: OrderedDict[str, str] = OrderedDict()
_cache_lock = threading.Lock()


def draw(graph: Graph, use_dot: bool = True) -> tuple[str, str]:
    """(SVG markup, which drawer: "dot" or "layered")."""
    source = to_dot(graph)
    key = hashlib.sha256(f"{use_dot}:{source}".encode()).hexdigest()
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key], _drawer(_cache[key])
    svg = _with_dot(source) if use_dot else None
    svg = svg or layered_svg(graph)
    with _cache_lock:
        _cache[key] = svg
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return svg, _drawer(svg)


def _drawer(svg: str) -> str:
    return "layered" if 'data-drawer="layered"' in svg[:200] else "dot"


def _with_dot(source: str) -> str | None:
    dot = shutil.which("dot")
    if dot is None:
        return None
    try:
        done = subprocess.run(
            [dot, "-Tsvg"], input=source.encode(), capture_output=True, timeout=DOT_TIMEOUT_S, check=True
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("graphviz dot failed (%s): drawing the simple layout instead", type(exc).__name__)
        return None
    text = done.stdout.decode("utf-8", errors="replace")
    start = text.find("<svg")
    return text[start:] if start >= 0 else None


def layers(graph: Graph) -> dict[str, int]:
    """Each screen's distance from the start (unreachable ones after the last layer)."""
    depth = {graph.start: 0}
    queue = deque([graph.start])
    targets: dict[str, list[str]] = {}
    for edge in graph.edges:
        targets.setdefault(edge.source, []).append(edge.target)
    while queue:
        here = queue.popleft()
        for there in targets.get(here, []):
            if there not in depth:
                depth[there] = depth[here] + 1
                queue.append(there)
    last = max(depth.values(), default=0) + 1
    return {node.id: depth.get(node.id, last) for node in graph.nodes}


def layered_svg(graph: Graph) -> str:
    """Columns by distance from the start, screens stacked in each; edges as curves with arrows."""
    depth = layers(graph)
    rows: dict[int, int] = {}
    places: dict[str, tuple[int, int]] = {}
    for node in graph.nodes:
        column = depth[node.id]
        places[node.id] = (MARGIN + column * COLUMN_WIDTH, MARGIN + rows.get(column, 0) * ROW_HEIGHT)
        rows[column] = rows.get(column, 0) + 1
    width = MARGIN * 2 + (max(depth.values(), default=0) + 1) * COLUMN_WIDTH
    height = MARGIN * 2 + max(rows.values(), default=1) * ROW_HEIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" data-drawer="layered" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif" font-size="11">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#5b6b63"/></marker></defs>',
    ]
    for edge in graph.edges:
        (x1, y1), (x2, y2) = places[edge.source], places[edge.target]
        start_x, start_y, end_x, end_y = x1 + BOX_WIDTH, y1 + BOX_HEIGHT / 2, x2, y2 + BOX_HEIGHT / 2
        bend = max(40.0, abs(end_x - start_x) / 2)
        parts.append(
            f'<path d="M{start_x},{start_y} C{start_x + bend},{start_y} {end_x - bend},{end_y} {end_x},{end_y}" '
            f'fill="none" stroke="#5b6b63" marker-end="url(#arrow)"><title>{escape(edge.source)} → '
            f"{escape(edge.target)} {escape(edge.label)}</title></path>"
        )
    for node in graph.nodes:
        x, y = places[node.id]
        colour = node_colour(node)
        tooltip = escape("; ".join(node.problems) or node.id)
        parts.append(
            f'<g id="screen_{escape(node.id)}" class="node"><title>{tooltip}</title>'
            f'<rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="6" fill="#fff" stroke="{colour}" '
            f'stroke-width="{3 if node.problems or node.mark else 1}"/>'
        )
        for index, line in enumerate(node_label(node)[:3]):
            parts.append(f'<text x="{x + 8}" y="{y + 15 + index * 14}" fill="{colour}">{escape(line[:32])}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
