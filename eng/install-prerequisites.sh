#!/usr/bin/env bash
# Installs what running and testing need beyond the .NET SDK, and says what it did:
#  - Azurite, the local Azure Storage, pinned in package.json / package-lock.json (npm ci);
#  - ffmpeg (the sample media; ffprobe checks that the videos the pipeline produces are playable) and tmux (a real
#    terminal for the progress display's tests) and chromium (the dashboard's browser tests), from apt.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# npm ci only when node_modules does not match package-lock.json: the stamp is the lock file npm ci installed from.
stamp=node_modules/.installed-from-package-lock.json
if [ ! -x node_modules/.bin/azurite-blob ] || ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
  command -v npm >/dev/null || { echo "prerequisites: npm is required to install Azurite (apt-get install nodejs npm)." >&2; exit 1; }
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  cp package-lock.json "$stamp"
  echo "prerequisites: installed Azurite $(node_modules/.bin/azurite-blob --version) from package-lock.json."
fi

# ffmpeg makes the sample media and checks the videos the pipeline produces; tmux gives the terminal tests a real terminal;
# chromium is the browser the dashboard's Playwright tests drive.
missing=()
command -v ffprobe >/dev/null || missing+=(ffmpeg)
command -v tmux >/dev/null || missing+=(tmux)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else sudo=""; fi
  if [ "$(id -u)" = 0 ] || [ -n "$sudo" ]; then
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    echo "prerequisites: installed ${missing[*]} from apt."
  else
    echo "prerequisites: ${missing[*]} missing and apt needs root: install them (apt-get install ${missing[*]})." >&2
  fi
fi
