"""The PDF printed in two processes, one a core: the paper's body in this one, its appendices in
a forked child, the two parts joined into one PDF page for page as one process prints it.

The report's appendices each begin on a new page (``report.css``: ``.appendix { break-before:
page }``), so the pages after that break are laid out the same whether the document before it
is there or not. `split` cuts the printed HTML there into two documents, each with the page's
head and running header and footer. What the two parts need of each other is settled here:

- **page numbers** ("Page N of M" in every page's margin): each part lays out its body, says
  how many pages it made, and waits for the other's count; only then does WeasyPrint lay out the
  margin boxes, with each page's counter moved on by the pages before its part and the total
  set (`_numbered`, a wrapper around WeasyPrint's ``make_margin_boxes`` for the length of the
  layout, this process only);
- **links** from one part to the other (the contents' lines to the appendices, say): a link
  to an anchor in the other part is printed as a link to ``scorecard-dest:ID`` and joined as the
  internal link WeasyPrint writes (``/Dest (ID)``), with the named destinations of both parts;
- **bookmarks**: WeasyPrint's own tree builder runs over both parts' bookmarks, so the
  appendices stay under the paper's title as they are in one document;
- **charts** (``pdf_charts.py``): both parts print placeholders; this process draws every
  chart once its own part is printed (the appendices' part, with 35 of the demo paper's 44
  charts, takes longer than the body's) and splices them in when joining.

``tests/test_report_pdf.py`` checks that the joined PDF has the same text, page sizes, links,
named destinations and bookmarks as the one-process PDF of the same HTML.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

from csc_scorecard import collector
from csc_scorecard.collector import paused
from csc_scorecard.errors import ScorecardError
from csc_scorecard.forked import can_fork
from csc_scorecard.report.pdf_charts import chart_pdfs, splice, without_charts

# The link target a part prints for an anchor in the other part; `join` makes it internal again.
CROSS = "scorecard-dest:"
# The first appendix the child prints: the body before it and the appendices from it take
# about the same time (the demo paper: about 4.2 and 5.8 s CPU from Appendix 1; 5.8 and 3.9 s
# from Appendix 2).
SPLIT_BEFORE = "appendix-performance"
PT_PER_PX = 0.75  # WeasyPrint's scale from CSS pixels to PDF points (write_pdf at zoom 1)
_BODY = re.compile(r"<body\b[^>]*>")
_IDS = re.compile(r'\bid="([^"]+)"')
_HREFS = re.compile(r'\bhref="#([^"]+)"')


class PrintFailed(ScorecardError):
    """The PDF's other part could not be printed; the message says why."""


@dataclass(frozen=True)
class Part:
    """One part as printed: its PDF, its page count and its bookmarks as WeasyPrint's pages
    hold them (each page's height and ``(level, label, (x, y), state)`` list)."""

    pdf: bytes
    pages: list[tuple[float, list[Any]]]


def split(html: str, before: str = SPLIT_BEFORE) -> tuple[str, str] | None:
    """``html`` as two documents: everything before the section ``before`` (which begins on a
    new page) and, after the same head, body tag and running header and footer, the rest.
    Links to an anchor in the other document point to ``CROSS`` + its id. None if ``html`` has
    no such section."""
    body = _BODY.search(html)
    cut = _section(html, before)
    if body is None or cut < 0:
        return None
    start = html.find("<section", body.end())
    if not 0 < start < cut:
        return None
    first = html[:cut] + "</body>\n</html>\n"
    second = html[:start] + html[cut:]
    first_ids = set(_IDS.findall(html[start:cut]))
    second_ids = set(_IDS.findall(html[cut:]))
    return _cross(first, second_ids - first_ids), _cross(second, first_ids - second_ids)


def _section(html: str, name: str) -> int:
    """Where the section with the id ``name`` begins in ``html``; -1 if it has none."""
    section = re.search(rf'<section\b[^>]*\bid="{re.escape(name)}"', html)
    return -1 if section is None else section.start()


