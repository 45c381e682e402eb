#!/usr/bin/env bash
# Runs ALL tests (every test project in Governance.sln, each starting its own in-memory Azurite) and prints
# a final line "N passed, N failed". Exit code is non-zero when anything failed or did not build.
set -uo pipefail
cd "$(dirname "$0")"

if ! node -e 'process.exit(require("./node_modules/azurite/package.json").version === "3.35.0" ? 0 : 1)' 2>/dev/null; then
  echo "Installing Azurite 3.35.0 (npm ci)..."
  npm ci --no-audit --no-fund || exit 1
fi

# The console's browser tests (tests/Console.Tests) drive Debian's chromium with its chromedriver and need CJK fonts
# to render Chinese; install them when missing (skipped when present; sudo only when not root and available).
# (fc-list with a pattern, not piped into grep -q: under pipefail a long font list would make the pipe fail.)
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 || [ -z "$(fc-list 'Noto Sans CJK SC' 2>/dev/null)" ]; then
  echo "Installing chromium, chromium-driver and fonts-noto-cjk (apt-get) for the browser tests..."
  SUDO=""
  # sudo -n: never wait for a password; env: sudo drops DEBIAN_FRONTEND; the lock timeout waits out a fresh VM's updates.
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq \
    && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null \
    || echo "Could not install the browser (apt-get failed): the console's browser tests will fail." >&2
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
