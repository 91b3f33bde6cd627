"""Tables on a PDF page, found from its drawn lines and text positions, read back as rows of cells.

A PDF has no tables, only characters and strokes placed on a page; read line by line, a table's
cells come out scattered (a wrapped cell puts half its words on the next line, between other
cells). Two kinds are found, both with pdfium alone (no second parser over the file):

- **ruled**: the page's path objects that are thin (rules) or small rectangles (cell borders) are
  grouped into grids; each grid's row and column boundaries are where its rules lie, and each
  character goes to the cell its centre falls in, so a cell wrapped over several lines is whole;
- **unruled**: consecutive lines whose text runs (pdfium's rectangles, one per run of text placed
  together, so one per cell) leave the same vertical gaps of white on every line are a table with a
  column between each gap; a line with nothing in the first column continues the row above (a
  wrapped cell), and a line with something there starts a row.

A table's first row is its header. The page text gets the table as rows of cells joined by
`` | `` (one row a line, the same layout as HTML and Word tables), and every cell character keeps
its pdfium index, so a cited row is highlighted on the page.
"""

from __future__ import annotations

import bisect
import ctypes
from dataclasses import dataclass, field

from .base import CONTROL

RULE = 2.5  # points: thinner than this, a path is a rule (a line drawn on the page), not a shape
MAX_OBJECTS = 20_000  # a page drawn with more (a map, a dense chart) is not searched for ruled tables
SNAP = 2.5  # points: rules this close are the same boundary (double borders, stroke widths)
# Of the font size: a white gap between text runs at least this wide may split columns. Chromium puts
# the cells of a table without borders as close as 3 px (2.25 pt); letters kerned apart are under 1 pt.
MIN_GAP = 0.15
# Of the font size: the white between two columns of an unruled table on a typical (median) line.
WIDE = 1.0
# Cells of an unruled table hold this many letters a line at most, on average; more is two columns of text.
PROSE = 40


@dataclass
class Table:
    """A table found on a page: its rows of cells, each cell a list of pdfium character runs.

    Attributes:
        rows: per row, per cell, the pieces ``(first_char, text)`` of the cell's text in reading
            order: ``text`` is pdfium characters ``first_char ..`` (one piece per word), or with
            ``first_char`` -1 a space parisqa put between two words.
        lines: the indices of the page lines the table replaces.
        columns: how many columns the table has.
        top: the y (PDF points, from the bottom) of the table's top; bottom: of its bottom.
    """

    rows: list[list[list[tuple[int, str]]]]
    lines: list[int]
    columns: int
    top: float = 0.0
    bottom: float = 0.0
    header: list[str] = field(default_factory=list)  # the first row's cell texts, filled by the caller


