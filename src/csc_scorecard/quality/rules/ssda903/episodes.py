"""SSDA903 Episodes rules (DfE codes and messages; logic per docs/quality.md)."""

from __future__ import annotations

from csc_scorecard.quality.rules import codes_in, rule
from csc_scorecard.quality.rules.sql import (
    EPISODES_N,
    NO_PROVIDER,
    RESPITE,
    TEMPORARY,
    ceased_care,
    not_in_list,
    not_valid_date,
)

R = "ssda903"


@rule("141", R, "Date episode began is not a valid date.", fields=["DECOM"], column="decom")
def r141() -> str:
    """DECOM given but not a date."""
    return not_valid_date("episodes", "decom")


@rule("147", R, "Date episode ceased is not a valid date.", fields=["DEC"], column="dec")
def r147() -> str:
    """DEC given but not a date."""
    return not_valid_date("episodes", "dec")


@rule(
    "143", R, "The reason for new episode code is not a valid code.", fields=["RNE"], column="rne"
)
def r143() -> str:
    """RNE given and not in the RNE list."""
    return not_in_list("episodes", "rne", "rne")


@rule("144", R, "The legal status code is not a valid code.", fields=["LS"], column="ls")
def r144() -> str:
    """LS given and not in the legal status list."""
    return not_in_list("episodes", "ls", "legal_status")


@rule("146", R, "Placement type code is not a valid code.", fields=["PLACE"], column="place")
def r146() -> str:
    """PLACE given and not in the placement type list."""
    return not_in_list("episodes", "place", "placement")


@rule("149", R, "Reason episode ceased code is not valid. ", fields=["REC"], column="rec")
def r149() -> str:
    """REC given and not in the reason-ceased list."""
    return not_in_list("episodes", "rec", "reason_ceased")


@rule(
    "148",
    R,
    "Date episode ceased and reason episode ceased must both be coded, or both left blank.",
    fields=["DEC", "REC"],
    column="rec",
)
def r148() -> str:
    """Exactly one of DEC and REC is blank (an unreadable DEC counts as given)."""
    return f"""SELECT * FROM {EPISODES_N}
        WHERE (dec IS NULL AND NOT dec_on_line) <> (rec IS NULL)"""


@rule(
    "178",
    R,
    "Placement provider code is not a valid code.",
    fields=["PLACE_PROVIDER"],
    column="place_provider",
)
def r178() -> str:
    """PLACE_PROVIDER given but not a provider code, or given for a placement that takes none."""
    return f"""SELECT * FROM episodes WHERE place_provider IS NOT NULL AND (
        place_provider NOT IN {codes_in("placement_provider")} OR place IN {NO_PROVIDER})"""


@rule(
    "142",
    R,
    "A new episode has started, but the previous episode has not ended.",
    fields=["DEC", "REC"],
    column="dec",
)
def r142() -> str:
    """Any episode but the child's latest (by DECOM) with DEC or REC blank."""
    return f"""SELECT * FROM {EPISODES_N}
        WHERE n < n_child AND decom IS NOT NULL AND (dec IS NULL OR rec IS NULL)"""


@rule(
    "354",
    R,
    "Date episode ceased must be on or before the end of the current collection year.",
    fields=["DECOM"],
    column="decom",
)
def r354() -> str:
    """DECOM after 31 March of the collection year."""
    return "SELECT * FROM episodes WHERE decom > cy_end"


@rule(
    "385",
    R,
    "Date episode ceased must be on or before the end of the current collection year.",
    fields=["DEC"],
    column="dec",
)
def r385() -> str:
    """DEC after 31 March of the collection year."""
    return "SELECT * FROM episodes WHERE dec > cy_end"


@rule(
    "355",
    R,
    "Episode appears to have lasted for less than 24 hours",
    fields=["DEC", "DECOM"],
    column="dec",
)
def r355() -> str:
    """DEC the same day as DECOM."""
    return "SELECT * FROM episodes WHERE dec = decom"


@rule(
    "356",
    R,
    "The date the episode ceased is before the date the same episode started.",
    fields=["DECOM"],
    column="dec",
)
def r356() -> str:
    """DEC before DECOM."""
    return "SELECT * FROM episodes WHERE dec < decom"


