#!/usr/bin/env bash
# Runs ALL tests (every test project in Governance.sln, each starting its own in-memory Azurite) and prints
# a final line "N passed, N failed". Exit code is non-zero when anything failed or did not build.
set -uo pipefail
cd "$(dirname "$0")"

if ! node -e 'process.exit(require("./node_modules/azurite/package.json").version === "3.35.0" ? 0 : 1)' 2>/dev/null; then
  echo "Installing Azurite 3.35.0 (npm ci)..."
  npm ci --no-audit --no-fund || exit 1
fi

RESULTS="$PWD/TestResults"
rm -rf "$RESULTS"
dotnet test Governance.sln --results-directory "$RESULTS" --logger "trx" --logger "console;verbosity=minimal" "$@"
RC=$?

PASSED=0
FAILED=0
shopt -s nullglob
for trx in "$RESULTS"/*.trx "$RESULTS"/*/*.trx; do
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  e="$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")"
  PASSED=$((PASSED + ${p:-0}))
  FAILED=$((FAILED + ${f:-0} + ${e:-0}))
done

if [ "$RC" -ne 0 ] && [ "$FAILED" -eq 0 ]; then
  echo "dotnet test exited with $RC (build failure or test host crash)." >&2
fi
echo "$PASSED passed, $FAILED failed"
if [ "$RC" -ne 0 ] || [ "$FAILED" -ne 0 ]; then
  exit 1
fi
