"""The generated part of docs/quality.md: the measure fields and every rule implemented.

    python -m csc_scorecard.quality.docs docs/quality.md   # rewrite between the markers

A test checks the file is current (tests/test_quality_docs.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from csc_scorecard.measures.rule_impact import measure_fields, measure_relevant, measures_by_rule
from csc_scorecard.quality.rules import rules

BEGIN = "<!-- BEGIN GENERATED: python -m csc_scorecard.quality.docs docs/quality.md -->"
END = "<!-- END GENERATED -->"


def generated() -> str:
    impact = measures_by_rule()
    all_rules = rules()
    relevant = [r for r in all_rules if measure_relevant(r)]
    lines = [
        "### Fields the catalogue's measures read",
        "",
        "From the `fields` of every counted measure in `measures/catalogue/*.yaml`:",
        "",
        ", ".join(f"`{f}`" for f in measure_fields()),
        "",
        "### Rules implemented",
        "",
        (
            f"{sum(r.ret == 'ssda903' for r in all_rules)} SSDA903 and "
            f"{sum(r.ret == 'cin' for r in all_rules)} CIN census rules; {len(relevant)} of them "
            "check a field a measure reads (marked *m*, with the number of measures their "
            "faults affect)."
        ),
        "",
        "| rule | return | fields | measures | message |",
        "|---|---|---|---|---|",
    ]
    for r in all_rules:
        n = len(impact.get((r.ret, r.code), ()))
        mark = f"*m* {n}" if measure_relevant(r) else ""
        message = r.message.replace("|", "\\|").strip()
        lines.append(f"| `{r.code}` | {r.ret} | {', '.join(r.fields)} | {mark} | {message} |")
    return "\n".join(lines)


def rewrite(text: str) -> str:
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{generated()}\n{END}{tail}"


if __name__ == "__main__":
    path = Path(sys.argv[1])
    path.write_text(rewrite(path.read_text(encoding="utf-8")), encoding="utf-8")
