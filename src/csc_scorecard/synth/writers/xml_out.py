"""An XML document written straight to text, in document order: the writers' fast path.

The output is byte for byte what ``xml.etree.ElementTree`` gives for the same elements after
``indent(tree, space="  ")`` and ``write(path, encoding="utf-8", xml_declaration=True)``: the
declaration line, two spaces per level, ``<Name />`` for an element with neither text nor
children, text escaped as ElementTree escapes it (``&``, ``<``, ``>``), no newline after the
root. Building an element tree first and serialising it cost the synthetic writer most of its
XML time (issue 14); the formats here have no attributes, namespaces or mixed content.

    >>> x = XmlText("Message")
    >>> x.open("Header"); x.leaf("Year", "2022"); x.leaf("LEA", None); x.close()
    >>> x.open("Children"); x.close()
    >>> print(x.text())
    <?xml version='1.0' encoding='utf-8'?>
    <Message>
      <Header>
        <Year>2022</Year>
        <LEA />
      </Header>
      <Children />
    </Message>
"""

from __future__ import annotations

from pathlib import Path

DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"


def escape(text: str) -> str:
    """Element text escaped as ElementTree escapes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


class XmlText:
    """Elements appended in document order under one root; ``text()`` is the whole file."""

    def __init__(self, root: str) -> None:
        self.parts: list[str] = [DECLARATION]
        self._open: list[tuple[str, int]] = []  # (name, index of its start tag in parts)
        # The line break and indent before an element at each depth, and at the current one:
        # kept as the elements open and close rather than looked up per element (a return has
        # about a million of them).
        self._indent = ["\n"]
        self._pad = "\n"
        self._start(root)

    def _start(self, name: str) -> None:
        self._open.append((name, len(self.parts)))
        self.parts.append(f"<{name}>")
        depth = len(self._open)
        if len(self._indent) <= depth:
            self._indent.append(self._indent[-1] + "  ")
        self._pad = self._indent[depth]

    def open(self, name: str) -> None:
        """Start an element whose children follow (closed by ``close``)."""
        self.parts.append(self._pad)
        self._start(name)

    def close(self) -> None:
        """End the innermost open element (``<Name />`` if nothing was written in it)."""
        name, at = self._open.pop()
        self._pad = pad = self._indent[len(self._open)]
        if at == len(self.parts) - 1:
            self.parts[at] = f"<{name} />"
        else:
            self.parts.append(f"{pad}</{name}>")

    def leaf(self, name: str, text: str | None) -> None:
        """An element holding text (``<Name />`` when the text is None or empty)."""
        if text:
            self.parts.append(f"{self._pad}<{name}>{escape(text)}</{name}>")
        else:
            self.parts.append(f"{self._pad}<{name} />")

    def text(self) -> str:
        while self._open:
            self.close()
        return "".join(self.parts)

    def write(self, path: Path) -> None:
        path.write_text(self.text(), encoding="utf-8", newline="")
