#!/usr/bin/env bash
# Debian packages the project needs: Chromium (browser tests), poppler (PDF checks), Java 17
# (the optional Spark engine), PostgreSQL (the SSD database tests) and WeasyPrint's libraries and
# fonts. Installs only what is missing, so it is quick on a machine that has them. Needs root (CI
# and developer machines are).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
command -v npm >/dev/null 2>&1 || need+=(npm)
# PostgreSQL: tests/test_ssd_database.py starts a server of its own (SSD ingest --from-db).
{ command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || need+=(postgresql)
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${need[*]} (run this script as root to install them)" >&2
    exit 1
  fi
  echo "Installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# axe-core for the dashboard's accessibility tests (tests/test_web_browser.py), from the npm
# registry into the user's cache; the tests read it from there. Never a browser download.
axe_dir="${XDG_CACHE_HOME:-$HOME/.cache}/csc-scorecard"
if [ ! -f "$axe_dir/axe.min.js" ]; then
  tmp=$(mktemp -d)
  if (cd "$tmp" && npm pack --silent axe-core@4 >/dev/null && tar xzf axe-core-*.tgz package/axe.min.js); then
    mkdir -p "$axe_dir" && cp "$tmp/package/axe.min.js" "$axe_dir/axe.min.js"
  else
    echo "warning: could not fetch axe-core from the npm registry; the accessibility tests will skip" >&2
  fi
  rm -rf "$tmp"
fi
