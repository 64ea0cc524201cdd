"""The print layout's rules, as data the templates print (pure: no ORM, no request).

The form's tables break between rows only (a row is kept whole), so nothing that grows with user
data is ever kept together as a block: a block taller than a page is what makes WeasyPrint fail.

- **Merged cells are cells of every row.** A label or value that the paper form merges over several
  rows (一级/二级 of the 评分表, 产出目标/效益目标, a shared 实际完成 or 评分标准) is a `Cell` in each
  row: the first prints it, the following ones (`cont`) hold a hidden copy and draw no border
  between them (`open` on the cell above). After layout, reports.pdf shows the hidden copy in the
  first row of each page, so a group split by a page break repeats its label there.
- **Long texts are rows of bounded size.** 职能职责 and the other long cells are cut into chunks
  of about `CHUNK_CHARS` characters at sentence ends (`text_chunks`); each chunk is a row, and a
  chunk that starts a page shows its row label with （续）.
- **Labels break where Chinese breaks.** `label_lines` breaks a label into balanced lines that fit
  its column (so no line holds one lone character) and puts a （15分） on a line of its own.
"""
import re
import unicodedata
from dataclasses import dataclass, field

# The A4 page's text width in the PDF (210 mm less 18 mm margins) and the type sizes of the form.
CONTENT_MM = 174
PT_MM = 25.4 / 72
BODY_PT = 10.5
RUBRIC_PT = 9
CELL_PADDING_MM = 2 * 4 * PT_MM + 0.6  # 4pt each side plus the borders
# A long cell is cut into rows of about this many characters (a row never outgrows a page).
CHUNK_CHARS = 240

SENTENCE_END = re.compile(r"(?<=[。！？；;!?])")
# Characters that may not start a line (closing punctuation) or end one (opening brackets).
NO_LINE_START = set("，。、；：？！）》」』】〕…%％,.;:?!)\u201d\u2019")
NO_LINE_END = set("（《「『【〔(\u201c\u2018")
POINTS = re.compile(r"^(?P<label>.+?)(?P<points>（[\d.]+分）)$")


def char_width(char):
    """A character's advance in em: CJK and full-width forms 1, ASCII and the rest about half."""
    if char == " ":
        return 0.3
    if unicodedata.east_asian_width(char) in ("W", "F", "A"):
        return 1.0
    return 0.56


def text_width(text):
    return sum(char_width(c) for c in text)


def capacity(width_pct, font_pt=BODY_PT):
    """How many em fit on one line of a column `width_pct` percent of the page's text width."""
    return (CONTENT_MM * width_pct / 100 - CELL_PADDING_MM) / (font_pt * PT_MM) - 0.25


def _balanced(text, room):
    """`text` in the fewest lines of at most `room` em, as even as they can be.

    A shortest-path over break positions; in order of weight it avoids a line of one lone
    character, a break before closing or after opening punctuation, more lines, and uneven lines.
    """
    n = len(text)
    if text_width(text) <= room or n < 2:
        return [text]
    widths = [0.0]
    for char in text:
        widths.append(widths[-1] + char_width(char))
    best = [None] * (n + 1)  # best[i]: (cost, previous break) for text[:i]
    best[0] = ((0, 0, 0, 0.0), None)
    for end in range(1, n + 1):
        bad_break = end < n and (text[end] in NO_LINE_START or text[end - 1] in NO_LINE_END)
        for start in range(end - 1, -1, -1):
            width = widths[end] - widths[start]
            if width > room and end - start > 1:
                break
            if best[start] is None:
                continue
            lonely, bad, lines, slack = best[start][0]
            cost = (lonely + (len(text[start:end].strip()) == 1), bad + bad_break, lines + 1,
                    slack + (room - width) ** 2)
            if best[end] is None or cost < best[end][0]:
                best[end] = (cost, start)
    cuts, end = [], n
    while end:
        start = best[end][1]
        cuts.append(text[start:end])
        end = start
    return cuts[::-1]


def label_lines(text, width_pct, font_pt=BODY_PT, *, points_line=False):
    """A label broken into lines that fit a column of `width_pct` percent (no lone character).

    With `points_line`, a trailing （15分） goes on its own line (the 评分表's 一级 labels).
    """
    text = (text or "").strip()
    room = capacity(width_pct, font_pt)
    match = POINTS.match(text) if text else None
    if match and (points_line or text_width(text) > room):
        return _balanced(match["label"], room) + _balanced(match["points"], room)
    lines = []
    for part in text.splitlines() or [""]:
        lines.extend(_balanced(part, room))
    return lines


@dataclass
class Cell:
    """One cell of a merged column: `lines` printed, `cont` when it continues the cell above
    (then `lines` are the hidden copy shown at a page top), `open` when the cell below continues it."""

    lines: list
    cont: bool = False
    open: bool = False


def merged_column(values, *, repeat=None):
    """Cells for a column whose equal consecutive `values` print merged.

    values: [(key, lines)]; a run of equal keys prints `lines` once; the following cells are
    continuations whose hidden copy is `repeat(lines)` (default: the same lines).
    """
    cells = []
    for index, (key, lines) in enumerate(values):
        cont = index > 0 and values[index - 1][0] == key
        if cont:
            cells[-1].open = True
        shown = (repeat(lines) if repeat else lines) if cont else lines
        cells.append(Cell(lines=shown, cont=cont))
    return cells


@dataclass
class Chunk:
    """A piece of a long cell: its paragraphs; `joins` when its first paragraph continues the one before."""

    paragraphs: list = field(default_factory=list)
    joins: bool = False


def _pieces(paragraph, size):
    """A paragraph cut at sentence ends into pieces of at most about `size` characters."""
    if len(paragraph) <= size:
        return [paragraph]
    pieces, current = [], ""
    for sentence in (s for s in SENTENCE_END.split(paragraph) if s):
        while len(sentence) > size:  # one sentence longer than a chunk: cut it where it must
            room = size - len(current)
            current += sentence[:room]
            pieces.append(current)
            current, sentence = "", sentence[room:]
        if current and len(current) + len(sentence) > size:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


def text_chunks(paragraphs, size=CHUNK_CHARS):
    """Paragraphs packed into chunks of about `size` characters (a long paragraph cut at sentence ends)."""
    chunks = [Chunk()]
    used = 0
    for paragraph in paragraphs:
        for position, piece in enumerate(_pieces(paragraph, size)):
            if chunks[-1].paragraphs and used + len(piece) > size:
                chunks.append(Chunk(joins=position > 0))
                used = 0
            chunks[-1].paragraphs.append(piece)
            used += len(piece)
    return chunks
