"""A parsed CIN census return of the usual shape read into raw records by position, with no
walk in Python: what a return's own walk (`cin_census._Return.read_child`) would read from it.

Every element's state follows from its parent's state and its own tag (a table, applied level by
level over numpy arrays): <Message>, <Children>, <Child>, its groups, their leaves and the items
of its code lists. A return is of the usual shape when no element falls outside that table and
nothing the walk would record or refuse is there: no unknown or repeated element, no leaf with
children, no <Child> without <ChildIdentifiers> or <CINdetails>, no empty code list, no record
without its identifying field, no <Child> giving both a field and its alternative. Any other
return gives None, and the walk reads it, so the records, their order and every issue are the
walk's either way.
"""

from __future__ import annotations

from itertools import repeat
from operator import attrgetter

import numpy as np
import pyarrow as pa
from lxml import etree

from csc_scorecard.ingest.formats.cin_census_tables import Record
from csc_scorecard.model.codes import codes

# States. BAD: anywhere the walk would record or refuse something.
BAD, MESSAGE, HEADER, CHILDREN, CHILD, IDENT, CHARS, EPISODE, DISABILITIES = range(9)
ASSESS, PLAN, S47, CPP, FACTORS, REVIEWS, IGNORED = range(9, 16)
FIELD, ITEM = 16, 32  # + the state of the record the leaf belongs to
STATES = 48

# The record groups: state -> spec table.
TABLES = {
    CHILD: "Child",
    EPISODE: "CINdetails",
    ASSESS: "Assessments",
    PLAN: "CINPlanDates",
    S47: "Section47",
    CPP: "ChildProtectionPlans",
}
# Groups (by their state) whose leaves are fields of a record: of the group itself, or (the
# child's two groups) of the <Child>.
FIELDS_OF = {
    IDENT: CHILD,
    CHARS: CHILD,
    EPISODE: EPISODE,
    ASSESS: ASSESS,
    PLAN: PLAN,
    S47: S47,
    CPP: CPP,
}
# Code lists: container state -> (item element, owning record's state).
LISTS = {
    DISABILITIES: ("Disability", CHILD),
    FACTORS: ("AssessmentFactors", ASSESS),
    REVIEWS: ("CPPreviewDate", CPP),
}
# Element children by name: (parent state, tag) -> state.
NESTED = {
    (MESSAGE, "Header"): HEADER,
    (MESSAGE, "Children"): CHILDREN,
    (CHILDREN, "Child"): CHILD,
    (CHILD, "ChildIdentifiers"): IDENT,
    (CHILD, "ChildCharacteristics"): CHARS,
    (CHILD, "CINdetails"): EPISODE,
    (CHARS, "Disabilities"): DISABILITIES,
    (EPISODE, "Assessments"): ASSESS,
    (EPISODE, "CINPlanDates"): PLAN,
    (EPISODE, "Section47"): S47,
    (EPISODE, "ChildProtectionPlans"): CPP,
    (EPISODE, "PreProceedingsandFGDM"): IGNORED,
    (ASSESS, "FactorsIdentifiedAtAssessment"): FACTORS,
    (CPP, "Reviews"): REVIEWS,
}
# At most one of these in each parent, and (the counts' second element) at least this many.
COUNTS = {
    IDENT: (CHILD, 1),
    CHARS: (CHILD, 0),
    DISABILITIES: (CHARS, 0),
    FACTORS: (ASSESS, 0),
    REVIEWS: (CPP, 0),
}


