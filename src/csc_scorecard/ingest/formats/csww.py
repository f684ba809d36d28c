"""Children's social work workforce census XML (standards.md section 4) into
workforce_census_workers and workforce_census_la; one LoadBatch per file.

The census is a snapshot at 30 September with flows over the year to it, so a file's load covers
1 October (year - 1) to 30 September (year). The census year is the header's <Year>, else the
year of its <ReferenceDate>, else `year=`, else a year in the file name; the authority is the
header's <LEA>, else `la_code=`.

Refused (FormatError naming file, line and element): XML that is not well-formed or declares a
DTD or entities (parsed by defusedxml with all three forbidden, never expanded); a root other
than <Message>; a <Collection> other than CSWW; no <CSWWWorker> and no <LALevelVacancies>; a
<CSWWWorker> without SWENo or AgencyWorker (the spec's mandatory elements); no census year or
no authority.

Loaded, with data-quality issues: bad values and codes (from the shared engine); a missing
<LALevelVacancies>; repeated elements (the first is kept, QualInst values are joined); an LEA
or Year that disagrees with `la_code=` / `year=` (the file wins); two workers with one id.

`source_row` is the line of the <CSWWWorker> (or <LALevelVacancies>) element.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import pyarrow as pa
import pyarrow.compute as pc
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from csc_scorecard.ingest.adapter import head
from csc_scorecard.ingest.fields import convert, load_spec, missing_fields
from csc_scorecard.ingest.values import clean
from csc_scorecard.model.batch import FormatError, Issue, LoadBatch

SOURCE_FORMAT = "csww"
LINE = "_line"  # census elements have no attributes, so one carries the element's line
WORKER, LA_LEVEL = "CSWWWorker", "LALevelVacancies"
# Leaf elements read into a spec field of another name (a later schema's Sex for GenderCurrent).
ALTERNATIVES = {"Sex": "GenderCurrent"}
JOINED = {"QualInst"}  # may repeat (maxOccurs unbounded): every institution is kept
_MARKERS = re.compile(
    rb"<(?:\w+:)?(?:CSWWWorker|LALevelVacancies)\b|<(?:\w+:)?Collection>\s*CSWW\s*<"
)
_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_LEA = re.compile(r"^\d{3}$")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _LineBuilder(TreeBuilder):
    """A tree builder that stamps every element with the line its start tag is on."""

    parser: DefusedXMLParser | None = None

    def start(self, tag: str, attrs: dict) -> Element:
        line = self.parser.parser.CurrentLineNumber if self.parser else 0
        return super().start(_local(tag), {LINE: str(line)})

    def end(self, tag: str) -> Element:
        return super().end(_local(tag))


def _line(elem: Element) -> int:
    return int(elem.get(LINE, "0"))


def parse(path: Path) -> Element:
    """The document's root element, every element stamped with its line; refuses DTDs."""
    builder = _LineBuilder()
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    builder.parser = parser
    try:
        parser.feed(path.read_bytes())
        return parser.close()
    except ParseError as err:
        line = err.position[0] if getattr(err, "position", None) else None
        raise FormatError(path, f"is not well-formed XML ({err})", line=line) from None
    except DefusedXmlException as err:
        raise FormatError(
            path,
            f"declares a DTD or entities ({type(err).__name__}); XML like this is refused, never "
            "expanded: export the census again without a DOCTYPE",
            line=parser.parser.CurrentLineNumber,
        ) from None
    except OSError as err:
        raise FormatError(path, f"cannot be read ({err.strerror or err})") from None


def _leaves(path: Path, group: Element, issues: list[Issue]) -> dict[str, str | None]:
    """A record's leaf elements as {element: text}; a repeated element keeps its first value."""
    record: dict[str, str | None] = {}
    for leaf in group:
        name, text = leaf.tag, leaf.text
        if name in ALTERNATIVES and ALTERNATIVES[name] not in record:
            name = ALTERNATIVES[name]
        if name in record:
            if name in JOINED and clean(text) is not None:
                record[name] = "; ".join(v for v in (record[name], text.strip()) if v)
                continue
            issues.append(
                Issue(
                    rule="repeated_element",
                    message=f"<{leaf.tag}> appears more than once in <{group.tag}>; the first is kept",
                    file=str(path),
                    row=_line(leaf),
                    field=leaf.tag,
                    value=text,
                    severity="warning",
                )
            )
            continue
        record[name] = text
    return record


def census_year(path: Path, header: dict[str, tuple[str, int]], year: int | None) -> int:
    for name in ("Year", "ReferenceDate"):
        text = clean(header.get(name, (None, 0))[0])
        if text and re.match(r"^\d{4}", text):
            return int(text[:4])
    if year is not None:
        return year
    if match := _YEAR_IN_NAME.search(path.stem):
        return int(match[1])
    raise FormatError(path, "has no census year (no <Year> or <ReferenceDate>): pass --year YYYY")