def _cross(html: str, elsewhere: set[str]) -> str:
    if not elsewhere:
        return html
    return _HREFS.sub(
        lambda m: f'href="{CROSS}{m.group(1)}"' if m.group(1) in elsewhere else m.group(0), html
    )


@contextmanager
def _numbered(agree: Callable[[int], tuple[int, int]]) -> Iterator[None]:
    """While WeasyPrint lays out a document here: once its pages are made and before their
    margin boxes are, ``agree(pages)`` gives ``(pages before this part, pages in all)``, and
    every page's ``page`` counter is moved on by the first and its ``pages`` counter set to the
    second."""
    from weasyprint import layout

    original = layout.make_margin_boxes
    agreed: list[bool] = []

    def margin_boxes(context: Any, page: Any, state: Any) -> Any:
        if not agreed:
            makers = context.page_maker
            # The entry after a part's last page is the one with nothing left to lay out.
            count = next(i for i in range(1, len(makers)) if makers[i][0] is None)
            before, total = agree(count)
            for index in range(1, count + 1):
                counters = makers[index][3][1]
                counters["page"] = [value + before for value in counters["page"]]
                counters["pages"] = [total]
            agreed.append(True)
        return original(context, page, state)

    layout.make_margin_boxes = margin_boxes
    try:
        yield
    finally:
        layout.make_margin_boxes = original


def _print(html: str, agree: Callable[[int], tuple[int, int]]) -> Part:
    with paused():
        return _part(_render(html, agree))


def _render(html: str, agree: Callable[[int], tuple[int, int]]) -> Any:
    """WeasyPrint's document of ``html``, its pages numbered as ``agree`` says (`_numbered`)."""
    from weasyprint import HTML

    with _numbered(agree):
        return HTML(string=html).render()


def _part(document: Any) -> Part:
    pages = [(page.height, page.bookmarks) for page in document.pages]
    return Part(document.write_pdf() or b"", pages)


def _child(conn: Connection, html: str) -> Any:
    """The second part, in the forked child: its page count out, the numbering in, its PDF
    out. Returns the printed document, for the child to keep until it exits (below)."""

    def agree(count: int) -> tuple[int, int]:
        conn.send(("pages", count))
        return conn.recv()

    try:
        document = _render(html, agree)
        conn.send(("part", _part(document)))
        return document
    except BaseException as error:  # noqa: BLE001 - every failure goes back as one line
        conn.send(("error", f"{type(error).__name__}: {' '.join(str(error).split())}"))
        return None


def print_in_two(html: str) -> bytes | None:
    """The PDF of ``html`` printed in this process and a forked child, joined; None where that
    cannot be done here (no fork, or no appendix to split at), for the caller to print it in
    one process."""
    parts = split(without_charts(html))
    if parts is None or not can_fork():
        return None
    first, second = parts
    # Loaded before the fork (WeasyPrint and Pango: about a second), not once in each process.
    import pikepdf  # noqa: F401
    import weasyprint.document  # noqa: F401

    ours, theirs = Pipe()
    sys.stdout.flush()  # the child would otherwise write this process's pending output again
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: print, report, and leave without running the parent's code
        # The child's collector stays off and its document is never freed: the process ends
        # once its part is sent, and the OS takes its memory back at once, where collecting
        # and freeing the part's ~500,000 objects cost a sixteenth of its printing (0.15-0.2
        # CPU s of the critical path).
        collector.off()
        code, kept = 0, None
        try:
            ours.close()
            kept = _child(theirs, second)  # noqa: F841 - kept until the exit
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    theirs.close()
    try:

        def agree(count: int) -> tuple[int, int]:
            _, value = _receive(ours)
            ours.send((count, count + value))
            return 0, count + value

        head = _print(first, agree)
        # Drawn here while the appendices' part is likely still printing.
        charts = chart_pdfs(html)
        _, tail = _receive(ours)
    finally:
        ours.close()
        os.waitpid(pid, 0)
    return join(head, tail, charts)


