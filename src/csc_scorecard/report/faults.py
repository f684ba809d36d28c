"""The DfE validation-rule faults the report's data-quality section shows: how many are open in
the data as at the quarter end, and how many opened and closed since the previous quarter end
(`quality.history.changes`: the snapshots kept at each load), per rule and field.

Counts only, whoever reads the report: no child, row or value reaches the context, and the
rule's message is DfE's text from the rule registry, never a recorded one. For publication a
count from 1 to 5 is printed as the suppression symbol, as every other count is
(`publication.is_small`).
"""

from __future__ import annotations

from csc_scorecard.model.periods import Quarter
from csc_scorecard.numbers import count
from csc_scorecard.quality import history
from csc_scorecard.report.model import RuleFaultCount, RuleFaults
from csc_scorecard.report.publication import PublicationRules, is_small
from csc_scorecard.store import Store
from csc_scorecard.wording import long_date

COUNTS = ("open", "opened", "closed")


def rule_faults(
    store: Store, la_code: str, quarter: Quarter, rules: PublicationRules | None
) -> RuleFaults | None:
    """None when the authority has no 903 or CIN census return loaded (no rule can run)."""
    if history.as_at(store.con, la_code) is None:
        return None
    moved = faults_moved(store, la_code, quarter)
    as_at = moved.current_as_at  # where the data checked reach: an in-year return's extraction
    totals = {
        "open": moved.current.num_rows,
        "opened": moved.opened.num_rows if moved.opened is not None else None,
        "closed": moved.closed.num_rows if moved.closed is not None else None,
    }
    return RuleFaults(
        as_at=as_at,
        as_at_text=long_date(as_at) if as_at else "",
        known=moved.known,
        then_as_at=moved.then_as_at,
        then_as_at_text=long_date(moved.then_as_at) if moved.then_as_at else "",
        **_shown(totals, rules),
        rules=[
            RuleFaultCount(
                dfe_return=r["return"],
                rule=r["rule"],
                field=r["field"],
                message=r["message"],
                **_shown(r, rules),
            )
            for r in history.counts_by_rule(moved)
        ],
    )


def faults_moved(store: Store, la_code: str, quarter: Quarter) -> history.Changes:
    """`quality.history.changes` for the quarter and the one before (each check kept as at the
    day its data reach: an in-year return's is the check of the quarter it was extracted in).
    What the paper, `scorecard quality` and the data-quality page count."""
    return history.changes(store.con, la_code, quarter.end, quarter.previous().end)


def _shown(counts: dict, rules: PublicationRules | None) -> dict:
    """Each count and its display ('' when not known); a small count suppressed for publication."""
    out: dict = {}
    for name in COUNTS:
        n = counts[name]
        hidden = rules is not None and is_small(n, rules)
        out[name] = None if hidden else n
        out[f"{name}_display"] = rules.symbol if hidden and rules else count(n)
    return out
