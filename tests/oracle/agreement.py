"""Agreement of our DfE rules with the data-to-insight validators: (child, rule) pairs.

For every rule both implement, on the same files: precision = our flagged children the
validator also flags / ours; recall = the validator's flagged children we also flag / theirs
(a rule neither flags counts as full agreement). Used by tests/test_quality_oracle.py and by
`benchmarks/quality_agreement.py`, which prints the figures docs/quality.md quotes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Agreement:
    rule: str
    ours: frozenset[str]
    theirs: frozenset[str]

    @property
    def both(self) -> int:
        return len(self.ours & self.theirs)

    @property
    def precision(self) -> float:
        return self.both / len(self.ours) if self.ours else 1.0

    @property
    def recall(self) -> float:
        return self.both / len(self.theirs) if self.theirs else 1.0

    @property
    def only_ours(self) -> list[str]:
        return sorted(self.ours - self.theirs)

    @property
    def only_theirs(self) -> list[str]:
        return sorted(self.theirs - self.ours)

    def line(self) -> str:
        return (
            f"{self.rule:>8}  ours {len(self.ours):>5}  theirs {len(self.theirs):>5}  "
            f"precision {self.precision:7.2%}  recall {self.recall:7.2%}"
        )


def their_pairs(report: dict) -> dict[str, set[str]]:
    """{rule: children} from an oracle report run with `all_children=True`."""
    return {f["rule"]: set(map(str, f["examples"])) for f in report["failures"]}


def our_pairs(faults: Iterable[dict]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for f in faults:
        if f["child"] is not None:
            out[f["rule"]].add(str(f["child"]))
    return out


def agreement(
    ours: dict[str, set[str]], theirs: dict[str, set[str]], codes: Iterable[str]
) -> list[Agreement]:
    return [Agreement(c, frozenset(ours.get(c, ())), frozenset(theirs.get(c, ()))) for c in codes]