def _receive(conn: Connection) -> tuple[str, Any]:
    try:
        kind, value = conn.recv()
    except EOFError:
        raise PrintFailed("the PDF's appendices: their process ended without finishing") from None
    if kind == "error":
        raise PrintFailed(f"the PDF's appendices: {value}")
    return kind, value


def join(head: Part, tail: Part, charts: dict[int, bytes]) -> bytes:
    """One PDF: ``head``'s pages then ``tail``'s, with the ``charts`` spliced in, both
    parts' named destinations, links across the parts made internal, and the bookmarks of the
    whole (pikepdf: qpdf copies the second part's pages and everything they use in about
    0.06 s)."""
    import io

    import pikepdf
    from pikepdf import Array, Dictionary, String

    pdf, second = pikepdf.open(io.BytesIO(head.pdf)), pikepdf.open(io.BytesIO(tail.pdf))
    before = len(pdf.pages)
    pdf.pages.extend(second.pages)
    # Each part's page objects by their number in its own file, as the joined file holds them.
    here = [
        {page.objgen: page.obj for page in pdf.pages[:before]},
        {page.objgen: pdf.pages[before + i].obj for i, page in enumerate(second.pages)},
    ]
    names: dict[str, Any] = {}
    for part, pages in zip((pdf, second), here):
        for name, target in _destinations(part):
            names.setdefault(name, Array([pages[target[0].objgen], *list(target)[1:]]))
    tree = Array()
    for name in sorted(names):
        tree.extend([String(name), names[name]])
    pdf.Root.Names = Dictionary(Dests=Dictionary(Names=tree))
    for page in pdf.pages:
        for link in page.obj.get("/Annots", Array()):
            uri = str(link.get("/A", Dictionary()).get("/URI", ""))
            if uri.startswith(CROSS):
                del link["/A"]
                link.Dest = String(unquote(uri[len(CROSS) :]))
    _outline(pdf, [*head.pages, *tail.pages])
    sources = splice(pdf, charts)  # noqa: F841 - open until saved
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _destinations(pdf: Any) -> Iterator[tuple[str, Any]]:
    """The named destinations of one part as WeasyPrint writes them (one flat name tree)."""
    flat = pdf.Root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
    for index in range(0, len(flat), 2):
        yield str(flat[index]), flat[index + 1]


def _number(value: float) -> int | Decimal:
    """``value`` as WeasyPrint's pydyf writes a number: a whole number, or six decimals at most."""
    if float(value).is_integer():
        return int(value)
    return Decimal(f"{value:f}".rstrip("0"))


def _outline(pdf: Any, pages: list[tuple[float, list[Any]]]) -> None:
    """The bookmarks of both parts as WeasyPrint builds them for one document (its own tree
    builder over the parts' pages), written as its ``add_outlines`` writes them."""
    from pikepdf import Array, Dictionary, Name, String
    from weasyprint.document import Document

    fake = SimpleNamespace(
        pages=[SimpleNamespace(height=height, bookmarks=marks) for height, marks in pages]
    )
    tree = Document.make_bookmark_tree(fake, PT_PER_PX, transform_pages=True)  # type: ignore[arg-type]

    def add(items: list[Any], parent: Any) -> tuple[list[Any], int]:
        count = len(items)
        made: list[Any] = []
        for title, (page, x, y), children, state in items:
            target = Array([pdf.pages[page].obj, Name.XYZ, _number(x), _number(y), 0])
            item = pdf.make_indirect(Dictionary(Title=String(title), Dest=target))
            kids, kid_count = add(children, item)
            item.Count = -kid_count if state == "closed" else kid_count
            if state != "closed":
                count += kid_count
            if made:
                item.Prev = made[-1]
                made[-1].Next = item
            if kids:
                item.First, item.Last = kids[0], kids[-1]
            if parent is not None:
                item.Parent = parent
            made.append(item)
        return made, count

    if "/Outlines" in pdf.Root:
        del pdf.Root["/Outlines"]
    if tree:
        top = pdf.make_indirect(Dictionary())
        made, count = add(tree, top)
        top.Count, top.First, top.Last = count, made[0], made[-1]
        pdf.Root.Outlines = top