@rule(
    "357",
    R,
    "If this is the first episode ever for this child, reason for new episode must be S.  "
    "Check whether there is an episode immediately preceding this one, which has been left out. "
    "If not the reason for new episode code must be amended to S.",
    fields=["RNE"],
    column="rne",
)
def r357() -> str:
    """The child's first episode (by DECOM) started in the year with RNE other than S."""
    return f"""SELECT * FROM {EPISODES_N}
        WHERE n = 1 AND decom IS NOT NULL AND decom >= cy_start AND rne IS DISTINCT FROM 'S'"""


@rule(
    "388",
    R,
    "Reason episode ceased is coded new episode begins, but there is no continuation episode.",
    fields=["REC"],
    column="rec",
)
def r388() -> str:
    """X1 without a next episode starting on DEC; a next episode starting on DEC after a
    reason other than X1; the child's last episode ended X1."""
    return f"""SELECT * FROM {EPISODES_N} WHERE dec IS NOT NULL AND (
        (n < n_child AND next_decom IS NOT NULL AND rec = 'X1' AND dec <> next_decom)
        OR (n < n_child AND next_decom IS NOT NULL AND rec <> 'X1' AND dec = next_decom)
        OR (n = n_child AND rec = 'X1'))"""


@rule(
    "501",
    R,
    "A new episode has started before the end date of the previous episode.",
    fields=["DECOM", "DEC"],
    column="decom",
)
def r501() -> str:
    """DECOM before the previous episode's DEC."""
    return f"SELECT * FROM {EPISODES_N} WHERE decom < prev_dec"


@rule(
    "431",
    R,
    "The reason for new episode is started to be looked after, but the previous episode ended "
    "on the same day.",
    fields=["RNE", "DECOM"],
    column="rne",
)
def r431() -> str:
    """RNE S on or before the previous episode's DEC."""
    return f"SELECT * FROM {EPISODES_N} WHERE rne = 'S' AND decom <= prev_dec"


@rule(
    "432",
    R,
    "The child ceased to be looked after at the end of the previous episode but the reason for "
    "the new episode is not started to be looked after.",
    fields=["RNE"],
    column="rne",
)
def r432() -> str:
    """The previous episode ended care (REC other than X1) and this one's RNE is not S."""
    return f"""SELECT * FROM {EPISODES_N}
        WHERE n > 1 AND prev_rec IN {ceased_care()} AND rne IS DISTINCT FROM 'S'"""


@rule(
    "433",
    R,
    "The reason for new episode suggests that this is a continuation episode, but the episode "
    "does not start on the same day as the last episode finished.",
    fields=["RNE", "DECOM"],
    column="rne",
)
def r433() -> str:
    """RNE P, L, T, U or B and DECOM not the previous episode's DEC (or either blank)."""
    return f"""SELECT * FROM {EPISODES_N} WHERE n > 1
        AND rne IN ('P', 'L', 'T', 'U', 'B')
        AND (prev_dec IS NULL OR decom IS NULL OR prev_dec <> decom)"""


@rule(
    "380",
    R,
    "A period of care cannot start with a temporary placement.",
    fields=["PLACE", "RNE"],
    column="place",
)
def r380() -> str:
    """A temporary placement (T0-T4) on an episode whose RNE is not P or B."""
    return f"SELECT * FROM episodes WHERE place IN {TEMPORARY} AND rne IS DISTINCT FROM 'P' AND rne IS DISTINCT FROM 'B'"


@rule(
    "381",
    R,
    "A period of care cannot end with a temporary placement.",
    fields=["PLACE", "REC"],
    column="place",
)
def r381() -> str:
    """A temporary placement ending with a reason other than X1."""
    return f"SELECT * FROM episodes WHERE place IN {TEMPORARY} AND rec <> 'X1'"


@rule(
    "382",
    R,
    "A child receiving respite care cannot be in a temporary placement.",
    fields=["LS", "PLACE"],
    column="place",
)
def r382() -> str:
    """Legal status V3/V4 with a temporary placement."""
    return f"SELECT * FROM episodes WHERE ls IN {RESPITE} AND place IN {TEMPORARY}"
