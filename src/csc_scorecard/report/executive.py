"""The executive summary: the section about the report as a whole rather than one service area
(the data-quality section, the other such section, is report/quality_section.py).

The executive summary leads with what a committee needs first (docs/committee-paper.md): the
performance counts per group; the indicators below target, named with value and target; the
largest movements since last quarter and since a year earlier (only changes the materiality
rule counts, rating.direction); the forecast outturn and its biggest driver; the indicators
that could not be reported and why; then data availability, where the figures come from and
data quality.

Like ``narrative.py``, every number is cited (``csc_scorecard.wording.say``); the pointers name the
appendix summary counts, the provenance records and the data-quality notes.
"""

from __future__ import annotations

from csc_scorecard.numbers import count, number
from csc_scorecard.rating import Framework
from csc_scorecard.rating.summary import OF_RATED
from csc_scorecard.report.benchmarks import in_unit
from csc_scorecard.report.cited import cited_count, cited_text
from csc_scorecard.report.facts import Facts, figure_id, pointer_part
from csc_scorecard.report.model import (
    Allowance,
    AppendixGroup,
    AppendixRow,
    DataQuality,
    LoadRecord,
    OmittedSection,
    Paragraph,
    Performance,
    Section,
    Sentence,
)
from csc_scorecard.report.phrases import paragraph
from csc_scorecard.report.quality_section import NO_ISSUES
from csc_scorecard.report.sections.finance.section import FinanceSection
from csc_scorecard.wording import Cited, join, listing, say


def materiality(framework: Framework) -> tuple[dict[str, Allowance], tuple[float, str] | None]:
    """The framework's materiality rule as the report records it (``Performance``): each
    item's fixed allowance, and the chance test's confidence in percent, as printed."""
    rule = framework.direction_of_travel
    allowances = {
        item.id: Allowance(value=a, value_display=number(a, 2))
        for item in framework.all_items()
        if (a := rule.allowance(item))
    }
    if rule.chance is None:
        return allowances, None
    confidence = round(100 * rule.chance, 6)
    return allowances, (confidence, f"{number(confidence, 2)}%")


def summary_section(
    facts: Facts,
    performance: Performance,
    appendix: list[AppendixGroup],
    loads: list[LoadRecord],
    quality: DataQuality,
    omitted: list[OmittedSection],
    la_code: str,
    finance: FinanceSection | None = None,
) -> Section:
    out: list[Paragraph | None] = [
        paragraph(
            say(
                "This report sets out the performance of children's social care in {a} for {label}, the quarter from {start} to {end}.",
                a=facts.authority(),
                label=facts.period("current", "label"),
                start=facts.period("current", "start_text"),
                end=facts.period("current", "end_text"),
            ),
            kind="summary",
        )
    ]
    if performance.framework and performance.summary is not None:
        out.append(
            paragraph(
                say(
                    "Performance is monitored against the {name}, which has {n} indicators. The appendix gives each "
                    "indicator's target and tolerance, a comparator where one is published, the last two quarters, its "
                    "rating, direction of travel and commentary.",
                    name=cited_text("/performance/framework", performance.framework),
                    n=cited_count("/performance/summary/total", performance.summary.total),
                ),
                kind="summary",
            )
        )
        for g, group in enumerate(appendix):
            out.append(_group_paragraph(g, group))
        out.append(below_target(appendix))
        out.append(movements(facts, appendix, "previous"))
        out.append(movements(facts, appendix, "year_earlier"))
    else:
        out.append(
            paragraph(
                say(
                    "No performance framework was supplied, so measures are reported without targets or ratings; the appendix lists every measure for information."
                ),
                kind="summary",
            )
        )
    out.append(forecast(finance))
    if performance.framework and performance.summary is not None:
        out.append(not_reported(facts, appendix))
        out.append(without_data(facts, performance))
    out.append(_sources_paragraph(loads, la_code))
    out.append(_quality_paragraph(facts, quality))
    for i, gone in enumerate(omitted):
        out.append(
            paragraph(
                say(
                    "The {title} section is not included: {reason}.",
                    title=cited_text(f"/omitted/{i}/title", gone.title),
                    reason=cited_text(f"/omitted/{i}/reason", gone.reason),
                ),
                kind="note",
            )
        )
    return Section(
        id="summary", title="Executive summary", paragraphs=[p for p in out if p is not None]
    )


