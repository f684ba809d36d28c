"""SSDA903 as XML: one file per return, one <CHILD> element per child (standards.md 1.1).

Layout (S1 `ingress.py`, checked against data-to-insight's `fake_903.xml`):

    <EXPSSDA903>                                   root name not fixed; any root is accepted
      <CHILD>
        <HEADER>
          CHILDID SEX DOB ETHNIC UPN MOTHER MC_DOB  -> Header   (CHILDID is CSV's CHILD)
          UASC DUC                                 -> UASC     (when UASC or DUC is given)
          IN_TOUCH ACTIV ACCOM                     -> OC3      (when any is given)
          DATE_INT DATE_MATCH FOSTER_CARE NB_ADOPTR SEX_ADOPTR LS_ADOPTR -> AD1 (when any is given)
          <AREVIEW>*  -> Reviews     <AMISSING>* -> Missing     <OC2>? -> OC2
          <PERMANENCE>? -> PrevPerm  <AD_PLACED>* -> PlacedAdoption
        </HEADER>
        <EPISODE>*    -> Episodes (PL is CSV's PLACE)
        <SWEPISODE>*  -> SWEpisodes (SW_ID SW_DECOM SW_DEC SW_REASON). DfE's tag name for
                         social-worker episodes in XML is unconfirmed; this is ours.
        <DOLO>*       -> DoLo (DOLO_START DOLO_END; 2026-27 on), one element per deprivation
                         of liberty order. Unconfirmed as well: the D2I validator's XML reader
                         (`ingress.read_xml_from_text`, 0.1.17) reads neither SWEpisodes nor
                         DoLo, and DfE's 2026-27 XML specification is not among our sources;
                         the element follows the return's pattern (a repeating group named for
                         its table, holding the CSV's field names, as <EPISODE> and <AREVIEW>).
                         A return without <DOLO> elements has no DoLo table, as a CSV return
                         without a DoLo file.
      </CHILD>

Leaf fields are accepted under <CHILD> or <HEADER>, and tag names in any case. `source_row` is
the line of the element a record comes from. An absent element is a blank value; a blank UASC is
recorded as a `missing_value` warning at the Header's line (read as not UASC otherwise, the
blank would be lost: DfE rule 105 reports it). Refused: a file
that is not well-formed XML, one with a DTD or entity declarations (never expanded: defusedxml,
forbid_dtd), one without <CHILD> elements, an unreadable file.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from csc_scorecard.ingest import ssda903
from csc_scorecard.ingest.adapter import head
from csc_scorecard.ingest.columns import cells_of
from csc_scorecard.model.batch import FormatError, Issue, LoadBatch

_SNIFF = re.compile(
    rb"<(?:[\w.-]+:)?(?:CHILDID|EPISODE|AREVIEW)[\s>/]|<!DOCTYPE\s+\w*903|<[\w.:-]*903[\w.-]*[\s>]",
    re.IGNORECASE,
)
RENAME = {"CHILDID": "CHILD", "PL": "PLACE"}
HEADER_FIELDS = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
FLAT = {  # tables carried as leaves of <HEADER>, present when any of their fields is given
    "UASC": ("UASC", "DUC"),
    "OC3": ("IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
}
REPEATING = {
    "EPISODE": "Episodes",
    "SWEPISODE": "SWEpisodes",
    "DOLO": "DoLo",
    "AREVIEW": "Reviews",
    "AMISSING": "Missing",
    "OC2": "OC2",
    "PERMANENCE": "PrevPerm",
    "AD_PLACED": "PlacedAdoption",
}


class _LineBuilder(ET.TreeBuilder):
    """A tree builder that remembers the line each element starts on."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.expat = None

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        self.lines[id(element)] = self.expat.CurrentLineNumber if self.expat else 0
        return element


