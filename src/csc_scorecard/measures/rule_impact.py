"""Which DfE rules make a record unsafe for which measure.

A measure depends on the canonical fields its catalogue entry lists (`fields`, table.column); a
rule checks fields too (`Rule.columns`, derived from the DfE field names through the ingest
specs). A rule's fault makes a record unsafe for a measure when the two share a field. A
measure's entry may override the derived list in its `settings`:

    settings: {quality_rules: ["148", "388"]}          # exactly these rules (903 or CIN codes)
    settings: {quality_rules_exclude: ["178"]}          # the derived list without these
"""

from __future__ import annotations

from functools import cache

from csc_scorecard.measures.catalogue import Measure, catalogue
from csc_scorecard.quality.rules import Rule, rules


def rules_for(m: Measure) -> list[Rule]:
    """The rules whose faults make a record unsafe for measure `m`."""
    chosen = m.settings.get("quality_rules")
    excluded = m.settings.get("quality_rules_exclude", [])
    return list(
        _rules_for(
            tuple(m.fields),
            None if chosen is None else frozenset(str(c) for c in chosen),
            frozenset(str(c) for c in excluded),
        )
    )


@cache  # asked for every measure by each run's reportability and each refresh's inputs
def _rules_for(
    fields: tuple[str, ...], chosen: frozenset[str] | None, excluded: frozenset[str]
) -> tuple[Rule, ...]:
    if chosen is not None:
        return tuple(r for r in rules() if r.code in chosen)
    wanted = set(fields)
    return tuple(r for r in rules() if wanted.intersection(r.columns) and r.code not in excluded)


@cache
def measures_by_rule() -> dict[tuple[str, str], tuple[str, ...]]:
    """{(return, code): ids of the counted measures the rule's faults affect}."""
    out: dict[tuple[str, str], list[str]] = {}
    for m in catalogue().values():
        if m.manual:
            continue
        for r in rules_for(m):
            out.setdefault((r.ret, r.code), []).append(m.id)
    return {k: tuple(v) for k, v in out.items()}


def measure_fields() -> list[str]:
    """Every canonical field a counted measure reads (table.column), sorted."""
    return sorted({f for m in catalogue().values() if not m.manual for f in m.fields})


def measure_relevant(r: Rule) -> bool:
    """Does the rule check a field some measure reads?"""
    return bool(set(r.columns).intersection(measure_fields()))
