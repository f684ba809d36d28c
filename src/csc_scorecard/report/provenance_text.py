"""The words of the appendices every renderer prints the same: the provenance appendix (its
opening sentence and its tables as display strings) and the count line under each appendix
group's title.

Written once here into the context (`Provenance.statement`, `Provenance.tables`,
`AppendixGroup.summary_text`), so the Word document, the HTML page (and the PDF made from it)
print one text; a renderer only lays it out.
"""

from __future__ import annotations

from pathlib import PurePath

from csc_scorecard import numbers
from csc_scorecard.report.model import (
    Comparator,
    Counts,
    Definition,
    Provenance,
    ProvenanceTable,
    Publication,
)
from csc_scorecard.wording import long_date


def counts_line(c: Counts) -> str:
    """The group's colours, then both denominators.

    >>> counts_line(Counts(total=11, green=2, amber=1, red=3, information=0, not_available=5,
    ...     not_reportable=0, rated=6, with_data=6, better_or_within_tolerance=3, below_target=3,
    ...     without_data=5))
    '2 green, 1 amber, 3 red, 5 without data (11 indicators, 6 rated)'
    """
    parts = [
        f"{c.green} green",
        f"{c.amber} amber",
        f"{c.red} red",
        f"{c.without_data} without data",
    ]
    if c.information:
        parts.append(f"{c.information} for information")
    return ", ".join(parts) + f" ({c.total} indicators, {c.rated} rated)"


def written(
    prov: Provenance,
    *,
    schema_version: str,
    publication: Publication,
    definitions: dict[str, Definition],
    comparators: dict[str, Comparator],
) -> Provenance:
    """The provenance with its appendix written: the sentence saying what produced the report
    from what, and the tables of loads, population estimates, comparators and settings."""
    return prov.model_copy(
        update={
            "statement": statement(prov, schema_version),
            "tables": [
                t
                for t in (
                    _loads(prov),
                    _population(prov),
                    _comparators(prov, definitions, comparators),
                    _settings(prov, publication),
                )
                if t.rows
            ],
        }
    )


def statement(prov: Provenance, schema_version: str) -> str:
    """'Produced 8 September 2022 at 09:00 UTC by csc-scorecard 1.0 (report context schema
    1.2) from the store scorecard.duckdb, framework ....'"""
    used = [f"the store {prov.store}"]
    if prov.framework_file:
        used.append(f"framework {prov.framework_file}")
    if prov.commentary_file:
        used.append(f"commentary {prov.commentary_file}")
    at = prov.generated_at
    return (
        f"Produced {long_date(at.date())} at {at:%H:%M} UTC by csc-scorecard "
        f"{prov.software_version} (report context schema {schema_version}) from {', '.join(used)}."
    ) + _issues_counted(prov)


def _issues_counted(prov: Provenance) -> str:
    """Which loads' issues the summary counts, when the files-loaded table lists others: the
    published reference data's (cells their publishers suppress or leave out) are not the
    authority's data quality; the summary and the data-quality section count the authority's
    files' (`provenance.quality_issues`). '' when the reference loads have none."""
    reference = sum(x.issues for x in prov.loads if x.source_format.startswith("reference"))
    if not reference:
        return ""
    own = sum(x.issues for x in prov.loads if not x.source_format.startswith("reference"))
    return (
        f" Of the issues in the files loaded, the published reference data's "
        f"{numbers.count(reference)} are values their publishers suppress or leave out; the "
        f"summary and the data-quality section count the authority's files' {numbers.count(own)}."
    )


def _loads(prov: Provenance) -> ProvenanceTable:
    return ProvenanceTable(
        id="loads",
        title="Files loaded",
        description="Files loaded into the store",
        columns=["Load", "Source", "Files", "Covers", "Loaded", "Rows", "Issues"],
        numeric=[False, False, False, False, False, True, True],
        rows=[
            [
                str(load.load_id),
                load.name,
                ", ".join(PurePath(f).name for f in load.files),
                f"{load.period_start:%d/%m/%Y} to {load.period_end:%d/%m/%Y}"
                if load.period_start and load.period_end
                else "",
                f"{load.loaded_at:%d/%m/%Y %H:%M}",
                f"{load.rows:,}",
                f"{load.issues:,}",
            ]
            for load in prov.loads
        ],
    )


def _population(prov: Provenance) -> ProvenanceTable:
    return ProvenanceTable(
        id="population",
        title="Population estimates used for rates",
        description="Population estimates used for rates",
        columns=["Mid-year", "Ages", "Basis", "Population", "Source", "Quarters"],
        numeric=[False, False, False, True, False, False],
        rows=[
            [
                str(p.mid_year),
                p.age_band,
                p.basis.replace("_", " "),
                numbers.number(p.population),
                p.source or "",
                ", ".join(p.periods),
            ]
            for p in prov.population
        ],
    )


def _comparators(
    prov: Provenance, definitions: dict[str, Definition], comparators: dict[str, Comparator]
) -> ProvenanceTable:
    def year(measure: str, number: int) -> str:
        found = comparators.get(measure)
        return (found.year_label if found else None) or str(number)

    return ProvenanceTable(
        id="comparators",
        title="Published comparators",
        description="Published comparators and their editions",
        columns=["Measure", "Year", "Source", "Edition", "Neighbour model"],
        numeric=[False] * 5,
        rows=[
            [
                definitions[c.measure].title if c.measure in definitions else c.measure,
                year(c.measure, c.year),
                c.source or "",
                c.edition or "",
                c.sn_model or "",
            ]
            for c in prov.comparators
        ],
    )


def _settings(prov: Provenance, publication: Publication) -> ProvenanceTable:
    settings = prov.settings
    rows = []
    if "population_basis" in settings:
        rows.append(["Population basis", str(settings["population_basis"]).replace("_", " ")])
    if settings.get("not_reportable_threshold") is not None:
        rows.append(
            [
                "Not reportable when a field is missing or invalid in more than",
                f"{settings['not_reportable_threshold']:.0%} of records",
            ]
        )
    if settings.get("small_number_threshold") is not None:
        rows.append(["Small-number warning below", f"{settings['small_number_threshold']:g}"])
    if publication.enabled:
        shown = (
            f"counts {publication.min_count} to {publication.max_count} "
            f"shown as '{publication.symbol}'"
        )
        rows.append(["Suppressed for publication", f"{publication.suppressed} figures ({shown})"])
    return ProvenanceTable(
        id="settings",
        title="Settings",
        description="Settings the figures were computed with",
        columns=["Setting", "Value"],
        numeric=[False, False],
        rows=rows,
    )