def parse(path: Path) -> tuple[ET.Element, dict[int, int]]:
    """The document's root and element lines; DTDs and entities refused, never expanded."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise FormatError(path, f"cannot be read ({err.strerror or err})") from None
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as err:
        raise FormatError(
            path,
            f"declares a DTD or entities ({type(err).__name__}), which are refused for safety: "
            "export the return again without a DOCTYPE",
            line=parser.parser.CurrentLineNumber,
        ) from None
    except ET.ParseError as err:
        line = err.position[0] if err.position else None
        raise FormatError(path, f"is not well-formed XML ({err.msg})", line=line) from None
    return root, builder.lines


def _tag(element: ET.Element) -> str:
    name = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
    name = name.upper()
    return RENAME.get(name, name)


def _leaves(element: ET.Element) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for child in element:
        if len(child) == 0:
            out.setdefault(_tag(child), child.text)
    return out


def _given(value: str | None) -> bool:
    return value is not None and value.strip() != ""


class Ssda903XmlAdapter:
    name = "ssda903_xml"

    def sniff(self, path: Path) -> bool:
        return path.suffix.lower() == ".xml" and bool(_SNIFF.search(head(path)))

    def read(self, paths: list[Path], *, la_code: str | None, year: int | None) -> list[LoadBatch]:
        # Each XML file is a whole return (its own collection year).
        return [
            ssda903.build_batch(read_return(p), la_code=la_code, year=year) for p in sorted(paths)
        ]


def read_return(path: Path) -> ssda903.RawReturn:
    root, lines = parse(path)
    children = [c for c in root if _tag(c) == "CHILD"]
    if not children:
        raise FormatError(
            path, f"has no <CHILD> elements under <{root.tag}>: not an SSDA903 XML return", line=1
        )
    raw = ssda903.RawReturn(where=path, files=[str(path)])
    records: dict[str, list] = {name: [] for name in ssda903.COLUMNS}
    for child in children:
        header = next((c for c in child if _tag(c) == "HEADER"), None)
        fields = _leaves(child)
        if header is not None:
            fields.update({k: v for k, v in _leaves(header).items() if k not in fields or v})
        line = lines.get(id(header if header is not None else child), 0)
        child_id = fields.get("CHILD")
        records["Header"].append((line, {k: fields.get(k) for k in HEADER_FIELDS}))
        if not _given(fields.get("UASC")):
            raw.issues.append(_uasc_blank(path, line, child_id))
        for name, keys in FLAT.items():
            if any(_given(fields.get(k)) for k in keys):
                records[name].append(
                    (line, {"CHILD": child_id, **{k: fields.get(k) for k in keys}})
                )
        for group in (child, header) if header is not None else (child,):
            for element in group:
                name = REPEATING.get(_tag(element))
                if name is not None:
                    record = {"CHILD": child_id, **_leaves(element)}
                    records[name].append((lines.get(id(element), 0), record))
    if not records["DoLo"]:
        del records["DoLo"]  # no order given: no DoLo table (before 2026-27, or none made)
    # typed column-wise (ingest/columns.py), as the CSV tables are
    raw.columns = {name: cells_of(rows) for name, rows in records.items()}
    raw.table_files = {name: str(path) for name in records}
    raw.name_year = ssda903.year_from_name(path.stem)
    raw.name_source = path.name
    if raw.name_year is None and (y := ssda903.year_from_name(path.parent.name)) is not None:
        raw.name_year, raw.name_source = y, path.parent.name
    return raw


def _uasc_blank(path: Path, line: int, child_id: str | None) -> Issue:
    """A <CHILD> whose UASC leaf is blank or absent. The XML return gives UASC (0 or 1) for
    every child (DfE rule 105); the store reads a child with no UASC entry as not UASC, as a
    CSV return's UASC file says, so without this issue the blank would be lost. A warning: the
    child's other values load as given, and rule 105 reports the fault."""
    return Issue(
        rule="missing_value",
        message="UASC: mandatory value is blank (an XML return gives 0 or 1 for every child)",
        table="children",
        file=str(path),
        row=line,
        child_id=child_id,
        field="UASC",
        column="uasc",
        severity="warning",
    )


ADAPTER = Ssda903XmlAdapter()
