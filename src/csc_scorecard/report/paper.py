"""The committee paper around the figures: a council's paper file and a quarter's narrative file.

A council's committee papers share a shape (the seed report's, and most English councils'): a
cover with the committee, meeting date, cabinet member, wards, key decision and exemption; an
executive summary; recommendations; what the report means for citizens; the body; the impact on
the council's objectives; the implications sections (each signed off by an officer); consultation;
contact officers. The paper file (`--paper paper.yaml`, one per council) holds what is the same
each quarter; the narrative file (`--narrative narrative.md`, one per quarter) holds what officers
write about this quarter, in slots named by its headings. Both become sections of the one report
context, so every renderer prints them and the numbered paragraphs run on through them.

Officers' text is printed as written (`Paragraph.kind == "typed"`): it is not generated, so it
cites nothing. A mandatory slot left empty is a marked placeholder in the internal report and
refuses the publication report, naming the slot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from csc_scorecard.rating.framework import unreadable
from csc_scorecard.report.model import Cover, Officer, Section, Table
from csc_scorecard.terms import Terms
from csc_scorecard.wording import Paragraph, Sentence


class PaperError(ValueError):
    """A paper or narrative file that cannot be used, or a slot publication needs left empty."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Implication(_Strict):
    """One implications section: its text and the officer's sign-off (initials and date)."""

    text: str
    initials: str | None = None
    signed_on: date | None = None


class Objective(_Strict):
    outcome: str
    implications: str


class Implications(_Strict):
    """In the order councils' templates print them."""

    risks_and_assumptions: Implication
    legal: Implication
    equality: Implication
    human_resources: Implication
    technology: Implication
    health: Implication
    financial: Implication


IMPLICATION_TITLES = {
    "risks_and_assumptions": "Risks and assumptions",
    "legal": "Legal implications",
    "equality": "Equality implications",
    "human_resources": "Human resources implications",
    "technology": "Technology implications",
    "health": "Health implications",
    "financial": "Financial implications",
}


class PaperFile(_Strict):
    """A council's paper file (examples/doncaster-2022/paper.yaml)."""

    committee: str = Field(description="e.g. Overview and Scrutiny Management Committee")
    addressed_to: str = Field(description="e.g. To the Members of the OSMC")
    meeting_date: date
    title: str | None = Field(None, description="default: the report's own title")
    cabinet_members: list[str]
    wards: str = "All"
    key_decision: str = Field("None", description="'None', or the key decision reference")
    exempt: bool = False
    exempt_paragraph: str | None = Field(
        None,
        description="when exempt: the paragraph of Schedule 12A to the Local Government Act 1972",
    )
    author: Officer
    purpose: list[str] = Field(description="executive summary: purpose and governance")
    recommendations: list[str] = Field(min_length=1)
    citizens: list[str] = Field(description="what the report means for the area's citizens")
    objectives: list[Objective] = []
    recommended_options: list[str] = []
    implications: Implications
    consultation: list[str]
    contact_officers: list[Officer] = Field(min_length=1)
    terminology: Terms = Field(
        default_factory=Terms,
        description="the council's words: children in care or looked after; the council or the Trust",
    )


@dataclass(frozen=True)
class Slot:
    """A place for officers' words in the narrative file, found by its heading."""

    id: str
    title: str
    mandatory: bool
    asks: str  # what the placeholder says is missing


SLOTS = (
    Slot("background", "Background", False, "the background and current position"),
    Slot(
        "management_response",
        "Management response",
        True,
        "what the service is doing about the indicators below target and not available",
    ),
    Slot(
        "data_confidence",
        "Data confidence",
        True,
        "how far the figures can be relied on this quarter, and the data cleansing under way",
    ),
    Slot(
        "strategic_developments",
        "Strategic developments",
        False,
        "decisions, reorganisations and inspections affecting the service",
    ),
)
REASONS = "Reasons"  # "## Reasons: <section title>" — the reasons behind that section's movements


def _parsed(text: str) -> Any:
    """The paper file's YAML, by libyaml's parser where PyYAML has it (0.5 ms, not 9: every
    report reads the file); a file it refuses is read again by `yaml.safe_load`, whose message
    quotes the line at fault."""
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return yaml.safe_load(text)


def read_paper(path: str | Path) -> PaperFile:
    path = Path(path)
    try:
        raw = _parsed(path.read_text(encoding="utf-8"))
        paper = PaperFile.model_validate(raw)
    except OSError as err:
        raise PaperError(f"{path}: cannot be read ({err.strerror})") from None
    except (UnicodeDecodeError, yaml.YAMLError) as err:
        line, reason = unreadable(err)
        raise PaperError(f"{path}, line {line}: {reason}") from None
    except ValidationError as err:
        problems = "; ".join(
            f"field {'.'.join(str(p) for p in e['loc']) or '(top level)'!r}: {e['msg']}"
            for e in err.errors()
        )
        raise PaperError(f"{path}: {problems}") from None
    if paper.exempt and not paper.exempt_paragraph:
        raise PaperError(f"{path}: field 'exempt_paragraph': an exempt paper names its paragraph")
    return paper


