"""An independent oracle for "is this file DfE-shaped?": the public DfE rule packs.

data-to-insight publishes the DfE validation rules as pandas rule packs on PyPI:
`csc-validator-be-903` (SSDA903, 300+ rules) and `csc-validator-be-cin` (CIN census, 100+ rules).
They pin pandas<2 / numpy<2, so they run in their own throwaway virtualenvs (built by
`scripts/oracle-env.sh`) and are driven here by subprocess: `run_903.py` / `run_cin.py` run inside
those venvs and write JSON, which this module reads. Nothing here imports `csc_scorecard`, so the
oracle shares no code with what it checks. How it works and how to run it: `docs/oracle.md`.

Every failing rule comes back as one dict:

    {"rule": "222", "description": "...", "type": "error" | "query", "count": 2224,
     "children": 1379, "tables": {"Episodes": 2224}, "fields": ["URN"],
     "origin": "dfe" | "tool", "examples": ["566910", ...]}

`count` is rows affected (903: flagged rows summed over tables; CIN: distinct table rows, 1 for a
whole-return rule), `children` the distinct children among them, `examples` up to five child ids.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "OracleError",
    "OracleInputError",
    "OracleUnavailable",
    "cin_ruleset",
    "lac_ruleset",
    "oracle_available",
    "report_903",
    "report_cin",
    "validate_903",
    "validate_cin",
]

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ENV_SCRIPT = REPO / "scripts" / "oracle-env.sh"
KINDS = ("903", "cin")
# First build downloads ~60 MB of wheels; a validation run on ~5,000 episodes takes seconds.
BUILD_TIMEOUT = 900
RUN_TIMEOUT = 600
# The ONS code the 903 package's own CLI uses; only the in/out-of-area placement rules read it.
DEFAULT_LA = "E09000027"


class OracleError(RuntimeError):
    """The validator could not be run (crash, timeout, unreadable output)."""


class OracleUnavailable(OracleError):
    """The throwaway venv cannot be built here (no package registry, no Python 3.9-3.11)."""


class OracleInputError(OracleError, ValueError):
    """The package refused the input (unmatched CSV columns, mixed formats, bad XML shape)."""


# --- collection years -------------------------------------------------------------------------

_YEAR = re.compile(r"^(?:lac|cin)?(?P<start>\d{4})(?:[_/-](?P<end>\d{2}|\d{4}))?$")


def _ruleset(prefix: str, collection_year: str) -> str:
    """Normalise a collection year to the package's ruleset module name.

    Accepts the module name itself ("lac2023_24"), a span ("2023_24", "2023/24", "2023-24",
    "2023-2024") or one year, read as the year the collection *ends* — the DfE convention the
    903 package's `collectionYear` and the CIN header `<Year>` both use ("2024" is 2023 to 24).

    >>> _ruleset("lac", "2023/24"), _ruleset("cin", "2024"), _ruleset("cin", "cin2025_26")
    ('lac2023_24', 'cin2023_24', 'cin2025_26')
    """
    text = str(collection_year).strip().lower()
    match = _YEAR.match(text)
    if not match or (text[:3] in ("lac", "cin") and text[:3] != prefix):
        raise OracleInputError(f"not a {prefix} collection year: {collection_year!r}")
    start = int(match["start"])
    if match["end"] is None:
        start -= 1
    elif int(match["end"]) % 100 != (start + 1) % 100:
        raise OracleInputError(f"collection year {collection_year!r} does not span one year")
    return f"{prefix}{start}_{(start + 1) % 100:02d}"


def lac_ruleset(collection_year: str) -> str:
    """The 903 ruleset for a collection year, e.g. "2023/24" -> "lac2023_24"."""
    return _ruleset("lac", collection_year)


def cin_ruleset(collection_year: str) -> str:
    """The CIN census ruleset for a collection year, e.g. "2024" -> "cin2023_24"."""
    return _ruleset("cin", collection_year)


# --- environments -----------------------------------------------------------------------------


def _python(kind: str) -> Path:
    """Build (or reuse) the venv for `kind` and return its interpreter."""
    if kind not in KINDS:
        raise ValueError(f"unknown oracle {kind!r}")
    outcome = _build(kind)
    if isinstance(outcome, OracleUnavailable):
        raise outcome
    return outcome


@functools.cache
def _build(kind: str) -> Path | OracleUnavailable:
    # Failures are cached too: with no registry, one attempt per process is enough.
    try:
        done = subprocess.run(
            ["bash", str(ENV_SCRIPT), kind],
            check=False,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
            env=os.environ.copy(),
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return OracleUnavailable(f"oracle-env.sh {kind}: {exc}")
    if done.returncode != 0:
        return OracleUnavailable(f"oracle-env.sh {kind} failed:\n{done.stderr.strip()}")
    root = Path(os.environ.get("ORACLE_VENV_ROOT", REPO))
    return root / f".oracle-venv-{kind}" / "bin" / "python"


def oracle_available(kind: str | None = None) -> bool:
    """True when the venv(s) for `kind` ("903", "cin", or both when None) exist or can be built."""
    try:
        for each in (kind,) if kind else KINDS:
            _python(each)
    except OracleUnavailable as exc:
        print(exc, file=sys.stderr)
        return False
    return True


def _run(kind: str, args: Sequence[str], timeout: float) -> dict:
    python = _python(kind)
    script = HERE / f"run_{kind}.py"
    with tempfile.TemporaryDirectory(prefix=f"oracle-{kind}-") as tmp:
        out = Path(tmp) / "result.json"
        try:
            done = subprocess.run(
                [str(python), str(script), *args, "--out", str(out)],
                check=False,
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd=tmp,
            )
        except subprocess.TimeoutExpired as exc:
            raise OracleError(f"{script.name} timed out after {timeout}s") from exc
        if not out.is_file():
            tail = "\n".join(done.stderr.strip().splitlines()[-20:])
            raise OracleError(f"{script.name} exited {done.returncode} with no result:\n{tail}")
        result = json.loads(out.read_text(encoding="utf-8"))
    if "input_error" in result:
        raise OracleInputError(result["input_error"])
    return result


# --- validation -------------------------------------------------------------------------------


def report_903(
    files: Sequence[Path],
    collection_year: str,
    *,
    previous_year: Sequence[Path] = (),
    local_authority: str = DEFAULT_LA,
    timeout: float = RUN_TIMEOUT,
    all_children: bool = False,
    isolated: bool = False,
    rules: Sequence[str] | None = None,
    providers: Path | None = None,
) -> dict:
    """Run every SSDA903 rule of the year on `files`; return the whole result.

    `files`: one CSV per 903 table (recognised by its exact column set, whatever the file name)
    or one XML return. `previous_year`: last year's files, which rules such as NoE, 1001, 1002
    and 202-208 need (they are `skipped` without them). `local_authority`: ONS code (E06/E08/
    E09/E10) of the authority, compared with the placement postcode's authority by the
    in/out-of-area rules. `providers`: Ofsted's combined provider list (XLSX), which the URN
    rules (219-229, 1008) read. Keys: package, version, ruleset, collection_year, local_authority,
    file_format, tables (rows read per table), rules_run, skipped, crashed, failures, seconds.
    """
    paths = [str(Path(f).resolve()) for f in files]
    if not paths:
        raise OracleInputError("no 903 files given")
    args = ["--ruleset", lac_ruleset(collection_year), "--la", local_authority, *paths]
    if previous_year:
        args += ["--previous", *(str(Path(f).resolve()) for f in previous_year)]
    if all_children:  # every flagged child in `examples` (agreement tests), not five
        args.append("--all-children")
    if isolated:  # each rule on its own deep copy (the package shares columns between rules)
        args.append("--isolated")
    if rules is not None:  # only these rules (benchmarks)
        args += ["--rules", *rules]
    if providers is not None:
        args += ["--providers", str(Path(providers).resolve())]
    return _run("903", args, timeout)


def report_cin(
    xml: Path, collection_year: str, *, timeout: float = RUN_TIMEOUT, all_children: bool = False
) -> dict:
    """Run every CIN census rule of the year on one XML return; return the whole result.

    Keys: package, version, ruleset, reference_date, census_year (the header's), tables,
    rules_run, skipped (always empty), crashed, failures, seconds.
    """
    extra = ["--all-children"] if all_children else []
    return _run(
        "cin",
        ["--ruleset", cin_ruleset(collection_year), str(Path(xml).resolve()), *extra],
        timeout,
    )


def validate_903(files: list[Path], collection_year: str, **options) -> list[dict]:
    """Failing SSDA903 rules on `files`, most rows first (options: see `report_903`)."""
    return report_903(files, collection_year, **options)["failures"]


def validate_cin(xml: Path, collection_year: str, **options) -> list[dict]:
    """Failing CIN census rules on one XML return, most rows first then whole-return rules."""
    return report_cin(xml, collection_year, **options)["failures"]
