#!/usr/bin/env bash
# Every test of the project, in order: type checks, plugin build and verify, unit and integration
# tests on SQLite, the integration tests again on PostgreSQL, then the admin panel in Chromium.
# Installs what is missing first (scripts/setup.sh). Set SKIP_POSTGRES=1 or SKIP_E2E=1 to leave a stage out while developing (CI never does).
set -euo pipefail
cd "$(dirname "$0")/.."
results=$(mktemp -d)

# The stages choose the database themselves; a TEST_DB they do not know is a typo, not SQLite.
case "${TEST_DB:-}" in
  "" | sqlite | postgres) ;;
  *) echo "TEST_DB must be sqlite or postgres, not \"$TEST_DB\"" >&2; exit 2 ;;
esac
left_out=()

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Setup"
bash scripts/setup.sh

step "Type checks (server, admin)"
npm run -s typecheck

step "Plugin build and verify"
npx strapi-plugin build
npx strapi-plugin verify

status=0
run_jest() { # name, jest args...
  local name=$1; shift
  npx jest "$@" --json --outputFile="$results/$name.json" || status=1
}

step "Unit and integration tests on SQLite"
TEST_DB=sqlite run_jest sqlite --selectProjects unit integration

if [ "${SKIP_POSTGRES:-}" != 1 ]; then
  step "Integration tests on PostgreSQL"
  bash scripts/postgres.sh start
  TEST_DB=postgres run_jest postgres --selectProjects integration multi-instance
else
  left_out+=("PostgreSQL (SKIP_POSTGRES=1)")
fi

if [ "${SKIP_E2E:-}" != 1 ]; then
  step "Admin panel build and browser tests (headless Chromium)"
  npm run -s build:playground
  run_jest e2e --selectProjects e2e
else
  left_out+=("browser tests (SKIP_E2E=1)")
fi

# One closing line for the whole run, summed over every jest run above.
node -e '
  const fs = require("fs"), path = require("path");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of fs.readdirSync(process.argv[1])) {
    const r = JSON.parse(fs.readFileSync(path.join(process.argv[1], f), "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
    skipped += r.numPendingTests + r.numTodoTests;
  }
  const leftOut = process.argv.slice(2);
  console.log(`\n${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : "") +
    (leftOut.length ? `; left out: ${leftOut.join(", ")}` : ""));
  if (failed > 0 || skipped > 0 || passed === 0) process.exit(1);
' "$results" "${left_out[@]}" || status=1
exit $status