def without_data(facts: Facts, performance: Performance) -> Paragraph | None:
    """The indicators without data (not available or not reportable) this quarter against the
    quarter before; None without the previous quarter's counts."""
    if performance.summary is None or performance.previous_summary is None:
        return None
    return paragraph(
        say(
            "Data is not available or not reportable for {now} of {total} indicators at the end of {q}, compared with {before} at the end of {p_q}.",
            now=cited_count("/performance/summary/without_data", performance.summary.without_data),
            total=cited_count("/performance/summary/total", performance.summary.total),
            q=facts.period(),
            before=cited_count(
                "/performance/previous_summary/without_data",
                performance.previous_summary.without_data,
            ),
            p_q=facts.period("previous"),
        ),
        kind="summary",
    )


def _row_ref(g: int, r: int, row: AppendixRow, name: str) -> Cited:
    return Cited(str(getattr(row, name)), f"/appendix/{g}/rows/{r}/{name}", getattr(row, name))


def _named(g: int, r: int, row: AppendixRow, rest: str) -> tuple[str, dict[str, Cited | str]]:
    """'C10 % of cases audited graded good or better ' + rest: the reference and title (both
    cited: both may hold digits) as the subject of a sentence whose verb starts ``rest``
    ("stood at 54% against a target of 80%"), never "Title: value"; a title printed with its
    own full stop is followed by "This indicator" and the rest."""
    slots: dict[str, Cited | str] = {
        "ref": _row_ref(g, r, row, "item"),
        "title": _row_ref(g, r, row, "title"),
    }
    if row.title.rstrip().endswith("."):
        return "{ref} {title} This indicator " + rest, slots
    return "{ref} {title} " + rest, slots


def _rows(appendix: list[AppendixGroup]):
    for g, group in enumerate(appendix):
        for r, row in enumerate(group.rows):
            yield g, r, row


def below_target(appendix: list[AppendixGroup]) -> Paragraph | None:
    """The indicators below target (red), each named with its value and target."""
    red = [(g, r, row) for g, r, row in _rows(appendix) if row.status == "red"]
    if not red:
        return paragraph(say("No indicator is below target this quarter."), kind="summary")
    bullets = []
    for g, r, row in red:
        rest = "stood at {v}" + in_unit(row.current, row.unit) + " against a target of {t}"
        name, slots = _named(g, r, row, rest + in_unit(row.target_text, row.unit))
        bullets.append(
            say(
                name,
                v=_row_ref(g, r, row, "current"),
                t=_row_ref(g, r, row, "target_text"),
                **slots,
            )
        )
    return paragraph(
        say(
            "{n} {indicators} below target:",
            n=Cited(count(len(red)), "/performance/summary/below_target", len(red)),
            indicators="indicator is" if len(red) == 1 else "indicators are",
        ),
        bullets=bullets,
        kind="summary",
    )


MOVEMENTS = 3  # the largest movements the summary names, each way


