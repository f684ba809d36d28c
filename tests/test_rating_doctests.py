"""Every docstring example in the rating package runs as a test."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

from csc_scorecard import rating

MODULES = sorted(m.name for m in pkgutil.iter_modules(rating.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"csc_scorecard.rating.{name}")
    failed, _attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failed == 0


def test_the_examples_exist():
    counts = {
        n: doctest.testmod(importlib.import_module(f"csc_scorecard.rating.{n}")).attempted
        for n in MODULES
    }
    assert all(counts[n] > 0 for n in ("rag", "direction", "values", "period", "summary"))
