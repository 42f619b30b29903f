#!/usr/bin/env bash
# Checks the package feed for packages it may lack and says, one line each, what happens instead.
#  - System.IO.Hashing (needed by Azure.Storage.Blobs): when missing, packs the source-built stand-in
#    from eng/fallback/ into artifacts/fallback-feed, which eng/FallbackPackages.props adds as a source.
#  - The Azure Functions worker and Durable packages: when missing, src/Functions is not built.
#    Writes artifacts/functions-feed.txt ("available" or "missing") for the build scripts.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mkdir -p artifacts
probe_packages=$(mktemp -d)
trap 'rm -rf "$probe_packages"' EXIT

# A restore into an empty packages folder with no cache asks the feed itself, not what earlier runs left behind.
feed_has() {
  dotnet restore "$1" --packages "$probe_packages" --artifacts-path "$probe_packages/artifacts" --no-http-cache --force-evaluate -v q >"$probe_packages/restore.log" 2>&1
}

if feed_has eng/probes/System.IO.Hashing/Probe.csproj; then
  rm -rf artifacts/fallback-feed
  echo "packages: System.IO.Hashing comes from the package feed."
else
  if grep -qE 'NU110[12]' "$probe_packages/restore.log"; then
    dotnet pack eng/fallback/System.IO.Hashing/System.IO.Hashing.csproj -c Release -o artifacts/fallback-feed -v q -nologo >/dev/null
    echo "packages: System.IO.Hashing is not in the package feed; using the source-built stand-in from eng/fallback/System.IO.Hashing (6.0.0.1)."
  else
    cat "$probe_packages/restore.log" >&2
    echo "packages: could not ask the package feed about System.IO.Hashing (see above)." >&2
    exit 1
  fi
fi

if dotnet restore src/Functions/Functions.csproj --packages "$probe_packages" --artifacts-path "$probe_packages/artifacts" --no-http-cache --force-evaluate -v q >"$probe_packages/functions.log" 2>&1; then
  echo available > artifacts/functions-feed.txt
  echo "packages: the Azure Functions and Durable packages are in the feed; src/Functions is built."
elif grep -qE 'NU110[12]' "$probe_packages/functions.log"; then
  echo missing > artifacts/functions-feed.txt
  missing=$(grep -oE "Unable to find package [A-Za-z0-9.]+" "$probe_packages/functions.log" | sed -e "s/Unable to find package //" -e "s/\.$//" | sort -u | paste -sd, -)
  echo "packages: SKIPPING src/Functions: the package feed lacks the Azure Functions/Durable packages (${missing:-see restore log}); it builds wherever the full public feed is reachable."
else
  cat "$probe_packages/functions.log" >&2
  echo "packages: could not ask the package feed about the Azure Functions packages (see above)." >&2
  exit 1
fi