def movements(facts: Facts, appendix: list[AppendixGroup], when: str) -> Paragraph | None:
    """The largest movements since the previous quarter (``when="previous"``) or the same
    quarter a year earlier: only changes the materiality rule counts (improving or worsening,
    never "similar"), the largest first - in percentage points for percentages, else as a
    share of the earlier figure - at most ``MOVEMENTS`` of each."""
    moved = []
    for g, r, row in _rows(appendix):
        direction = row.direction if when == "previous" else row.direction_year
        if direction not in ("improving", "worsening") or row.figure is None:
            continue
        now = facts.figures.get(row.figure)
        key = row.figure.rsplit(":", 1)[0]
        then = facts.figures.get(figure_id(key, facts.periods[when].id))  # type: ignore[index]
        if now is None or then is None or now.value is None or then.value is None:
            continue
        change = now.value - then.value
        size = abs(change) if row.unit == "percent" else 100 * abs(change) / max(abs(then.value), 1)
        moved.append((size, direction, change, g, r, row, then))
    if not moved:
        return None
    chosen = []
    for way in ("improving", "worsening"):
        chosen += sorted((m for m in moved if m[1] == way), key=lambda m: -m[0])[:MOVEMENTS]
    bullets = []
    for _, direction, change, g, r, row, then in chosen:
        rest = (
            ("went up" if change > 0 else "went down")
            + " from {then} to {now}"
            + in_unit(row.current, row.unit)
            + (" (an improvement)" if direction == "improving" else " (a deterioration)")
        )
        name, slots = _named(g, r, row, rest)
        bullets.append(
            say(
                name,
                then=facts.as_printed(then, row.previous, f"/appendix/{g}/rows/{r}/previous")
                if when == "previous"
                else facts.value(then),
                now=_row_ref(g, r, row, "current"),
                **slots,
            )
        )
    since = "{p}" if when == "previous" else "{p}, a year earlier"
    return paragraph(
        say(
            "The largest movements since " + since + " (changes too small to count under the "
            "materiality rule are left out):",
            p=facts.period(when, "short" if when == "previous" else "label"),  # type: ignore[arg-type]
        ),
        bullets=bullets,
        kind="summary",
    )


def forecast(finance: FinanceSection | None) -> Paragraph | None:
    """The forecast outturn and its biggest driver: the care-ladder group or agency staffing
    with the largest variance the same way as the total."""
    if finance is None:
        return None
    total = finance.figures.get("total:variance")
    if total is None or total.value is None or not finance.outturn.groups:
        return None

    def cite(fid: str) -> Cited:
        f = finance.figures[fid]
        return Cited(f.display, f"/finance/figures/{pointer_part(fid)}/value", f.value)

    over = total.value >= 0
    drivers: list[tuple[float, str, str, dict[str, Cited | str]]] = []
    for i, group in enumerate(finance.outturn.groups):
        fid = f"group:{group.id}:variance"
        f = finance.figures.get(fid)
        if f is None or f.value is None:
            continue
        name = Cited(group.name, f"/finance/outturn/groups/{i}/name", group.name)
        drivers.append((f.value, fid, "{name}", {"name": name}))
    f = finance.figures.get("agency:variance")
    if f is not None and f.value is not None:
        drivers.append((f.value, "agency:variance", "agency worker costs", {}))
    drivers = [d for d in drivers if (d[0] > 0) == over and d[0] != 0]
    first = say(
        "The forecast outturn for {fy} at month {m} is an {kind} of {v} against the budget",
        fy=Cited(finance.financial_year, "/finance/financial_year", finance.financial_year),
        m=Cited(str(finance.month), "/finance/month", finance.month),
        kind="overspend" if over else "underspend",
        v=cite("total:variance"),
    )
    if not drivers:
        return paragraph(join(first, say("."), separator=""), kind="summary")
    _, fid, words, slots = max(drivers, key=lambda d: abs(d[0]))
    tail = say(
        "; the biggest driver is " + words + " ({d} " + ("over" if over else "under") + " budget).",
        d=cite(fid),
        **slots,
    )
    return paragraph(join(first, tail, separator=""), kind="summary")


