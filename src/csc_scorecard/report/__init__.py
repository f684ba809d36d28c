"""The quarterly committee report: ONE report context, rendered to HTML, PDF, Word, Excel, JSON.

    context = build_context(store, "371", "2022-Q1", framework="framework.yaml")
    render(context, "html", Path("out/report.html"))

* ``context.build_context`` builds the versioned, JSON-serialisable ``model.ReportContext``:
  figures, generated narrative with every number cited, appendix rows with RAG and commentary,
  charts as SVG with alt text, data quality and provenance (``docs/report-context.md``);
* a renderer is a module ``csc_scorecard.report.<format>`` exposing
  ``render(context, path) -> Path``: ``html``, ``pdf``, ``json`` here; ``docx`` and ``xlsx``
  plug in the same way. ``render`` below finds them by name.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from csc_scorecard.report.model import SCHEMA_VERSION, ReportContext


SUFFIXES = {"html": "html", "pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "json": "json"}


class UnknownFormat(ValueError):
    """A requested output format with no renderer module."""


def renderer(fmt: str) -> ModuleType:
    """The module ``csc_scorecard.report.<fmt>`` with a ``render(context, path)`` function."""
    if fmt not in SUFFIXES:
        raise UnknownFormat(f"unknown format {fmt!r}; choose from {', '.join(SUFFIXES)}")
    try:
        module = importlib.import_module(f"csc_scorecard.report.{fmt}")
    except ModuleNotFoundError as error:
        if error.name == f"csc_scorecard.report.{fmt}":
            raise UnknownFormat(
                f"no {fmt} renderer is installed (csc_scorecard.report.{fmt})"
            ) from None
        raise
    if not callable(getattr(module, "render", None)):
        raise UnknownFormat(f"csc_scorecard.report.{fmt} has no render(context, path)")
    return module


def render(context: ReportContext, fmt: str, path: str | Path) -> Path:
    """Write ``context`` in ``fmt`` to ``path``."""
    out = renderer(fmt).render(context, Path(path))
    return Path(out) if out is not None else Path(path)


def __getattr__(name: str) -> Any:
    """``build_context`` and the models are imported lazily: the renderers need only the models,
    and the models nest the staffing section (``report.sections.staffing``), which imports the
    measures and Ibis."""
    if name == "build_context":
        from csc_scorecard.report.context import build_context

        return build_context
    if name in ("SCHEMA_VERSION", "ReportContext"):
        from csc_scorecard.report import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SCHEMA_VERSION",
    "SUFFIXES",
    "ReportContext",
    "UnknownFormat",
    "build_context",
    "render",
    "renderer",
]