def _rules(page) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Horizontal ``(y, x0, x1)`` and vertical ``(x, y0, y1)`` rules drawn on the page."""
    import pypdfium2.raw as raw

    horizontal, vertical = [], []
    if raw.FPDFPage_CountObjects(page.raw) > MAX_OBJECTS:
        return [], []
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=3):
        try:
            x0, y0, x1, y1 = obj.get_bounds()
        except Exception:  # a path without bounds (empty): nothing drawn
            continue
        width, height = x1 - x0, y1 - y0
        if width < RULE and height > RULE:
            vertical.append(((x0 + x1) / 2, y0, y1))
        elif height < RULE and width > RULE:
            horizontal.append(((y0 + y1) / 2, x0, x1))
        elif width >= RULE and height >= RULE and raw.FPDFPath_CountSegments(obj.raw) <= 6:
            # A rectangle: a stroked cell border, or a filled cell whose edges are the cell's.
            horizontal += [(y0, x0, x1), (y1, x0, x1)]
            vertical += [(x0, y0, y1), (x1, y0, y1)]
    return horizontal, vertical


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > SNAP:
            out.append(value)
    return out


def _grids(page) -> list[tuple[list[float], list[float], list[tuple[float, float, float]]]]:
    """Grids of rules: ``(ys top to bottom, xs left to right, vertical rules)`` for each."""
    horizontal, vertical = _rules(page)
    if len(horizontal) < 2 or len(vertical) < 2:
        return []
    # Group rules that touch into connected sets: each set is one table.
    rules = [("h", *r) for r in horizontal] + [("v", *r) for r in vertical]
    parent = list(range(len(rules)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def box(rule):
        kind, a, lo, hi = rule
        return (lo, a, hi, a) if kind == "h" else (a, lo, a, hi)

    boxes = [box(r) for r in rules]
    order = sorted(range(len(rules)), key=lambda i: boxes[i][0])
    for n, i in enumerate(order):  # sweep by left edge: only rules that overlap in x can touch
        ax0, ay0, ax1, ay1 = boxes[i]
        for j in order[n + 1 :]:
            bx0, by0, bx1, by1 = boxes[j]
            if bx0 > ax1 + SNAP:
                break
            if by0 <= ay1 + SNAP and ay0 <= by1 + SNAP:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(rules)):
        groups.setdefault(find(i), []).append(i)
    grids = []
    for members in groups.values():
        ys = _snap([rules[i][1] for i in members if rules[i][0] == "h"])
        verticals = [rules[i][1:] for i in members if rules[i][0] == "v"]
        xs = _snap([v[0] for v in verticals])
        if len(ys) >= 2 and len(xs) >= 3:  # two columns at least: a framed box is not a table
            grids.append((sorted(ys, reverse=True), xs, verticals))
    return grids


def _char_centres(textpage, first: int, count: int) -> list[tuple[float, float]]:
    import pypdfium2.raw as raw

    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    out = []
    for i in range(first, first + count):
        if raw.FPDFText_GetCharBox(textpage, i, left, right, bottom, top):
            out.append(((left.value + right.value) / 2, (bottom.value + top.value) / 2))
        else:
            out.append((float("nan"), float("nan")))
    return out


def _pieces(text: str, chars: list[int]) -> list[tuple[int, str]]:
    """A cell's characters (pdfium indices, in reading order) as pieces of text, words joined by a space.

    A word pdfium split with its end-of-line hyphen mark (U+FFFE) is joined back without it.
    """
    runs: list[list[int]] = []
    for c in chars:
        if runs and runs[-1][0] + runs[-1][1] == c:
            runs[-1][1] += 1
        else:
            runs.append([c, 1])
    out: list[tuple[int, str]] = []
    for first, count in runs:
        if out and not (text[first - 1] == "\ufffe" and out[-1][0] + len(out[-1][1]) == first - 1):
            out.append((-1, " "))
        out.append((first, text[first : first + count].translate(CONTROL)))
    return out


def _ruled(textpage, text: str, lines, grid) -> Table | None:
    ys, xs, verticals = grid
    top, bottom, left, right = ys[0], ys[-1], xs[0], xs[-1]
    inside = []
    for n, line in enumerate(lines):
        if bottom - 1 < line.base < top + 1 and left - 1 < line.x < right + 1:
            inside.append(n)
    if not inside:
        return None
    cells: dict[tuple[int, int], list[int]] = {}
    for n in inside:
        line = lines[n]
        for offset, (x, y) in enumerate(_char_centres(textpage, line.start, len(line.text))):
            index = line.start + offset
            if x != x or text[index].isspace() or text[index] == "\ufffe":  # NaN: a generated character
                continue
            row = bisect.bisect_left([-v for v in ys], -y) - 1
            # Columns of this row: the vertical rules that cross its middle (merged cells have none).
            if not 0 <= row < len(ys) - 1:
                continue
            middle = (ys[row] + ys[row + 1]) / 2
            bounds = _snap([vx for vx, y0, y1 in verticals if y0 - SNAP <= middle <= y1 + SNAP])
            col = bisect.bisect_left(bounds, x) - 1
            col = bisect.bisect_left(xs, bounds[col]) if 0 <= col < len(bounds) - 1 else -1
            if col >= 0:
                cells.setdefault((row, col), []).append(index)
    rows = []
    for row in range(len(ys) - 1):
        found = [(col, chars) for (r, col), chars in sorted(cells.items()) if r == row]
        if found:
            by_col = dict(found)
            rows.append([_pieces(text, sorted(by_col.get(col, []))) for col in range(len(xs) - 1)])
    if len(rows) < 2 and len(xs) < 3:
        return None
    return Table(rows, inside, len(xs) - 1, top, bottom)


def _segments(textpage, line) -> list[tuple[float, float]]:
    """The x extents of a line's text runs, runs closer than :data:`MIN_GAP` font sizes merged."""
    import pypdfium2.raw as raw

    left, top, right, bottom = (ctypes.c_double() for _ in range(4))
    out: list[list[float]] = []
    for r in range(raw.FPDFText_CountRects(textpage, line.start, len(line.text))):
        if raw.FPDFText_GetRect(textpage, r, left, top, right, bottom):
            x0, x1 = left.value, right.value
            if out and x0 - out[-1][1] < MIN_GAP * line.size:
                out[-1][1] = max(out[-1][1], x1)
            else:
                out.append([x0, x1])
    return [(a, b) for a, b in out]


