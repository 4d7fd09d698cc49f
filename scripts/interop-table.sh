#!/usr/bin/env bash
# Copies the interop table of the last `dotnet test tests/Interop` run (artifacts/interop-results.md)
# into README.md, between the interop markers.
set -euo pipefail
cd "$(dirname "$0")/.."
results=artifacts/interop-results.md
[ -s "$results" ] || { echo "no $results: run dotnet test tests/Interop first" >&2; exit 1; }
grep -q '^<!-- interop:begin -->$' README.md && grep -q '^<!-- interop:end -->$' README.md \
    || { echo "README.md has no <!-- interop:begin --> / <!-- interop:end --> markers" >&2; exit 1; }
awk -v results="$results" '
    /^<!-- interop:begin -->$/ { print; while ((getline line < results) > 0) print line; skipping = 1; next }
    /^<!-- interop:end -->$/ { skipping = 0 }
    !skipping { print }
' README.md > README.md.tmp
mv README.md.tmp README.md
echo "README.md: interop table from $results"
