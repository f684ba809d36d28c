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

from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csc_scorecard.ingest.formats.cin_census_scan import Elements
from csc_scorecard.ingest.formats.cin_census_tables import Cells
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
    elements: Elements, known: dict[str, dict[str, str]], required: dict[str, list[str]]
) -> tuple[dict[str, Cells], Counter[str]] | None:
    """The raw records of every table as text columns, GenderCurrent and UPNunknown settled
    into Sex and UPN as the walk settles them, and how many children give each sex element; or
    None when the return is not of the usual shape. `known` and `required` are the walk's leaf
    names and identifying fields per spec table."""
    count = len(elements)
    parent, tag, names, lines = elements.parent, elements.tag, elements.names, elements.lines
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
    levels = np.searchsorted(elements.depth[elements.by_depth], np.arange(elements.depth.max() + 2))
    for start, end in zip(levels[1:-1].tolist(), levels[2:].tolist(), strict=True):
        at = elements.by_depth[start:end]  # a level at a time, each from its parents' states
        state[at] = transition[state[parent[at]], tag[at]]
    if (state == BAD).any():
        return None
    children = np.bincount(parent[1:], minlength=count)
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
    owner_of = {record: parent for record in TABLES}
    owner_of[CHILD] = parent[parent]  # a child's fields sit in its two groups
    tables: dict[str, Cells] = {}
    sexes: Counter[str] = Counter()
    for record, table in TABLES.items():
        at = np.flatnonzero(state == record)
        leaves = np.flatnonzero(state == FIELD + record)
        owners = number[owner_of[record][leaves]]
        given = {names[t]: owners[tag[leaves] == t] for t in np.unique(tag[leaves]).tolist()}
        pairs = np.sort(owners * len(names) + tag[leaves])
        if (pairs[1:] == pairs[:-1]).any():
            return None  # a field given twice
        if any(len(given.get(f, ())) != len(at) for f in required[table]):
            return None  # a record without its identifying field
        values = elements.texts(leaves)
        columns = _columns(len(at), owners, tag[leaves], values, names)
        if record == CHILD:
            for name, alternative in (("Sex", "GenderCurrent"), ("UPN", "UPNunknown")):
                if np.intersect1d(given.get(name, []), given.get(alternative, [])).size:
                    return None  # both given: the walk says which is kept
                if alternative in columns:  # the walk's choose_alternatives, a column at once
                    other = columns.pop(alternative)
                    columns[name] = pc.coalesce(columns[name], other) if name in columns else other
            sexes.update({s: len(given[s]) for s in ("GenderCurrent", "Sex") if s in given})
        parents = None if record == CHILD else number[parent[at]]
        tables[table] = Cells(_table(columns, lines[at]), parents)
    for container, (item, record) in LISTS.items():
        at = np.flatnonzero(state == ITEM + record)
        owner = parent[parent[at]]  # the item's container's group
        owners = number[parent[owner] if record == CHILD else owner]
        codes_given = _unblanked(elements.texts(at))
        tables[item] = Cells(_table({item: codes_given}, lines[at]), owners)
    return tables, sexes


def _columns(
    count: int, owners: np.ndarray, tags: np.ndarray, values: pa.Array, names: list[str]
) -> dict[str, pa.Array]:
    """A text column per field any record gives (first given first), NULL where a record
    gives none: `columns.cells_of` of the same records."""
    codes, first = np.unique(tags, return_index=True)
    columns = {}
    for t in codes[np.argsort(first)].tolist():
        where = np.flatnonzero(tags == t)
        at = np.full(count, -1, np.int64)
        at[owners[where]] = where
        columns[names[t]] = values.take(pa.array(at, mask=at < 0))
    return columns


def _table(columns: dict[str, pa.Array], lines: np.ndarray) -> pa.Table:
    return pa.table({**columns, "source_row": pa.array(lines, pa.int64())})


def _exact(known: dict[str, str]) -> set[str]:
    """A table's leaf names as the spec spells them (what nearly every file writes)."""
    return set(known.values())


def _unblanked(texts: pa.Array) -> pa.Array:
    """`unblanked` of every code: only a text holding an "n" can read as NONE (no other
    character's capital holds an N), so only those go through Python."""
    maybe = pc.fill_null(pc.match_substring(texts, "n", ignore_case=True), False)
    if not pc.any(maybe).as_py():
        return texts
    read = [unblanked(text) for text in texts.filter(maybe).to_pylist()]
    return pc.replace_with_mask(texts, maybe, pa.array(read, pa.string()))


def unblanked(text: str | None) -> str | None:
    """The Disability code NONE, handed over by its label.

    `values.clean` reads the words none/null/n/a as a blank cell; for <Disability> "NONE" is the
    code for "no disability", so it goes to the engine as "No disability", which the spec maps
    back to NONE.
    """
    if text is not None and text.strip().upper() == "NONE":
        return codes("disability")["NONE"]
    return text