def _rivers(segments: list[list[tuple[float, float]]], size: float) -> list[float]:
    """The middles of the vertical white gaps every line of a block leaves (column boundaries)."""
    spans = sorted(s for line in segments for s in line)
    if not spans:
        return []
    out = []
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= MIN_GAP * size:
            out.append((reach + x0) / 2)
        reach = max(reach, x1)
    return out


def _unruled(textpage, text: str, lines, taken: set[int]) -> list[Table]:
    """Blocks of lines whose text runs line up in columns (see the module docstring)."""
    segs = [_segments(textpage, line) if n not in taken and not line.heading else [] for n, line in enumerate(lines)]
    tables = []
    n = 0
    while n < len(lines):
        if len(segs[n]) < 2:
            n += 1
            continue
        # Grow a block from a line of two or more runs while the lines still leave a gap in common.
        end = n + 1
        rivers = _rivers(segs[n : n + 1], lines[n].size)
        least = lines[n].size * 3.5  # the closest two lines of the block are; a wider gap ends it
        while end < len(lines) and segs[end] and lines[end].size == lines[n].size:
            pitch = lines[end - 1].end_base - lines[end].base
            # A line may sit a little higher than the one before: a wrapped cell beside cells centred
            # in their row (fpdf2 centres them) is written after them but starts above their baseline.
            if not -lines[n].size * 2 < pitch < min(lines[n].size * 3.5, least * 1.6):
                break
            if pitch > 0:
                least = min(least, pitch)
            wider = _rivers(segs[n : end + 1], lines[n].size)
            if not wider:
                break
            rivers, end = wider, end + 1
        block = list(range(n, end))
        table = None
        if len(block) >= 3 and _aligned([segs[b] for b in block[1:]], rivers, lines[n].size):
            table = _columns(textpage, text, lines, block, rivers)
        if table is not None:
            tables.append(table)
            n = end
        else:
            n += 1
    return tables


