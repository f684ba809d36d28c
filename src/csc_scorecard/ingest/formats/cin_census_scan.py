"""A plain, well-formed XML file's elements read from its bytes with numpy: each element's
parent, local tag, line and text, with no Python object per element.

Plain (`cin_census._plain`): UTF-8 or ASCII, and no DOCTYPE, comment, CDATA section or
processing instruction after the declaration. In such a file that libxml2 has found well-formed,
every "<" opens a tag ("<?" only the declaration's): "</" an end tag, any other a start tag,
empty when its ">" follows "/". A start tag ends at the first ">" after its "<" unless a quoted
attribute value holds one (those few tags are matched by a regular expression). An element's
text (lxml's `.text`) is what lies between its start tag and the next "<", None when empty, with
XML's line ends ("\\r\\n" and a lone "\\r" read as "\\n") and its five entities and character
references replaced; a line is counted from the line ends in the bytes (libxml2 keeps only 16
bits of it), a "\\r" not before a "\\n" one too, as expat counts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_LT, _GT, _SLASH, _QUERY, _NEWLINE, _RETURN, _EQUALS = b"<>/?\n\r="
_SPACE = np.zeros(256, bool)
_SPACE[list(b" \t\r\n")] = True
# A start tag with attributes (the true end of one a ">" inside a quoted value would hide).
_START_TAG = re.compile(rb"""<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>""")
_NAME = re.compile(rb"<([^\s/>]+)")
_REFERENCE = re.compile(r"&#x([0-9A-Fa-f]+);|&#([0-9]+);|&(amp|lt|gt|quot|apos);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


@dataclass(frozen=True)
class Elements:
    """Every element of a file in document order (0 is the root)."""

    data: np.ndarray  # the file's bytes
    parent: np.ndarray  # each element's parent (the root's: 0)
    depth: np.ndarray  # 0 for the root
    by_depth: np.ndarray  # the elements ordered by depth, in document order within each level
    tag: np.ndarray  # index into `names`
    names: list[str]  # local names (any namespace prefix dropped)
    lines: np.ndarray  # the line of each start tag
    text_from: np.ndarray  # each element's text: bytes text_from to text_to
    text_to: np.ndarray
    escaped: bool  # whether any text may hold a reference or a carriage return

    def __len__(self) -> int:
        return len(self.parent)

    def texts(self, at: np.ndarray) -> pa.Array:
        """The text of the elements `at` (lxml's `.text`: None when there is none)."""
        texts = _strings(self.data, self.text_from[at], self.text_to[at])
        if self.escaped:
            odd = pc.fill_null(
                pc.or_(pc.match_substring(texts, "&"), pc.match_substring(texts, "\r")), False
            )
            if pc.any(odd).as_py():
                read = [_xml_text(t) for t in texts.filter(odd).to_pylist()]
                texts = pc.replace_with_mask(texts, odd, pa.array(read, pa.string()))
        return texts

    def nodes(self, at: np.ndarray) -> list[Node]:
        """The elements `at` (in document order, each one's parent among them but the first's)
        as nodes with their children, for reading in Python."""
        texts = self.texts(at).to_pylist()
        names, tags, lines = self.names, self.tag[at].tolist(), self.lines[at].tolist()
        made = [
            Node(names[t], text, line) for t, text, line in zip(tags, texts, lines, strict=True)
        ]
        place = np.full(len(self), -1, np.int64)
        place[at] = np.arange(len(at))
        for node, up in zip(made[1:], place[self.parent[at[1:]]].tolist(), strict=True):
            made[up].children.append(node)
        return made


class Node:
    """An element read in Python: its local tag, text, line and child elements."""

    __slots__ = ("children", "line", "tag", "text")

    def __init__(self, tag: str, text: str | None, line: int) -> None:
        self.tag = tag
        self.text = text
        self.line = line
        self.children: list[Node] = []

    def __iter__(self):
        return iter(self.children)

    def __len__(self) -> int:
        return len(self.children)


def scan(data: bytes) -> Elements | None:
    """The elements of a plain file that libxml2 found well-formed (None if a start tag is not
    as expected: the caller's other reader then reads it)."""
    text = np.frombuffer(data, np.uint8)
    opens = np.flatnonzero(text == _LT)
    ends = np.flatnonzero(text == _GT)
    after = text[opens + 1]
    starting = (after != _SLASH) & (after != _QUERY)
    starts = opens[starting]
    closes = ends[np.searchsorted(ends, starts)]
    # a tag with an attribute holds an "=" before its first ">" (text outside tags is not looked at)
    equals = np.flatnonzero(text == _EQUALS)
    for i in np.flatnonzero(np.searchsorted(equals, starts) != np.searchsorted(equals, closes)):
        tag = _START_TAG.match(data, starts[i])
        if tag is None:
            return None
        closes[i] = tag.end() - 1
    empty = text[closes - 1] == _SLASH
    # depth: +1 at a start tag that is not empty, -1 at an end tag
    step = np.zeros(len(opens), np.int64)
    step[np.flatnonzero(starting)[~empty]] = 1
    step[after == _SLASH] = -1
    depth = (np.cumsum(step) - step)[starting]
    # an element's parent: the last element before it one level up
    count = len(starts)
    order = np.argsort(depth, kind="stable")
    key = depth * (count + 1) + np.arange(count)
    parent = order[np.maximum(np.searchsorted(key[order], key - count - 1) - 1, 0)]
    parent[0] = 0
    # text: from the start tag's ">" to the next "<" (nothing in an empty element)
    following = np.append(opens, len(text))[np.flatnonzero(starting) + 1]
    text_from = closes + 1
    text_to = np.where(empty, text_from, following)
    # names: to the ">" (or "/>") unless a space or an attribute comes first
    name_end = closes - empty
    last = text[name_end - 1]
    for i in np.flatnonzero(_SPACE[last] | (last == ord('"')) | (last == ord("'"))):
        name_end[i] = _NAME.match(data, starts[i]).end()
    encoded = _strings(text, starts + 1, name_end).dictionary_encode()
    local = [n.rpartition(":")[2] for n in encoded.dictionary.to_pylist()]
    names = list(dict.fromkeys(local))
    tag = np.array([names.index(n) for n in local], np.int64)[encoded.indices.to_numpy()]
    breaks = text == _NEWLINE
    if b"\r" in data:  # a carriage return not before a line feed ends a line too, as for expat
        breaks |= (text == _RETURN) & np.append(text[1:] != _NEWLINE, True)
    lines = np.searchsorted(np.flatnonzero(breaks), starts) + 1
    escaped = b"&" in data or b"\r" in data
    return Elements(text, parent, depth, order, tag, names, lines, text_from, text_to, escaped)


def _strings(data: np.ndarray, start: np.ndarray, end: np.ndarray) -> pa.Array:
    """The bytes from each `start` to its `end` as text (None where there are none), gathered
    in one index over the file rather than sliced one at a time (32-bit offsets where the file
    allows: the index arrays are then half the memory, and much quicker to make)."""
    wide = len(data) >= 2**31
    offset = np.int64 if wide else np.int32
    lengths = (end - start).astype(offset)
    offsets = np.zeros(len(start) + 1, offset)
    np.cumsum(lengths, out=offsets[1:])
    at = np.repeat(start.astype(offset) - offsets[:-1], lengths)
    at += np.arange(offsets[-1], dtype=offset)
    texts = pa.Array.from_buffers(
        pa.large_string() if wide else pa.string(),
        len(start),
        [
            pa.py_buffer(np.packbits(lengths > 0, bitorder="little")),
            pa.py_buffer(offsets),
            pa.py_buffer(data[at]),
        ],
    )
    texts.validate(full=True)  # UTF-8 throughout (libxml2 has checked the file's)
    return texts.cast(pa.string())


def _xml_text(raw: str) -> str:
    """A text as XML reads it: line ends as "\\n", then references replaced."""
    return _REFERENCE.sub(_replace, raw.replace("\r\n", "\n").replace("\r", "\n"))


def _replace(match: re.Match) -> str:
    hexadecimal, decimal, entity = match.groups()
    if hexadecimal:
        return chr(int(hexadecimal, 16))
    if decimal:
        return chr(int(decimal))
    return _ENTITIES[entity]
