#!/usr/bin/env bash
# The test command (README): installs what the tests need, builds everything this feed allows,
# runs every test suite and ends with one summary line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"

eng/install-prerequisites.sh
eng/restore-fallbacks.sh

# The whole solution where the feed has the Azure Functions packages; otherwise all but src/Functions.
solution=HeyGenRender.Core.slnf
if [ "$(cat artifacts/functions-feed.txt)" = available ]; then solution=HeyGenRender.slnx; fi

dotnet build "$solution" -c Release -nologo -clp:ErrorsOnly
rm -rf artifacts/test-results
status=0
dotnet test "$solution" -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory artifacts/test-results "$@" || status=$?

eng/test-summary.sh artifacts/test-results
exit $status
