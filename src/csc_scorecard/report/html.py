"""The report as one self-contained HTML file: CSS and SVG charts inline, no scripts, no network.

The same HTML is what WeasyPrint prints for the PDF (``pdf.py``), so the two cannot differ.
Each cited number in a sentence is wrapped in ``<span class="fig" data-ref="...">`` carrying
the JSON pointer of the context field it came from, for tests and for drill-down links.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from csc_scorecard.report.model import Definition, ReportContext, Section, Sentence


def sentence_html(sentence: Sentence) -> Markup:
    """The sentence with each cite wrapped in a span naming its source field."""
    out: list[str] = []
    position = 0
    for cite in sorted(sentence.cites, key=lambda c: c.start):
        out.append(str(escape(sentence.text[position : cite.start])))
        # Figures never break across lines; long cited text (a reason, a title) wraps.
        kind = "fig" if len(cite.text) <= 24 else "fig fig-long"
        out.append(f'<span class="{kind}" data-ref="{escape(cite.ref)}">{escape(cite.text)}</span>')
        position = cite.end
    out.append(str(escape(sentence.text[position:])))
    return Markup("".join(out))


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("csc_scorecard.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["sentence"] = sentence_html
    return env


def compile_templates() -> None:
    """Compile the report's templates now, in a process that renders them later (the PDF's,
    while the context is built), so that the rendering does not."""
    env = environment()
    for name in env.list_templates(extensions=["j2"]):
        env.get_template(name)


@cache
def stylesheet() -> str:
    return (
        resources.files("csc_scorecard.report")
        .joinpath("templates", "report.css")
        .read_text(encoding="utf-8")
    )


def used_definitions(context: ReportContext) -> list[Definition]:
    """Definitions of the measures the report shows, in catalogue order."""
    used: set[str] = set()

    def walk(section: Section) -> None:
        used.update(r.measure for r in section.figures)
        used.update(b.measure for b in section.breakdowns)
        for sub in section.subsections:
            walk(sub)

    for section in context.sections:
        walk(section)
    used.update(r.measure for g in context.appendix for r in g.rows if r.measure)
    return [d for m, d in context.definitions.items() if m in used]


def to_html(context: ReportContext) -> str:
    template = environment().get_template("report.html.j2")
    return template.render(
        ctx=context, css=stylesheet(), used_definitions=used_definitions(context)
    )


def render(context: ReportContext, path: str | Path) -> Path:
    """Write the report as HTML to ``path``."""
    path = Path(path)
    path.write_text(to_html(context), encoding="utf-8")
    return path
