#!/usr/bin/env bash
# The test command (README): installs what the tests need, builds the whole solution, runs every
# test suite and ends with one summary line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"

eng/install-prerequisites.sh
eng/generate-sample-assets.sh

solution=HeyGenRender.slnx
dotnet build "$solution" -c Release -nologo -clp:ErrorsOnly
rm -rf artifacts/test-results
status=0
dotnet test "$solution" -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory artifacts/test-results "$@" || status=$?

eng/test-summary.sh artifacts/test-results
exit $status
