#!/usr/bin/env bash
# Build the throwaway virtualenvs that run the public DfE rule packs (the "oracle").
#
#   scripts/oracle-env.sh [903|cin|all]      (default: all)
#
# csc-validator-be-903 and csc-validator-be-cin pin pandas<2 and numpy<2, which clash with the
# project's own pins, so each lives in its own venv at the repository root:
#   .oracle-venv-903   from tests/oracle/requirements-903.txt
#   .oracle-venv-cin   from tests/oracle/requirements-cin.txt
# The venvs are never the project's .venv. A venv is rebuilt only when its requirements file or
# the interpreter changes (stamp file), so the script is cheap to call before every run. Builds
# take a lock, so parallel test processes do not race. Silent when the venv is already there;
# on failure it prints the tail of the pip log and exits non-zero.
#
# Environment: ORACLE_VENV_ROOT (default: repository root), ORACLE_PYTHON (default: the first of
# python3.11, python3.10, python3.9 on PATH; pandas 1.5.3 ships no wheels for 3.12+).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="${ORACLE_VENV_ROOT:-$repo}"

pick_python() {
    if [[ -n "${ORACLE_PYTHON:-}" ]]; then echo "$ORACLE_PYTHON"; return; fi
    local candidate
    for candidate in python3.11 python3.10 python3.9; do
        if command -v "$candidate" >/dev/null 2>&1; then command -v "$candidate"; return; fi
    done
    echo "oracle-env: no python3.9-3.11 interpreter found (set ORACLE_PYTHON)" >&2
    return 1
}

build() {
    local kind="$1" python="$2"
    local requirements="$repo/tests/oracle/requirements-$kind.txt"
    local venv="$root/.oracle-venv-$kind"
    local stamp
    stamp="$(sha256sum "$requirements" | cut -d' ' -f1) $("$python" -c 'import sys; print(sys.version.split()[0])')"

    [[ -f "$venv/.oracle-stamp" && "$(cat "$venv/.oracle-stamp")" == "$stamp" ]] && return 0

    # Lock and log live in a directory that the .gitignore pattern /.oracle-venv*/ covers.
    mkdir -p "$root/.oracle-venv-build"
    exec 9>"$root/.oracle-venv-build/$kind.lock"
    flock 9
    # Another process may have finished the same build while we waited for the lock.
    if [[ -f "$venv/.oracle-stamp" && "$(cat "$venv/.oracle-stamp")" == "$stamp" ]]; then
        exec 9>&-
        return 0
    fi

    local started=$SECONDS log="$root/.oracle-venv-build/$kind.log"
    rm -rf "$venv"
    if ! { "$python" -m venv "$venv" &&
        PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install \
            --quiet --retries 2 --timeout 60 --require-virtualenv -r "$requirements" &&
        "$venv/bin/python" -m pip check; } >"$log" 2>&1; then
        echo "oracle-env: building .oracle-venv-$kind failed; last lines of $log:" >&2
        # The machine's pip config names extra local indexes that may be absent; not the cause.
        grep -v "^WARNING: Location 'file://" "$log" | tail -n 15 >&2
        rm -rf "$venv"
        exec 9>&-
        return 1
    fi
    echo "$stamp" >"$venv/.oracle-stamp"
    rm -f "$log"
    exec 9>&-
    echo "oracle-env: built .oracle-venv-$kind in $((SECONDS - started))s" >&2
}

main() {
    local which="${1:-all}" python kinds
    case "$which" in
        903 | cin) kinds=("$which") ;;
        all) kinds=(903 cin) ;;
        *) echo "usage: $0 [903|cin|all]" >&2; return 2 ;;
    esac
    python="$(pick_python)"
    for kind in "${kinds[@]}"; do build "$kind" "$python"; done
}

main "$@"