def read_narrative(path: str | Path, sections: list[Section]) -> dict[str, list[Paragraph]]:
    """The narrative file's slots: `{slot id or 'reasons:<section id>': paragraphs}`.

    A level-1 or level-2 heading opens a slot, matched without regard to case; paragraphs are
    separated by blank lines and lines starting `- ` are bullets of the paragraph above them.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise PaperError(f"{path}: cannot be read ({err.strerror})") from None
    except UnicodeDecodeError as err:
        line, reason = unreadable(err)
        raise PaperError(f"{path}, line {line}: {reason}") from None
    known = {s.title.lower(): s.id for s in SLOTS} | {s.id: s.id for s in SLOTS}
    targets = {s.title.lower(): s.id for s in _walk(sections)} | {
        s.id: s.id for s in _walk(sections)
    }
    slots: dict[str, list[Paragraph]] = {}
    current: str | None = None
    block: list[str] = []

    def flush() -> None:
        if block and current is not None:
            slots[current].append(_typed(block))
        block.clear()

    for number, line in enumerate(text.splitlines(), start=1):
        heading = re.match(r"^#{1,2}\s+(.*?)\s*#*\s*$", line)
        if heading:
            flush()
            name = heading.group(1).strip()
            reason = re.match(rf"^{REASONS}\s*:\s*(.+)$", name, re.IGNORECASE)
            if reason:
                target = targets.get(reason.group(1).strip().lower())
                if target is None:
                    raise PaperError(
                        f"{path}, line {number}: no section titled {reason.group(1).strip()!r} "
                        f"for reasons; sections: {', '.join(s.title for s in _walk(sections))}"
                    )
                current = f"reasons:{target}"
            elif name.lower() in known:
                current = known[name.lower()]
            else:
                raise PaperError(
                    f"{path}, line {number}: unknown heading {name!r}; the slots are "
                    f"{', '.join(s.title for s in SLOTS)} and '{REASONS}: <section title>'"
                )
            if current in slots:
                raise PaperError(f"{path}, line {number}: heading {name!r} appears twice")
            slots[current] = []
        elif not line.strip():
            flush()
        elif current is None:
            raise PaperError(f"{path}, line {number}: text before the first heading")
        else:
            block.append(line)
    flush()
    return slots


def arrange(
    sections: list[Section],
    paper: PaperFile | None,
    narrative: dict[str, list[Paragraph]] | None,
    *,
    publication: bool,
) -> list[Section]:
    """The report's sections in committee-paper order, with the paper's and narrative's text.

    Without a paper file the body is returned with the narrative slots placed; with one, the
    front matter (purpose, exemption, recommendations, citizens) comes after the executive
    summary and the back matter (objectives, options, implications, consultation, contact
    officers) after the body.
    """
    narrative = dict(narrative or {})
    missing = [s for s in SLOTS if s.mandatory and not narrative.get(s.id)]
    if publication and missing and (paper is not None or narrative):
        raise PaperError(
            "the publication report needs the narrative slot"
            + ("s " if len(missing) > 1 else " ")
            + ", ".join(repr(s.title) for s in missing)
            + " (add it to the narrative file under that heading)"
        )
    if paper is None and not narrative:
        return sections
    filled = {s.id: narrative.get(s.id) or _placeholder(s) for s in SLOTS if s.mandatory}
    filled |= {s.id: narrative[s.id] for s in SLOTS if not s.mandatory and narrative.get(s.id)}

    for section in _walk(sections):
        extra = narrative.get(f"reasons:{section.id}")
        if extra:
            section.paragraphs = [*section.paragraphs, *extra]
    quality = next((s for s in sections if s.id == "data_quality"), None)
    if quality is not None:
        quality.paragraphs = [*filled.pop("data_confidence"), *quality.paragraphs]
    else:
        sections = [
            *sections,
            _section("data_confidence", "Data confidence", filled.pop("data_confidence")),
        ]

    summary = [s for s in sections if s.id == "summary"]
    body = [s for s in sections if s.id != "summary"]
    lead = (
        [_section("background", "Background", filled.pop("background"))]
        if "background" in filled
        else []
    )
    response = _section(
        "management_response", "Management response", filled.pop("management_response")
    )
    body = [*lead, response, *body]
    if "strategic_developments" in filled:
        strategic = _section(
            "strategic_developments", "Strategic developments", filled.pop("strategic_developments")
        )
        at = next(
            (i for i, s in enumerate(body) if s.id in ("finance", "placements_strategy")), len(body)
        )
        body.insert(at, strategic)
    if paper is None:
        return [*summary, *body]
    return [*_front(paper, summary), *body, *_back(paper)]


def cover(paper: PaperFile) -> Cover:
    from csc_scorecard.wording import long_date

    return Cover(
        committee=paper.committee,
        addressed_to=paper.addressed_to,
        meeting_date=paper.meeting_date,
        meeting_date_text=long_date(paper.meeting_date),
        title=paper.title,
        cabinet_members=paper.cabinet_members,
        wards=paper.wards,
        key_decision=paper.key_decision,
        exempt=paper.exempt,
        exemption=(f"Exempt under {paper.exempt_paragraph}." if paper.exempt else "Not exempt."),
        author=paper.author,
        contact_officers=paper.contact_officers,
    )


# -- building the sections ---------------------------------------------------------------------


def _front(paper: PaperFile, summary: list[Section]) -> list[Section]:
    purpose = [_typed([text]) for text in paper.purpose]
    if summary:
        lead = summary[0]
        lead.paragraphs = [*purpose, *lead.paragraphs]
        out = [lead]
    else:
        out = [_section("summary", "Executive summary", purpose)]
    exemption = "Not exempt." if not paper.exempt else f"Exempt under {paper.exempt_paragraph}."
    out.append(_section("paper_exempt", "Exempt information", [_typed([exemption])]))
    out.append(
        _section(
            "paper_recommendations", "Recommendations", [_typed([t]) for t in paper.recommendations]
        )
    )
    out.append(
        _section(
            "paper_citizens",
            "What does this mean for citizens?",
            [_typed([t]) for t in paper.citizens],
        )
    )
    return out


def _back(paper: PaperFile) -> list[Section]:
    out: list[Section] = []
    if paper.objectives:
        table = Table(
            id="council_objectives",
            title="Impact on the council's key objectives",
            columns=["Outcomes", "Implications"],
            rows=[[o.outcome, o.implications] for o in paper.objectives],
        )
        out.append(
            Section(
                id="paper_objectives",
                title="Impact on the council's key objectives",
                tables=[table],
            )
        )
    if paper.recommended_options:
        out.append(
            _section(
                "paper_options",
                "Recommended options",
                [_typed([t]) for t in paper.recommended_options],
            )
        )
    for key, title in IMPLICATION_TITLES.items():
        item: Implication = getattr(paper.implications, key)
        signed = ""
        if item.initials or item.signed_on:
            signed = (
                " ["
                + " ".join(
                    x
                    for x in (
                        item.initials,
                        item.signed_on.strftime("%d/%m/%Y") if item.signed_on else None,
                    )
                    if x
                )
                + "]"
            )
        out.append(_section(f"paper_{key}", title + signed, [_typed([item.text])]))
    out.append(
        _section("paper_consultation", "Consultation", [_typed([t]) for t in paper.consultation])
    )
    contacts = Table(
        id="contact_officers",
        title="Contact officers",
        columns=["Name", "Title", "Email", "Telephone"],
        rows=[[o.name, o.title, o.email or "", o.phone or ""] for o in paper.contact_officers],
    )
    out.append(Section(id="paper_contacts", title="Contact officers", tables=[contacts]))
    return out


def _section(id: str, title: str, paragraphs: list[Paragraph]) -> Section:
    return Section(id=id, title=title, paragraphs=paragraphs)


def _typed(lines: list[str]) -> Paragraph:
    """Officers' words as written: the paragraph's lines, then its `- ` bullets."""
    text = [line.strip() for line in lines if not line.lstrip().startswith(("- ", "* "))]
    bullets = [
        line.lstrip()[2:].strip() for line in lines if line.lstrip().startswith(("- ", "* "))
    ]
    return Paragraph(
        kind="typed",
        sentences=[Sentence(text=" ".join(t for t in text if t))] if any(text) else [],
        bullets=[Sentence(text=b) for b in bullets],
    )


def _placeholder(slot: Slot) -> list[Paragraph]:
    """A clearly marked gap in the internal report: what is missing and where to write it."""
    return [
        Paragraph(
            kind="placeholder",
            sentences=[
                Sentence(
                    text=f"[To be completed: {slot.title}. Write {slot.asks} under the heading "
                    f"'{slot.title}' in the narrative file. The publication report cannot be "
                    "built until it is written.]"
                )
            ],
        )
    ]


def _walk(sections: list[Section]):
    for s in sections:
        yield s
        yield from _walk(s.subsections)