def _aligned(segments: list[list[tuple[float, float]]], rivers: list[float], size: float) -> bool:
    """Whether the text in each column lines up on its left edge, its right edge or its centre.

    The white gaps of a few lines of justified prose can line up by chance, but the words after them
    start anywhere; a table's cells share an edge (the header row is left out: it is often centred).
    """
    for river in rivers:
        gaps = []
        for line in segments:
            before = [b for a, b in line if b <= river]
            after = [a for a, b in line if a >= river]
            if before and after:
                gaps.append(min(after) - max(before))
        if not gaps:  # no line has text on both sides (cells set on lines of their own): the block's gap
            before = [b for line in segments for a, b in line if b <= river]
            after = [a for line in segments for a, b in line if a >= river]
            gaps = [min(after) - max(before)] if before and after else []
        # Between cells the white is wide on most lines (only the widest cell comes close); a chance
        # gap through lines of prose is one word space wide on each of them.
        if not gaps or sorted(gaps)[len(gaps) // 2] < WIDE * size:
            return False
    # Justified prose spreads its words evenly: on such a line the white at a "column" gap is no
    # wider than between its other words. A table's cells are set apart more than their words are.
    even = 0
    for line in segments:
        inner, between = [], []
        for (_, b), (a, _) in zip(line, line[1:]):
            split = bisect.bisect_left(rivers, b) != bisect.bisect_left(rivers, a)
            (between if split else inner).append(a - b)
        if inner and between and min(between) <= 1.3 * max(inner):
            even += 1
    if even * 2 >= len(segments):
        return False
    for col in range(len(rivers) + 1):
        lefts, rights, centres = [], [], []
        for line in segments:
            inside = [(a, b) for a, b in line if bisect.bisect_left(rivers, (a + b) / 2) == col]
            if inside:
                lefts.append(inside[0][0])
                rights.append(inside[-1][1])
                centres.append((inside[0][0] + inside[-1][1]) / 2)
        if len(lefts) < 2:
            return False  # too little to tell a column from a chance gap
        if not any(_shared(edges) >= 0.75 * len(edges) for edges in (lefts, rights, centres)):
            return False
    return True


def _shared(edges: list[float]) -> int:
    """How many of ``edges`` lie within :data:`SNAP` of the commonest one."""
    return max(sum(1 for e in edges if abs(e - edge) <= SNAP) for edge in edges)


def _columns(textpage, text: str, lines, block: list[int], rivers: list[float]) -> Table | None:
    columns = len(rivers) + 1
    rows: list[list[list[int]]] = []
    widths = []  # characters of each cell on each line
    for n in block:
        line = lines[n]
        cells: list[list[int]] = [[] for _ in range(columns)]
        for offset, (x, _) in enumerate(_char_centres(textpage, line.start, len(line.text))):
            index = line.start + offset
            if x == x and not text[index].isspace() and text[index] != "\ufffe":
                cells[bisect.bisect_left(rivers, x)].append(index)
        widths += [len(cell) for cell in cells if cell]
        if cells[0] or not rows:
            rows.append(cells)
        else:  # nothing in the first column: the row above continues (a wrapped cell)
            for col, chars in enumerate(cells):
                rows[-1][col].extend(chars)
    if sum(widths) / len(widths) > PROSE:
        return None  # lines of prose side by side: a page in two columns, not a table
    filled = [sum(1 for cell in row if cell) for row in rows]
    # A table: at least two rows, a header of two or more cells, most rows filling two or more.
    if len(rows) < 2 or filled[0] < 2 or sum(f >= 2 for f in filled) < max(2, len(rows) * 0.6):
        return None
    if any(not any(row[col] for row in rows) for col in range(columns)):
        return None
    out = [[_pieces(text, cell) for cell in row] for row in rows]
    return Table(out, block, columns, lines[block[0]].base, lines[block[-1]].end_base)


def find_tables(page, textpage, text: str, lines) -> list[Table]:
    """The tables on a page, ruled ones first, in the order of their first line.

    Args:
        page: the pypdfium2 page.
        textpage: its text page.
        text: the text page's text (one character per pdfium character).
        lines: the page's lines (:class:`parisqa.corpus.formats.pdf._Line`), in reading order.
    """
    tables = []
    taken: set[int] = set()
    for grid in _grids(page):
        table = _ruled(textpage, text, lines, grid)
        if table is not None and not taken.intersection(table.lines):
            tables.append(table)
            taken.update(table.lines)
    for table in _unruled(textpage, text, lines, taken):
        tables.append(table)
        taken.update(table.lines)
    return sorted(tables, key=lambda t: t.lines[0])
