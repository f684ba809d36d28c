"""The detailed synthetic authority re-shaped like another English authority (`synth --like`).

The per-child simulator's calibration (`children.yaml`) is tuned on Doncaster (371). To make an
authority like another one, the same published figures the synthetic England aims at
(`synth.published`) scale the calibration by the other authority's ratio to Doncaster's, each
averaged over the DfE years the simulation covers:

| calibration | scaled by the ratio of |
|---|---|
| size (population 0-17) | ONS 0-17 population, latest mid-year simulated |
| `front_door.referrals_per_year` | referrals per 10,000 |
| `families.rereferral_probability` | re-referrals within 12 months (%) |
| `pathway.s47_share` | Section 47 enquiries per referral |
| `pathway.first` cp / care / cin | CP, CLA and CIN per 10,000 at 31 March |

The simulator keeps its own shapes (durations, ages, placements), so the result lands near the
target rates rather than on them; `synth --england` hits them more closely (a test says how).
"""

from __future__ import annotations

from statistics import mean

from csc_scorecard.synth.calibration import Calibration
from csc_scorecard.synth.published import Authority, authorities

BASE = "371"  # the authority children.yaml is calibrated on


def like(
    cal: Calibration, la_code: str, first_year: int, last_year: int
) -> tuple[Calibration, float]:
    """`cal` re-shaped like `la_code`, and the size (scale factor) for its population."""
    known = authorities(first_year, last_year)
    if la_code not in known:
        raise ValueError(
            f"--like {la_code}: no published population and rates for every year "
            f"{first_year - 1}-{last_year} (reorganised authorities are left out)"
        )
    target, base = known[la_code], known[BASE]
    years = range(first_year + 1, last_year + 2)

    def ratio(key: str) -> float:
        values = [(target.figure(key, y) or 0.0) / (base.figure(key, y) or 1.0) for y in years]
        return mean(values) or 1.0

    per_referral = ratio("s47") / ratio("referrals")
    first = dict(cal.pathway.first)
    first["cp"] *= ratio("cp")
    first["care"] *= ratio("cla")
    first["cin"] *= ratio("cin")
    pathway = cal.pathway.model_copy(
        update={
            "first": first,
            "s47_share": {k: min(1.0, v * per_referral) for k, v in cal.pathway.s47_share.items()},
        }
    )
    families = cal.families.model_copy(
        update={
            "rereferral_probability": min(
                0.9, cal.families.rereferral_probability * ratio("rereferrals")
            )
        }
    )
    front_door = cal.front_door.model_copy(
        update={"referrals_per_year": cal.front_door.referrals_per_year * ratio("referrals")}
    )
    shaped = cal.model_copy(
        update={"pathway": pathway, "families": families, "front_door": front_door}
    )
    return shaped, _size(cal, target, last_year)


def _size(cal: Calibration, target: Authority, last_year: int) -> float:
    latest = max(y for y in target.population if y <= last_year)
    return target.population[latest] / cal.population.children_0_17


def name(la_code: str, first_year: int, last_year: int) -> str:
    return (
        f"Synthetic authority (shaped like {authorities(first_year, last_year)[la_code].la_name})"
    )
