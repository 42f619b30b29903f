#!/usr/bin/env bash
# The main job: on a fresh clone, turn the sample job into a playable video on this machine.
# Installs what it needs, builds the command line, then `heygen-render render` starts the embedded
# defaults (Azurite on loopback, the HeyGen emulator in process, the Durable Task engine on Azurite), renders
# the job, leaves video.mp4 + result.json in the `renders` container and under ./out/<id>/, and
# stops what it started. Azurite keeps its data in .local/azurite (git-ignored), so a second run
# finds the same render (same idempotency key) and redoes nothing.
#
#   ./run.sh                         renders samples/avatar-video.json
#   ./run.sh path/to/job.json [assets…] [render options, e.g. --timeout 10m]
set -euo pipefail
root=$(cd "$(dirname "$0")" && pwd)
cd "$root"

eng/install-prerequisites.sh
eng/generate-sample-assets.sh

build=artifacts/run
dll=$build/bin/Cli/release/HeyGenRender.Cli.dll
# Even a no-op `dotnet build` takes 3-20 s (restore, evaluating five projects; more on a busy machine), so build
# only when something the command line is built from changed since the last build started: a file, or a folder
# (entries added or removed), newer than the stamp taken then.
stamp=$build/cli-build.stamp
inputs=(src/Cli src/Pipeline src/HeyGen.Client src/HeyGen.Emulator src/LocalAzurite src/LocalDurableTask src/Directory.Build.props
        Directory.Build.props Directory.Packages.props global.json eng/BannedSymbols.txt
        .editorconfig)
existing=()
for input in "${inputs[@]}"; do [ -e "$input" ] && existing+=("$input"); done
if [ ! -f "$dll" ] || [ ! -f "$stamp" ] || [ -n "$(find "${existing[@]}" \( -name bin -o -name obj \) -prune -o -newer "$stamp" -print -quit)" ]; then
  mkdir -p "$build" && touch "$stamp.next"
  dotnet build src/Cli/Cli.csproj -c Release --artifacts-path "$build" -nologo -v q -clp:"ErrorsOnly;NoSummary"
  mv "$stamp.next" "$stamp"
fi
cli=("dotnet" "$dll")

args=("$@")
if [ ${#args[@]} -eq 0 ]; then args=(samples/avatar-video.json); fi

mkdir -p .local/azurite
exec "${cli[@]}" render "${args[@]}" --azurite-data .local/azurite --out out
