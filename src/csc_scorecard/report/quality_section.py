"""The data-quality section: the measures not reportable or not available for the quarter and
why, the DfE validation rules' faults (open at the quarter end, opened and closed since the
quarter before), the issues recorded when the files were loaded, and the measures that could
not be computed. Every number is cited (``csc_scorecard.wording.say``) to the context's
``/data_quality`` fields.
"""

from __future__ import annotations

from csc_scorecard.report.cited import cited_count, cited_text
from csc_scorecard.report.facts import Facts
from csc_scorecard.report.model import (
    DataQuality,
    Paragraph,
    RuleFaultCount,
    RuleFaults,
    Section,
)
from csc_scorecard.report.phrases import paragraph
from csc_scorecard.report.provenance import rule_words
from csc_scorecard.wording import Cited, say

RETURN_WORDS = {"ssda903": "SSDA903", "cin": "CIN census"}
# Said where no issue was recorded, here and in the executive summary (never "0 ... issues").
# "The authority's files": Appendix 4 lists the published reference loads with issues of
# their own (other authorities' suppressed figures), which these counts leave out.
NO_ISSUES = "No data-quality issues were recorded when the authority's files were loaded."


def _shown(ref: str, counts: RuleFaults | RuleFaultCount, name: str) -> Cited:
    """A fault count as printed: the number, or the suppression symbol (cited to its display)."""
    value = getattr(counts, name)
    if value is None:
        return cited_text(f"{ref}/{name}_display", getattr(counts, f"{name}_display"))
    return cited_count(f"{ref}/{name}", value)


def _rule_faults_paragraph(facts: Facts, faults: RuleFaults | None) -> Paragraph | None:
    """The DfE validation rules' faults in the data checked as at the quarter end, and those
    opened and closed since the check of the data as at the previous quarter end: the cleansing
    of the data told from the faults kept at each load."""
    if faults is None:
        return None
    ref = "/data_quality/rule_faults"
    sentences = [
        say(
            "The DfE validation rules found {open} {faults} in the data as at {as_at}.",
            open=_shown(ref, faults, "open"),
            faults="fault" if faults.open == 1 else "faults",
            as_at=cited_text(f"{ref}/as_at_text", faults.as_at_text),
        )
    ]
    if faults.known:
        sentences.append(
            say(
                "Since the data as at {then}, {opened} opened and {closed} closed.",
                then=cited_text(f"{ref}/then_as_at_text", faults.then_as_at_text),
                opened=_shown(ref, faults, "opened"),
                closed=_shown(ref, faults, "closed"),
            )
        )
    else:
        sentences.append(
            say(
                "Faults opened and closed since {q} are not known: no check of the data as at its end or before was kept when the files were loaded.",
                q=facts.period("previous", "label"),
            )
        )
    bullets = []
    for i, r in enumerate(faults.rules):
        at = f"{ref}/rules/{i}"
        template = "Rule {rule} ({ret}" + (", {field}" if r.field else "") + "): {open} open"
        if faults.known:
            template += ", {opened} opened, {closed} closed"
        template += "; {message}" if r.message else "."
        bullets.append(
            say(
                template,
                rule=cited_text(f"{at}/rule", r.rule),
                ret=RETURN_WORDS.get(r.dfe_return, r.dfe_return),
                **({"field": cited_text(f"{at}/field", r.field)} if r.field else {}),
                open=_shown(at, r, "open"),
                **(
                    {"opened": _shown(at, r, "opened"), "closed": _shown(at, r, "closed")}
                    if faults.known
                    else {}
                ),
                **({"message": cited_text(f"{at}/message", r.message)} if r.message else {}),
            )
        )
    return paragraph(*sentences, bullets=bullets or None, kind="note")


def quality_section(facts: Facts, quality: DataQuality) -> Section:
    out: list[Paragraph | None] = []
    if not quality.not_reportable:
        # The data decide whether any figure is not reportable, not the quarter's narrative.
        out.append(
            paragraph(
                say(
                    "Every measure is reportable for {q}: no field a figure depends on is missing or invalid in more of the records than the quality threshold allows.",
                    q=facts.period(),
                ),
                kind="note",
            )
        )
    else:
        out.append(
            paragraph(
                say(
                    "These measures are not reportable for {q}: a field they depend on is missing or invalid in more of the records than the quality threshold allows.",
                    q=facts.period(),
                ),
                bullets=[
                    say(
                        "{title}: {reason}",
                        title=cited_text(f"/data_quality/not_reportable/{i}/title", n.title),
                        reason=cited_text(f"/data_quality/not_reportable/{i}/reason", n.reason),
                    )
                    for i, n in enumerate(quality.not_reportable)
                ],
                kind="note",
            )
        )
    out.append(_rule_faults_paragraph(facts, quality.rule_faults))
    if quality.issues:
        out.append(
            paragraph(
                say(
                    "Data-quality issues recorded when the authority's files were loaded, by table and field:"
                ),
                bullets=[
                    say(
                        "{n} {rule} in {table}" + (" ({column})" if issue.column else ""),
                        n=cited_count(f"/data_quality/issues/{i}/count", issue.count),
                        rule=rule_words(issue.rule, issue.count),
                        # Canonical table and column names as stored (some hold digits: section47s).
                        table=cited_text(f"/data_quality/issues/{i}/table", issue.table or "?"),
                        **(
                            {"column": cited_text(f"/data_quality/issues/{i}/column", issue.column)}
                            if issue.column
                            else {}
                        ),
                    )
                    for i, issue in enumerate(quality.issues)
                ],
                kind="note",
            )
        )
    else:
        out.append(paragraph(say(NO_ISSUES), kind="note"))
    if quality.not_available:
        out.append(
            paragraph(
                say("These measures have no figure for {q}:", q=facts.period()),
                bullets=[
                    say(
                        "{title}: {reason}",
                        title=cited_text(f"/data_quality/not_available/{i}/title", n.title),
                        reason=cited_text(f"/data_quality/not_available/{i}/reason", n.reason),
                    )
                    for i, n in enumerate(quality.not_available)
                ],
                kind="note",
            )
        )
    if quality.errors:
        out.append(
            paragraph(
                say("These measures could not be computed and are shown as not available:"),
                bullets=[
                    say("{e}", e=cited_text(f"/data_quality/errors/{i}", e))
                    for i, e in enumerate(quality.errors)
                ],
                kind="note",
            )
        )
    return Section(
        id="data_quality", title="Data quality", paragraphs=[p for p in out if p is not None]
    )
