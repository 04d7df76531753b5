#!/usr/bin/env bash
# `npm run test:all`: every check the project has, in the order CI runs them. Needs `npm ci` first, the
# PostgreSQL, MariaDB and Redis services of this machine (.ci/run starts any that is down), and the npm registry
# (the first run provisions n8n 2.41.1 and 1.123.81 into .cache/, later runs reuse them).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache
log=.cache/test-all.log
: > "$log"
started_at=$(date +%s)
passed=0
failed=0
failed_stages=()

stage() {
	local name=$1
	shift
	printf '\n=== %s (%ss)\n' "$name" "$(( $(date +%s) - started_at ))" | tee -a "$log"
	if "$@" 2>&1 | tee -a "$log"; then return 0; fi
	failed_stages+=("$name")
	return 1
}

count_jest() {
	local results=.cache/jest-results.json
	[ -f "$results" ] || { failed=$((failed + 1)); return; }
	passed=$((passed + $(node -p "require('./$results').numPassedTests")))
	failed=$((failed + $(node -p "require('./$results').numFailedTests")))
}

# One pass/fail per stage that is not a test runner of its own.
count_stage() { if [ "$1" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi; }

stage "lint" npm run lint; count_stage $?
stage "workflow files lint (actionlint)" npm run lint:workflows; count_stage $?
stage "build" npm run build; count_stage $?
stage "typecheck" npm run typecheck; count_stage $?
rm -f .cache/jest-results.json
stage "unit and in-process tests (jest)" npm test -- --json --outputFile=.cache/jest-results.json
count_jest
stage "live check against the stand-in, rotating and long-lived refresh tokens, PUT replace and merge" npx tsx test/live/ci.ts; count_stage $?
e2e_from=$(wc -l < "$log")
stage "real n8n end to end (2.41.1 and 1.123.81)" npm run test:e2e
e2e_status=$?
e2e_ok=$(tail -n +"$e2e_from" "$log" | grep -cE '^e2e [0-9.]+ .*: (ok|skipped) ')
e2e_failed=$(tail -n +"$e2e_from" "$log" | grep -cE '^e2e [0-9.]+ .*: FAIL ')
passed=$((passed + e2e_ok))
failed=$((failed + e2e_failed))
if [ "$e2e_status" -ne 0 ] && [ "$e2e_failed" -eq 0 ]; then failed=$((failed + 1)); fi
stage "benchmark smoke run (no timing assertions)" npm run bench -- --smoke; count_stage $?
stage "demo, non-interactive" npm run demo -- --once; count_stage $?

printf '\n=== summary (%ss)\n' "$(( $(date +%s) - started_at ))"
if [ ${#failed_stages[@]} -gt 0 ]; then echo "failed stages: ${failed_stages[*]}"; fi
echo "tests: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ] && [ ${#failed_stages[@]} -eq 0 ]
