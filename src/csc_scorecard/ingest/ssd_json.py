"""The SSD's JSON-in-text fields, in every shape the specification has had.

Outcome fields (`cont_contact_outcome_json`, `cine_referral_outcome_json`,
`cina_assessment_outcome_json`, `s47e_s47_outcome_json`, `icpc_icpc_outcome_json`) are objects
of flags, `{"NFA_FLAG": "Y", "CP_CONFERENCE_FLAG": "N", ...}`; the specification writes them
with bare keys (`{ NFA_FLAG: "", ... }`), which some builds emitted verbatim. Assessment factors
(`cinf_assessment_factors_json`) were first a JSON array of codes, `["1A", "2B"]`, and are
planned as an object of Yes/No per code, `{"1A": "Yes", "2B": "No"}`; older local builds wrote a
plain list, `1A,2B`. Free-text members (`OUTCOME_COMMENTS`, `COMMENTS`) are never returned.
"""

from __future__ import annotations

import json
import re
from typing import Any

from csc_scorecard.ingest.values import TRUE, BadValue, clean

_BARE_KEY = re.compile(r"([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:")
_EMPTY_NUMBER = re.compile(r":\s*(?=[,}])")  # `TOTAL_NO_OF_OUTCOMES: ,` in the specification's text
_CODES = re.compile(r"^[0-9]{1,2}[A-Z]?(?:[\s,;|]+[0-9]{1,2}[A-Z]?)*$", re.IGNORECASE)


def parse(raw: object) -> Any:
    """The JSON value of a field; None when blank. Raises BadValue when it is not JSON.

    >>> parse('{ NFA_FLAG: "Y", TOTAL_NO_OF_OUTCOMES: , COMMENTS: "" }')
    {'NFA_FLAG': 'Y', 'TOTAL_NO_OF_OUTCOMES': None, 'COMMENTS': ''}
    """
    text = clean(raw)
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return json.loads(_EMPTY_NUMBER.sub(": null", _BARE_KEY.sub(r'\1"\2":', text)))
    except ValueError:
        raise BadValue("invalid_json", "is not JSON") from None


def flag(value: Any, key: str) -> bool | None:
    """A Y/N flag of an outcome object (keys compared case-insensitively); None when blank.

    >>> flag({"nfa_flag": "Y"}, "NFA_FLAG"), flag({"NFA_FLAG": ""}, "NFA_FLAG")
    (True, None)
    """
    if not isinstance(value, dict):
        return None
    for k, v in value.items():
        if str(k).upper() == key:
            return _truth(v)
    return None


def _truth(v: Any) -> bool | None:
    if isinstance(v, bool):
        return v
    text = clean(v)
    if text is None:
        return None
    return text.lower() in TRUE


def factor_codes(raw: object) -> str | None:
    """Assessment factor codes, space-separated in the order written; None when blank.

    >>> factor_codes('["1A", "2B"]'), factor_codes('{"1A": "Yes", "2B": "No", "3A": "Y"}')
    ('1A 2B', '1A 3A')
    >>> factor_codes("1A, 21")
    '1A 21'
    """
    text = clean(raw)
    if text is None:
        return None
    if _CODES.match(text):
        codes = re.split(r"[\s,;|]+", text)
    else:
        value = parse(text)
        if isinstance(value, list):
            codes = [str(c) for c in value if clean(c)]
        elif isinstance(value, dict):
            codes = [str(k) for k, v in value.items() if _truth(v)]
        elif isinstance(value, str):
            codes = re.split(r"[\s,;|]+", value.strip())
        else:
            raise BadValue("invalid_json", "is not a list or object of factor codes")
    return " ".join(c.strip().upper() for c in codes if c.strip()) or None