def read_census(path: Path, *, la_code: str | None = None, year: int | None = None) -> LoadBatch:
    """One workforce census XML file as one load."""
    root = parse(path)
    if root.tag != "Message":
        raise FormatError(
            path,
            f"root element is <{root.tag}>, not <Message>: not a workforce census",
            line=_line(root),
        )
    spec = load_spec(SOURCE_FORMAT)
    file = str(path)
    issues: list[Issue] = []

    header: dict[str, tuple[str, int]] = {}
    for leaf in root.iterfind("Header/*/*"):
        if clean(leaf.text) is not None:
            header.setdefault(leaf.tag, (leaf.text.strip(), _line(leaf)))
    collection = header.get("Collection", ("CSWW", 0))
    if collection[0].upper() != "CSWW":
        raise FormatError(
            path,
            f"is a {collection[0]} return, not the workforce census",
            line=collection[1],
            field="Collection",
        )

    workers = root.findall(WORKER)
    vacancies = root.findall(LA_LEVEL)
    if not workers and not vacancies:
        raise FormatError(path, f"has no <{WORKER}> or <{LA_LEVEL}> records: nothing to load")

    year_found = census_year(path, header, year)
    if year is not None and year != year_found:
        issues.append(
            Issue(
                "header_mismatch",
                f"the file is the {year_found} census, not {year} as asked; the file's year is used",
                file=file,
                field="Year",
                value=str(year_found),
                severity="warning",
            )
        )
    lea = header.get("LEA")
    if lea is not None and not _LEA.match(lea[0]):
        issues.append(
            Issue(
                "invalid_code",
                f"LEA {lea[0]!r} is not a three-digit LA number",
                file=file,
                row=lea[1],
                field="LEA",
                value=lea[0],
            )
        )
        lea = None
    if lea is None and la_code is None:
        raise FormatError(path, "has no <LEA> in its header: pass --la CODE")
    if lea is not None and la_code is not None and lea[0] != la_code:
        issues.append(
            Issue(
                "header_mismatch",
                f"the file's LEA is {lea[0]}, not {la_code} as asked; the file's LEA is used",
                file=file,
                row=lea[1],
                field="LEA",
                value=lea[0],
                severity="warning",
            )
        )
    authority = lea[0] if lea is not None else la_code

    tables: dict[str, pa.Table] = {}
    la_spec, worker_spec = spec.tables[LA_LEVEL], spec.tables[WORKER]
    if not vacancies:
        issues.append(
            Issue(
                "missing_element",
                f"no <{LA_LEVEL}>: vacancies and agency cover are unknown",
                table="workforce_census_la",
                file=file,
                field=LA_LEVEL,
            )
        )
    else:
        for extra in vacancies[1:]:
            issues.append(
                Issue(
                    "repeated_element",
                    f"<{LA_LEVEL}> appears more than once; the first is kept",
                    file=file,
                    row=_line(extra),
                    field=LA_LEVEL,
                    severity="warning",
                )
            )
        record = _leaves(path, vacancies[0], issues)
        la = convert([(_line(vacancies[0]), record)], la_spec, file=file).rows
        tables["workforce_census_la"] = la.append_column(
            "collection_year", pa.array([year_found], pa.int32())
        )

    records = []
    for w in workers:
        record = _leaves(path, w, issues)
        if missing := missing_fields(record.keys(), worker_spec):
            raise FormatError(
                path, f"<{WORKER}> has no <{missing[0]}>", line=_line(w), field=missing[0]
            )
        records.append((_line(w), record))
    if records:
        converted = convert(records, worker_spec, file=file, check_duplicates=False)
        rows = converted.rows
        # worker_id: the local id where the file has one, else the Social Work England number.
        ids = pc.coalesce(rows.column("worker_id"), rows.column("swe_no"))
        rows = rows.set_column(rows.column_names.index("worker_id"), "worker_id", ids)
        rows = rows.append_column(
            "collection_year", pa.array([year_found] * rows.num_rows, pa.int32())
        )
        issues.extend(converted.issues)
        issues.extend(_duplicate_workers(rows, file))
        tables["workforce_census_workers"] = rows

    return LoadBatch(
        source_format=SOURCE_FORMAT,
        la_code=authority,
        period_start=date(year_found - 1, 10, 1),
        period_end=date(year_found, 9, 30),
        files=[file],
        tables=tables,
        issues=issues,
    )


def _duplicate_workers(rows: pa.Table, file: str) -> list[Issue]:
    """Two records for one worker id. DfE counts posts, so this is a warning, not an error:
    a person in two posts is two records (standards.md 4, FTE is not de-duplicated)."""
    ids = rows.column("worker_id").to_pylist()
    lines = rows.column("source_row").to_pylist()
    seen: dict[str, int] = {}
    out = []
    for worker, line in zip(ids, lines, strict=True):
        if worker is None:
            continue
        if worker in seen:
            out.append(
                Issue(
                    "duplicate_key",
                    f"worker {worker} also has a record at line {seen[worker]}",
                    table="workforce_census_workers",
                    file=file,
                    row=line,
                    field="worker_id",
                    value=worker,
                    severity="warning",
                )
            )
        else:
            seen[worker] = line
    return out


class CswwAdapter:
    name = SOURCE_FORMAT

    def sniff(self, path: Path) -> bool:
        if path.suffix.lower() != ".xml":
            return False
        return _MARKERS.search(head(path, 16384).replace(b"\x00", b"")) is not None

    def read(self, paths: list[Path], *, la_code: str | None, year: int | None) -> list[LoadBatch]:
        return self.gather(paths, (read_census(p, la_code=la_code, year=year) for p in paths))

    def read_each(self, path: Path, *, la_code: str | None, year: int | None) -> LoadBatch:
        """One census of a folder (`ingest/parallel.py` reads a folder's files in parallel)."""
        return read_census(path, la_code=la_code, year=year)

    def gather(self, paths: list[Path], read: Iterable[LoadBatch]) -> list[LoadBatch]:
        """A folder's censuses, every file read first (a refusal raised where its file comes),
        then a second census for the same authority and year refused."""
        batches = list(read)
        seen: dict[tuple, str] = {}
        for b in batches:
            key = (b.la_code, b.period_end)
            if key in seen:
                raise FormatError(
                    b.files[0],
                    f"is a second {b.period_end.year} workforce census for LA {b.la_code} (also {seen[key]}); keep one",
                )
            seen[key] = b.files[0]
        return sorted(batches, key=lambda b: b.period_end)


ADAPTER = CswwAdapter()
