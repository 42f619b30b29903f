#!/usr/bin/env bash
# Runs every benchmark against its baseline and writes bench/results/<date>-<name>.md.
#   bench/run.sh            full run (1 GiB transfers, 100 jobs; tens of minutes)
#   bench/run.sh --quick    smoke run, under a minute after the build; asserts nothing about timings
# Further options go to the harness: --only transfers,webhooks,orchestration  --reps N  --name NAME
set -euo pipefail
cd "$(dirname "$0")/.."

artifacts="${BENCH_ARTIFACTS:-/tmp/build-bench}"
[ -d node_modules/azurite ] || eng/install-prerequisites.sh
eng/generate-sample-assets.sh   # the samples' media, for the first-video part
if [ "${BENCH_NO_BUILD:-}" != 1 ]; then
  dotnet build bench/Benchmarks -c Release --artifacts-path "$artifacts" -nologo -clp:ErrorsOnly ${BENCH_BUILD_ARGS:-}
fi
exec "$artifacts/bin/Benchmarks/release/HeyGenRender.Benchmarks" run "$@"
