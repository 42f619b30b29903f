#!/usr/bin/env bash
# Adds up the counters of every .trx file under $1 and prints "N passed, N failed, N skipped".
# A run whose test host crashed reports only the tests that finished, all passed, under an outcome of Failed:
# each such run counts as one failure, and is named, so the line never reads green over a crash.
set -euo pipefail
passed=0 failed=0 skipped=0
shopt -s nullglob globstar
for trx in "$1"/**/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failures=$(($(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  outcome=$(grep -o '<ResultSummary outcome="[A-Za-z]*"' "$trx" | head -n1 | grep -o '"[A-Za-z]*"' | tr -d '"' || true)
  if [ "$failures" -eq 0 ] && [ -n "$outcome" ] && [ "$outcome" != "Completed" ] && [ "$outcome" != "Passed" ]; then
    reason=$(grep -o 'Test host process crashed[^&<]*' "$trx" | head -n1 || true)
    echo "run aborted ($outcome): $trx${reason:+: $reason}" >&2
    failures=1
  fi
  failed=$((failed + failures))
  skipped=$((skipped + $(get notExecuted)))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