def records_by_shape(
    elements: list,
    index: dict,
    lines: np.ndarray,
    known: dict[str, dict[str, str]],
    required: dict[str, list[str]],
) -> tuple[dict[str, list[Record]], list[tuple[int, dict]]] | None:
    """The raw records of every table, and each <Child>'s (line, fields) in order (for the
    alternatives, which the caller settles as the walk does), or None when the return is not of
    the usual shape. `elements` is the root's `iter()` as a list, `index` each one's position in
    it, `lines` their lines; `known` and `required` the walk's leaf names and identifying
    fields per spec table."""
    count = len(elements)
    parent = np.fromiter(
        map(index.get, map(etree._Element.getparent, elements), repeat(0)), np.int64, count
    )
    encoded = pa.array(list(map(attrgetter("tag"), elements)), pa.string()).dictionary_encode()
    tag = encoded.indices.to_numpy()
    names = encoded.dictionary.to_pylist()
    if names[tag[0]] != "Message":
        return None

    # The state table: transition[parent state, tag] -> state.
    transition = np.full((STATES, len(names)), BAD, np.int64)
    for t, name in enumerate(names):
        transition[HEADER, t] = HEADER  # the header is read by the walk's own code
        transition[IGNORED, t] = IGNORED
        for (state, nested), to in NESTED.items():
            if name == nested:
                transition[state, t] = to
        for group, record in FIELDS_OF.items():
            if name in _exact(known[TABLES[record]]):
                transition[group, t] = FIELD + record
        for container, (item, record) in LISTS.items():
            if name == item:
                transition[container, t] = ITEM + record
    state = np.full(count, BAD, np.int64)
    state[0] = MESSAGE
    below = np.arange(1, count)
    for _ in range(64):  # one level a pass: the deepest element settles last
        settled = transition[state[parent[below]], tag[below]]
        if np.array_equal(settled, state[below]):
            break
        state[below] = settled
    else:
        return None
    if (state == BAD).any():
        return None
    children = np.bincount(parent[below], minlength=count)
    if (children[state >= FIELD] > 0).any():
        return None  # a leaf with elements inside
    for group, (owner, least) in COUNTS.items():
        per = np.bincount(parent[state == group], minlength=count)[state == owner]
        if (per > 1).any() or (per < least).any():
            return None
    if (np.bincount(parent[state == EPISODE], minlength=count)[state == CHILD] < 1).any():
        return None
    for container in LISTS:
        if (children[state == container] < 1).any():
            return None

    # Each record's number within its table, in file order.
    number = np.full(count, -1, np.int64)
    for record in TABLES:
        at = np.flatnonzero(state == record)
        number[at] = np.arange(len(at))
    texts = list(map(attrgetter("text"), elements))
    owner_of = {record: parent for record in TABLES}
    owner_of[CHILD] = parent[parent]  # a child's fields sit in its two groups
    records: dict[str, list[Record]] = {}
    child_fields: list[tuple[int, dict]] = []
    for record, table in TABLES.items():
        at = np.flatnonzero(state == record)
        leaves = np.flatnonzero(state == FIELD + record)
        if record == CHILD:  # the identifiers' fields first, then the characteristics'
            leaves = leaves[np.argsort(state[parent[leaves]] != IDENT, kind="stable")]
        owners = number[owner_of[record][leaves]]
        keys = owners * len(names) + tag[leaves]
        if len(np.unique(keys)) != len(keys):
            return None  # a field given twice
        fields = [{} for _ in range(len(at))]
        named = map(names.__getitem__, tag[leaves].tolist())
        for owner, name, leaf in zip(owners.tolist(), named, leaves.tolist(), strict=True):
            fields[owner][name] = texts[leaf]
        if not all(all(f in row for f in required[table]) for row in fields):
            return None
        at_lines = lines[at].tolist()
        if record == CHILD:
            if any(
                ("GenderCurrent" in row and "Sex" in row) or ("UPNunknown" in row and "UPN" in row)
                for row in fields
            ):
                return None
            child_fields = list(zip(at_lines, fields, strict=True))
            records[table] = [(line, row, None) for line, row in child_fields]
        else:
            up = number[parent[at]].tolist()
            records[table] = list(zip(at_lines, fields, up, strict=True))
    for container, (item, record) in LISTS.items():
        at = np.flatnonzero(state == ITEM + record)
        owner = parent[parent[at]]  # the item's container's group
        owners = number[parent[owner] if record == CHILD else owner]
        records[item] = [
            (line, {item: unblanked(texts[i])}, owner)
            for line, i, owner in zip(lines[at].tolist(), at.tolist(), owners.tolist(), strict=True)
        ]
    return records, child_fields


def _exact(known: dict[str, str]) -> set[str]:
    """A table's leaf names as the spec spells them (what nearly every file writes)."""
    return set(known.values())


def unblanked(text: str | None) -> str | None:
    """The Disability code NONE, handed over by its label.

    `values.clean` reads the words none/null/n/a as a blank cell; for <Disability> "NONE" is the
    code for "no disability", so it goes to the engine as "No disability", which the spec maps
    back to NONE.
    """
    if text is not None and text.strip().upper() == "NONE":
        return codes("disability")["NONE"]
    return text