def not_reported(facts: Facts, appendix: list[AppendixGroup]) -> Paragraph | None:
    """The indicators that could not be reported this quarter, each with its reason."""
    missing = [
        (g, r, row)
        for g, r, row in _rows(appendix)
        if row.status in ("not_available", "not_reportable")
    ]
    if not missing:
        return paragraph(
            say("Every indicator could be reported for {q}.", q=facts.period()), kind="summary"
        )
    bullets = []
    for g, r, row in missing:
        # verbs that read with any title, singular or plural
        kind = (
            "could not be reported" if row.status == "not_reportable" else "had no figure to report"
        )
        if row.reason:
            name, slots = _named(g, r, row, kind + ": {why}")
            bullets.append(say(name, why=_row_ref(g, r, row, "reason"), **slots))
        else:
            name, slots = _named(g, r, row, kind)
            bullets.append(say(name, **slots))
    return paragraph(
        say(
            "{n} {indicators} could not be reported for {q}:",
            n=Cited(count(len(missing)), "/performance/summary/without_data", len(missing)),
            indicators="indicator" if len(missing) == 1 else "indicators",
            q=facts.period(),
        ),
        bullets=bullets,
        kind="summary",
    )


def _group_paragraph(g: int, group: AppendixGroup) -> Paragraph | None:
    base = f"/appendix/{g}/summary"
    c = group.summary
    total = cited_count(f"{base}/total", c.total)
    bullets: list[Sentence] = [
        say(
            "{n} of {t} indicators are performing better than or within tolerance against target "
            + OF_RATED,
            n=cited_count(f"{base}/better_or_within_tolerance", c.better_or_within_tolerance),
            t=total,
            rated=cited_count(f"{base}/rated", c.rated),
        ),
        say(
            "{n} of {t} are below target",
            n=cited_count(f"{base}/below_target", c.below_target),
            t=total,
        ),
        say(
            "data is not available for {n} of {t} ({na} not available, {nr} not reportable)",
            n=cited_count(f"{base}/without_data", c.without_data),
            t=total,
            na=cited_count(f"{base}/not_available", c.not_available),
            nr=cited_count(f"{base}/not_reportable", c.not_reportable),
        ),
    ]
    if c.information:
        bullets.append(
            say(
                "{n} of {t} are reported for information only",
                n=cited_count(f"{base}/information", c.information),
                t=total,
            )
        )
    return paragraph(
        say(
            "Performance against the {title} is as follows:",
            title=cited_text(f"/appendix/{g}/title", group.title),
        ),
        bullets=bullets,
        kind="summary",
    )


def _sources_paragraph(loads: list[LoadRecord], la_code: str) -> Paragraph | None:
    # The authority's own statutory returns (not reference data, not local templates).
    named: dict[str, Cited] = {}
    manual = False
    for i, load in enumerate(loads):
        family = load.source_format.partition(":")[0]
        if family == "reference":
            continue
        if family == "template":
            manual = True
            continue
        named.setdefault(load.name, cited_text(f"/provenance/loads/{i}/name", load.name))
    sentences = []
    if named:
        body, slots = listing([("the {s}", {"s": c}) for c in named.values()])
        sentences.append(
            say(
                "Figures about children are computed from " + body + " loaded for the authority.",
                **slots,
            )
        )
    if manual:
        sentences.append(
            say(
                "Figures from outside the case system, such as youth justice and inspection grades, are supplied in local data templates."
            )
        )
    sentences.append(
        say(
            "The provenance appendix lists every file loaded, when it was loaded and the reference data used."
        )
    )
    return paragraph(*sentences, kind="summary")


def _quality_paragraph(facts: Facts, quality: DataQuality) -> Paragraph | None:
    first = (
        say(NO_ISSUES)
        if quality.issue_total == 0
        else say(
            "{n} data-quality {issues} recorded when the authority's files were loaded.",
            n=cited_count("/data_quality/issue_total", quality.issue_total),
            issues="issue was" if quality.issue_total == 1 else "issues were",
        )
    )
    second = None
    if quality.not_reportable:
        second = say(
            "{k} {measures} not reportable for {q} because too many of the records {it} on have missing or invalid values; the data quality section lists {them}.",
            k=cited_count("/data_quality/not_reportable_count", quality.not_reportable_count),
            measures="measure is" if quality.not_reportable_count == 1 else "measures are",
            it="it depends" if quality.not_reportable_count == 1 else "they depend",
            them="it" if quality.not_reportable_count == 1 else "them",
            q=facts.period(),
        )
    return paragraph(first, second, kind="summary")
