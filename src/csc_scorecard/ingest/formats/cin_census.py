"""CIN census XML returns (standards.md 2.1) -> children, referrals, assessments, section47s,
cin_plans, cp_plans and cp_reviews; one LoadBatch per file.

A plain file (UTF-8 or ASCII, no DOCTYPE, comment, CDATA section or processing instruction:
what census software writes) is checked whole by libxml2 (through lxml, in C, building no
tree), and its elements are read from its bytes (`cin_census_scan`); a return of the usual
shape is then read into records by position (`cin_census_shape`), any other by a walk over its
elements. Any other file, and any file libxml2 or the walk stops on, is read by the reference
reader: expat through defusedxml, one <Child> subtree at a time, with DTDs, entity declarations
and external references all forbidden (a file carrying any of them is refused, never expanded),
whose refusals are the ones reported. All three give the same records for the same file, so
rows and issues are identical. Values are typed by the
shared engine from `specs/cin_census.yaml`; this module only knows where things sit.

Refused (FormatError naming the file, line and element), because nothing sensible can be loaded:
- XML that is not well-formed (truncated, wrong encoding) or declares a DTD or entities;
- a root other than <Message>, a <Collection> other than CIN, no <Children>, or no <Child>;
- a group without the element that identifies it: <Child> without LAchildID, <CINdetails>
  without CINreferralDate, <Assessments> without AssessmentActualStartDate, <CINPlanDates>
  without CINPlanStartDate, <Section47> without S47ActualStartDate, <ChildProtectionPlans>
  without CPPstartDate (the `required_fields` of the spec);
- no census year (no readable ReferenceDate or Year and no `year=`) or no authority (no LEA and
  no `la_code=`);
- two returns for the same authority and census year in one folder (which one is meant?).

Loaded, with data-quality issues: blank or absent mandatory values (ReferralSource, ReferralNFA,
Ethnicity, GenderCurrent/Sex, ...), bad dates, booleans and codes (all from the engine); a
<Child> without <CINdetails>; empty <Disabilities>, <FactorsIdentifiedAtAssessment> or <Reviews>;
repeated single-valued elements (the first is kept); elements the schema does not have (ignored,
one `info` issue per element name); both UPN and UPNunknown (UPN kept); GenderCurrent in a
2024-25 or later return or Sex in an earlier one; a ReferenceDate that is not 31 March, a Year
that disagrees with it, an LEA that is not three digits or disagrees with `la_code=`.
<PreProceedingsandFGDM> (2026-27 on) is accepted and read past: no canonical table holds it yet.

The authority is Header/Source/LEA; `la_code=` is used only when the file has no usable LEA (a
disagreement is an issue, and the file's LEA wins). The census period is ReferenceDate - 1 year
+ 1 day to ReferenceDate (S2 `make_census_period`); without a readable ReferenceDate, 31 March of
<Year>, then of `year=` (the census year, ending 31 March), is used and the fallback recorded.

`source_row` is the line of the element a row comes from (<Child>, <CINdetails>, <Assessments>,
..., <CPPreviewDate>), so an issue or a measure's drill-down points into the file.

The header's period and authority are worked out in `cin_census_header`, and the raw records
typed into the canonical tables in `cin_census_tables`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from operator import attrgetter
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import numpy as np
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from lxml import etree

from csc_scorecard.collector import paused
from csc_scorecard.ingest.adapter import head
from csc_scorecard.ingest.fields import load_spec, missing_fields
from csc_scorecard.ingest.formats.cin_census_header import CensusHeader
from csc_scorecard.ingest.formats.cin_census_scan import Elements, scan
from csc_scorecard.ingest.formats.cin_census_shape import records_by_shape, unblanked
from csc_scorecard.ingest.formats.cin_census_tables import Record, typed_tables
from csc_scorecard.ingest.values import clean
from csc_scorecard.model.batch import FormatError, Issue, LoadBatch

FORMAT = "cin_census"
CHUNK = 1 << 16

# Leaf elements read into a spec field of another name: the reader keeps whichever is given.
ALTERNATIVES = {"GenderCurrent": "Sex", "UPNunknown": "UPN"}
# Fields a nested group inherits, typed, from its enclosing groups (not read from the group).
INHERITED = {
    "CINdetails": ("LAchildID",),
    "Assessments": ("LAchildID", "CINreferralDate"),
    "CINPlanDates": ("LAchildID", "CINreferralDate"),
    "Section47": ("LAchildID", "CINreferralDate"),
    "ChildProtectionPlans": ("LAchildID", "CINreferralDate"),
}
# The groups inside <CINdetails> (standards.md 2.1), each read into its spec table; the
# PreProceedingsandFGDM block (2026-27 on) has no canonical table yet and is read past.
EPISODE_GROUPS = ("Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans")
IGNORED_GROUPS = ("PreProceedingsandFGDM",)
# Repeated code lists: (container element, item element = spec table) per owning group.
CODE_LISTS = {
    "Child": ("Disabilities", "Disability"),
    "Assessments": ("FactorsIdentifiedAtAssessment", "AssessmentFactors"),
    "ChildProtectionPlans": ("Reviews", "CPPreviewDate"),
}

# What the plain reader takes: an XML declaration naming no encoding, or UTF-8 or ASCII.
_DECLARATION = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_PLAIN_ENCODINGS = {b"utf-8", b"utf8", b"us-ascii", b"ascii"}
_COLLECTION = re.compile(rb"<(?:\w+:)?Collection>\s*([^<]*?)\s*</")
_CIN_MARKER = re.compile(rb"<(?:\w+:)?(?:CINdetails|ChildIdentifiers|LAchildID)\b")


class CinCensusAdapter:
    name = FORMAT

    def sniff(self, path: Path) -> bool:
        """An .xml file whose header says Collection CIN, or, without one, that has CIN elements."""
        if path.suffix.lower() != ".xml":
            return False
        text = head(path, 16384).replace(b"\x00", b"")  # UTF-16 files: drop the zero bytes
        collection = _COLLECTION.search(text)
        if collection:
            return collection.group(1).strip().upper() == b"CIN"
        return _CIN_MARKER.search(text) is not None

    def read(self, paths: list[Path], *, la_code: str | None, year: int | None) -> list[LoadBatch]:
        return self.gather(paths, (read_return(p, la_code=la_code, year=year) for p in paths))

    def read_each(self, path: Path, *, la_code: str | None, year: int | None) -> LoadBatch:
        """One return of a folder (`ingest/parallel.py` reads a folder's returns in parallel)."""
        return read_return(path, la_code=la_code, year=year)

    def gather(self, paths: list[Path], read: Iterable[LoadBatch]) -> list[LoadBatch]:
        """A folder's returns, read in file order (a refusal raised where its file comes): a
        second return for the same authority and census year is refused."""
        batches: list[LoadBatch] = []
        seen: dict[tuple, str] = {}
        for path, batch in zip(paths, read, strict=True):
            key = (batch.la_code, batch.period_start, batch.period_end)
            if key in seen:
                raise FormatError(
                    path,
                    f"is a second CIN census return for LA {batch.la_code}, census year "
                    f"{batch.period_start} to {batch.period_end} (also {seen[key]}); keep one",
                )
            seen[key] = str(path)
            batches.append(batch)
        # Oldest census first, so a later return's rows supersede an earlier one's in the store.
        return sorted(batches, key=lambda b: b.period_end)


def read_return(path: Path, *, la_code: str | None = None, year: int | None = None) -> LoadBatch:
    """Read one CIN census XML file into a LoadBatch; raise FormatError if it is unreadable."""
    census = _Return(path)
    with paused():  # a return's tree and records: 10^5 objects that form no cycles
        census.parse()
        return census.batch(la_code=la_code, year=year)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _line(elem: Element) -> int:
    """The line the defused reader stamped on an element."""
    return int(elem.get("line", "0"))


def _outside(name: str, elements: Elements) -> np.ndarray:
    """Which elements lie outside every top-level element called `name` (those kept)."""
    depth, tag = elements.depth, elements.tag
    top = np.maximum.accumulate(np.where(depth == 1, np.arange(len(depth)), 0))
    if name not in elements.names:
        return np.ones(len(depth), bool)
    return (depth <= 1) | (tag[top] != elements.names.index(name))


def _plain(data: bytes) -> bool:
    """Whether the plain reader may read the file: UTF-8 or ASCII, and no markup beginning "<!"
    (DOCTYPE, comment, CDATA) or "<?" other than the XML declaration."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]:
        return False
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if data.startswith(b"<?xml", start):
        end = data.find(b"?>", start)
        if end < 0:
            return False
        declaration = data[start : end + 2]
        encoding = _DECLARATION.match(declaration)
        if encoding and encoding[1].lower() not in _PLAIN_ENCODINGS:
            return False
        start += len(declaration)
    # every "<" from `start` on, and the byte after it (numpy: `bytes.find` of a two-byte
    # string stops at each of a return's 300,000 "<")
    text = np.frombuffer(data, np.uint8)[start:]
    opens = np.flatnonzero(text[:-1] == ord("<"))
    after = text[opens + 1]
    return not ((after == ord("!")) | (after == ord("?"))).any()


class _Checked:
    """lxml target that builds nothing: libxml2 only checks the file is well-formed."""

    def close(self) -> None:
        return None


class _Target:
    """expat target: builds the tree one <Child> at a time, stamping each element with its line.

    The line is read from expat while its start-tag callback runs, the only moment it is exact.
    A finished <Child> (or Header) is handed to the `_Return` and removed from the tree.
    """

    def __init__(self, census: _Return) -> None:
        self.census = census
        self.builder = TreeBuilder()
        self.stack: list[Element] = []
        self.parser: DefusedXMLParser | None = None

    def start(self, tag: str, attrib: dict) -> None:
        name = _local(tag)
        line = self.parser.parser.CurrentLineNumber if self.parser else 0
        if not self.stack and name != "Message":
            raise FormatError(
                self.census.path,
                f"root element is <{name}>, not <Message>: not a CIN census return",
                line=line,
                field=name,
            )
        # CIN census elements carry no attributes, so the attribute map is free for the line.
        self.stack.append(self.builder.start(name, {"line": str(line)}))

    def end(self, tag: str) -> None:
        elem = self.builder.end(_local(tag))
        self.stack.pop()
        if len(self.stack) == 1:  # a child of <Message>
            self.census.top_level(self.stack[0], elem)
            if elem.tag != "Children":
                self.stack[0].remove(elem)
        elif len(self.stack) == 2 and self.stack[1].tag == "Children":
            self.census.in_children(self.stack[1], elem)
            self.stack[1].remove(elem)

    def data(self, text: str) -> None:
        self.builder.data(text)

    def close(self) -> Element:
        return self.builder.close()


class _Return(CensusHeader):
    """One CIN census file: its header and raw records per spec table, then its LoadBatch."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = str(path)
        self.spec = load_spec(FORMAT)
        self.header: dict[str, tuple[str | None, int]] = {}
        self.records: dict[str, list[Record]] = defaultdict(list)
        self.issues: list[Issue] = []
        self.unknowns: dict[tuple[str, str], list[int]] = {}
        self.sex_elements: Counter[str] = Counter()
        self.children_seen = False
        self.line = _line  # the element's line: the plain reader sets its own
        self.required = {name: t.must_have() for name, t in self.spec.tables.items()}
        folded = {
            name: {
                **{f.lower(): f for f in t.columns if f not in INHERITED.get(name, ())},
                **{a.lower(): a for a, to in ALTERNATIVES.items() if to in t.columns},
            }
            for name, t in self.spec.tables.items()
        }
        # Each name also as the spec spells it (as nearly every file does): found without
        # lower-casing the tag.
        self.known = {name: {**f, **{v: v for v in f.values()}} for name, f in folded.items()}

    # -- reading the XML -------------------------------------------------------------------

    def parse(self) -> None:
        if not self._parse_plain():
            self._reset()
            self._parse_expat()
        if not self.children_seen:
            raise FormatError(self.path, "has no <Children> element: not a CIN census return")
        if not self.records["Child"]:
            raise FormatError(
                self.path, "<Children> holds no <Child>: nothing to load", field="Child"
            )

    def _reset(self) -> None:
        self.header.clear()
        self.records.clear()
        self.issues.clear()
        self.unknowns.clear()
        self.sex_elements.clear()
        self.children_seen = False
        self.line = _line

    def _parse_plain(self) -> bool:
        """Read a plain file whole: libxml2 (in C, building nothing) checks that it is well-
        formed, its elements are read from the bytes (`cin_census_scan`: no Python object per
        element), and a return of the usual shape is read by position, any other walked. False
        (nothing kept) when the defused reader must read the file instead: libxml2 refused it,
        or let anything through with a message (an unbound prefix), or the walk stopped on a
        refusal, which the defused reader words.

        A file `_plain` accepts has no DOCTYPE, so it can declare no entity and refer to no
        external one: there is nothing for defusedxml to forbid."""
        try:
            data = self.path.read_bytes()
        except OSError:
            return False
        if not _plain(data):
            return False
        try:
            parser = etree.XMLParser(target=_Checked(), resolve_entities=False, collect_ids=False)
            etree.fromstring(data, parser)
        except (etree.XMLSyntaxError, ValueError):
            return False
        if len(parser.error_log):
            return False
        elements = scan(data)
        if elements is None or elements.names[elements.tag[0]] != "Message":
            return False
        self.line = attrgetter("line")
        shaped = records_by_shape(elements, self.known, self.required)
        if shaped is None:
            root = elements.nodes(np.arange(len(elements)))[0]
        else:  # no walk: only what lies outside <Children> is read in Python
            records, sexes = shaped
            self.records.update(records)
            self.sex_elements.update(sexes)
            root = elements.nodes(np.flatnonzero(_outside("Children", elements)))[0]
        try:
            for elem in root:
                if elem.tag == "Children" and shaped is None:
                    for child in elem:
                        self.in_children(elem, child)
                self.top_level(root, elem)
        except FormatError:
            return False
        return True

    def top_level(self, message, elem) -> None:
        """A child of <Message>, finished: read it (<Children> only noted: its <Child>
        elements are read one at a time)."""
        if elem.tag == "Header":
            self.read_header(elem)
        elif elem.tag == "Children":
            self.children_seen = True
        else:
            self.unknown(message, elem)

    def in_children(self, children, elem) -> None:
        """A child of <Children>, finished: read it."""
        if elem.tag == "Child":
            self.read_child(elem)
        else:
            self.unknown(children, elem)

    def _parse_expat(self) -> None:
        target = _Target(self)
        parser = DefusedXMLParser(
            target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        target.parser = parser
        try:
            with open(self.path, "rb") as fh:
                while chunk := fh.read(CHUNK):
                    parser.feed(chunk)
            parser.close()
        except ParseError as err:
            line = err.position[0] if getattr(err, "position", None) else None
            raise FormatError(self.path, f"is not well-formed XML ({err})", line=line) from None
        except DefusedXmlException as err:
            raise FormatError(
                self.path,
                f"declares a DTD or entities ({type(err).__name__}); XML like this is refused, "
                "never expanded: export the return again without a DOCTYPE",
                line=parser.parser.CurrentLineNumber,
            ) from None
        except OSError as err:
            raise FormatError(self.path, f"cannot be read ({err.strerror or err})") from None

    def read_header(self, header: Element) -> None:
        for group in header:
            if group.tag not in ("CollectionDetails", "Source"):
                self.unknown(header, group)
                continue
            for leaf in group:
                # Several <Source> blocks may appear; the first non-blank value of each is used.
                if clean(leaf.text) is not None and leaf.tag not in self.header:
                    self.header[leaf.tag] = (leaf.text, self.line(leaf))
        collection = clean(self.header.get("Collection", (None, 0))[0])
        if collection is not None and collection.upper() != "CIN":
            raise FormatError(
                self.path,
                f"is a {collection} return, not a CIN census return",
                line=self.header["Collection"][1],
                field="Collection",
            )

    def read_child(self, child: Element) -> None:
        index = len(self.records["Child"])
        fields: dict[str, Any] = {}
        identifiers = self.single(child, "ChildIdentifiers")
        characteristics = self.single(child, "ChildCharacteristics")
        for group in (identifiers, characteristics):
            if group is not None:
                fields.update(self.fields(group, "Child", groups=("Disabilities",)))
        self.require(fields, "Child", identifiers if identifiers is not None else child)
        self.choose_alternatives(fields, self.line(child))
        self.records["Child"].append((self.line(child), fields, None))
        if characteristics is not None:
            self.code_list(characteristics, "Child", index)
        episodes = 0
        for elem in child:
            if elem.tag == "CINdetails":
                self.read_episode(elem, index)
                episodes += 1
            elif elem.tag not in ("ChildIdentifiers", "ChildCharacteristics"):
                self.unknown(child, elem)
        if not episodes:
            self.issue(
                "child_without_episode",
                "<Child> has no <CINdetails>: the census needs at least one episode of need",
                table="referrals",
                row=self.line(child),
                child_id=clean(fields.get("LAchildID")),
                field="CINdetails",
            )

    def read_episode(self, episode: Element, child: int) -> None:
        index = len(self.records["CINdetails"])
        fields = self.fields(episode, "CINdetails", groups=EPISODE_GROUPS + IGNORED_GROUPS)
        self.require(fields, "CINdetails", episode)
        self.records["CINdetails"].append((self.line(episode), fields, child))
        for group in episode:
            if group.tag in EPISODE_GROUPS:
                own = len(self.records[group.tag])
                extra = (CODE_LISTS[group.tag][0],) if group.tag in CODE_LISTS else ()
                values = self.fields(group, group.tag, groups=extra)
                self.require(values, group.tag, group)
                self.records[group.tag].append((self.line(group), values, index))
                if group.tag in CODE_LISTS:
                    self.code_list(group, group.tag, own)

    def single(self, parent: Element, name: str) -> Element | None:
        found = [e for e in parent if e.tag == name]
        for extra in found[1:]:
            self.issue(
                "repeated_element",
                f"<{parent.tag}> holds <{name}> more than once; the first is used",
                row=self.line(extra),
                field=name,
            )
        return found[0] if found else None

    def fields(self, group: Element, table: str, groups: tuple[str, ...] = ()) -> dict[str, Any]:
        """The leaf elements of `group` as {spec field: text}; unknown ones are noted, not read."""
        known = self.known[table]
        out: dict[str, Any] = {}
        for leaf in group:
            if leaf.tag in groups:
                continue
            name = known.get(leaf.tag)
            if name is None:
                name = known.get(leaf.tag.lower())
            if name is None or len(leaf):
                self.unknown(group, leaf)
            elif name in out:
                spec = self.spec.tables[table]
                self.issue(
                    "repeated_element",
                    f"<{group.tag}> holds <{leaf.tag}> more than once; the first is used",
                    table=spec.canonical,
                    row=self.line(leaf),
                    field=leaf.tag,
                    value=leaf.text,
                    column=spec.columns[ALTERNATIVES.get(name, name)].to,
                )
            else:
                out[name] = leaf.text
        return out

    def code_list(self, owner: Element, table: str, index: int) -> None:
        """Each code of a repeated list (<Disabilities>/<Disability>, ...) as its own record."""
        container_name, item = CODE_LISTS[table]
        container = self.single(owner, container_name)
        if container is None:
            return
        items = 0
        for elem in container:
            if elem.tag.lower() == item.lower() and not len(elem):
                self.records[item].append((self.line(elem), {item: unblanked(elem.text)}, index))
                items += 1
            else:
                self.unknown(container, elem)
        if not items:
            spec = self.spec.tables[item]
            self.issue(
                "empty_group",
                f"<{container_name}> holds no <{item}>; read as not recorded",
                table=spec.canonical,
                row=self.line(container),
                field=container_name,
                column=spec.columns[item].to,
            )

    def require(self, fields: dict[str, Any], table: str, at: Element) -> None:
        if all(f in fields for f in self.required[table]):
            return  # each one there as the spec spells it (nearly every record): none missing
        missing = missing_fields(fields, self.spec.tables[table])
        if missing:
            raise FormatError(
                self.path,
                f"<{at.tag}> has no <{missing[0]}> element, which identifies the record",
                line=self.line(at),
                field=missing[0],
            )

    def choose_alternatives(self, fields: dict[str, Any], line: int) -> None:
        """GenderCurrent feeds Sex and UPNunknown feeds UPN, when the other is not given."""
        if "GenderCurrent" in fields or "Sex" in fields:
            self.sex_elements["GenderCurrent" if "GenderCurrent" in fields else "Sex"] += 1
        for alternative, name in ALTERNATIVES.items():
            if alternative not in fields:
                continue
            value = fields.pop(alternative)
            if clean(fields.get(name)) is None:
                fields[name] = value
            elif clean(value) is not None:
                self.issue(
                    "alternative_ignored",
                    f"both <{name}> and <{alternative}> are given; {name} is kept",
                    table="children",
                    row=line,
                    child_id=clean(fields.get("LAchildID")),
                    field=alternative,
                    value=value,
                    severity="info",
                    column=self.spec.tables["Child"].columns[name].to,
                )

    def unknown(self, parent: Element, elem: Element) -> None:
        seen = self.unknowns.setdefault((parent.tag, elem.tag), [0, self.line(elem)])
        seen[0] += 1

    # -- building the batch ----------------------------------------------------------------

    def batch(self, *, la_code: str | None, year: int | None) -> LoadBatch:
        end = self.census_end(year)
        start = _year_before(end) + timedelta(days=1)
        authority = self.authority(la_code)
        extracted = self.extracted()
        self.check_sex_element(end)
        tables, value_issues = typed_tables(self.spec, self.records, self.file)
        for (parent, name), (count, line) in sorted(self.unknowns.items(), key=lambda u: u[1][1]):
            self.issue(
                "unknown_element",
                f"<{name}> inside <{parent}> is not a CIN census element and was ignored "
                f"({count} time{'s' if count > 1 else ''}, first at line {line})",
                row=line,
                field=name,
                severity="info",
            )
        return LoadBatch(
            source_format=FORMAT,
            la_code=authority,
            period_start=start,
            period_end=end,
            files=[self.file],
            tables=tables,
            issues=self.issues + value_issues,
            extracted=extracted,
        )


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return date(day.year - 1, 2, 28)


ADAPTER = CinCensusAdapter()
