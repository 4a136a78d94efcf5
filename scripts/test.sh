#!/usr/bin/env bash
# Runs every test. On a fresh machine it first installs what the tests need:
# Chromium (browser tests), poppler-utils (PDF checks), aiosmtpd (real SMTP server),
# and the independent DuckDB reader (npm @duckdb/node-api) under tools/duckdb-check.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || need+=(python3-aiosmtpd)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -d tools/duckdb-check/node_modules/@duckdb/node-api ]; then
  (cd tools/duckdb-check && npm install --no-audit --no-fund --loglevel=error)
fi

dotnet tool restore >/dev/null 2>&1 || true

export RISKOPS_TEST_ARTIFACTS="${RISKOPS_TEST_ARTIFACTS:-$PWD/test-artifacts}"
mkdir -p "$RISKOPS_TEST_ARTIFACTS"
log="$RISKOPS_TEST_ARTIFACTS/dotnet-test.log"
set +e
# Build in parallel, then run the test projects one after another (-m:1): on a 2-core runner, two heavy test
# processes at once (a browser-driving E2E run beside the web tests' servers) starved each other into timeouts.
dotnet build RiskOps.Analytics.sln -c Release 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -eq 0 ]; then
  dotnet test RiskOps.Analytics.sln -c Release --no-build -m:1 2>&1 | tee -a "$log"
  rc=${PIPESTATUS[0]}
fi
set -e
passed=$(grep -E '^(Passed!|Failed!) ' "$log" | sed -E 's/.*Passed: +([0-9]+).*/\1/' | awk '{s+=$1} END {print s+0}')
failed=$(grep -E '^(Passed!|Failed!) ' "$log" | sed -E 's/.*Failed: +([0-9]+).*/\1/' | awk '{s+=$1} END {print s+0}')
skipped=$(grep -E '^(Passed!|Failed!) ' "$log" | sed -E 's/.*Skipped: +([0-9]+).*/\1/' | awk '{s+=$1} END {print s+0}')
echo "Total: $passed passed, $failed failed, $skipped skipped"
exit $rc
