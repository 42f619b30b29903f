#!/usr/bin/env bash
# Makes the sample jobs' media in samples/assets, once, with ffmpeg (a prerequisite): short, small and the same
# bytes every time on one ffmpeg (bit-exact flags, one thread, no metadata). Only the portrait and the deck are
# committed; the rest is generated so the repository stays small. Safe to run again: existing files are kept.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
assets=$root/samples/assets
command -v ffmpeg >/dev/null || { echo "sample assets: ffmpeg is required (eng/install-prerequisites.sh installs it)." >&2; exit 1; }

exact=(-threads 1 -fflags +bitexact -flags +bitexact -map_metadata -1)

make() { # make <file> <ffmpeg arguments…>: writes to a temporary name first, so a stopped run leaves no half file
  local target=$assets/$1; shift
  [ -s "$target" ] && return 0
  local partial=$assets/.partial-$(basename "$target")
  ffmpeg -hide_banner -loglevel error -nostdin "$@" "${exact[@]}" -y "$partial"
  mv "$partial" "$target"
  echo "sample assets: generated samples/assets/$(basename "$target") ($(stat -c %s "$target") bytes)."
}

# A presenter clip and an onboarding clip: 6 s of a test pattern with a tone, H.264/AAC, 640x360.
make presenter.mp4 -f lavfi -i "testsrc2=size=640x360:rate=25:duration=6" -f lavfi -i "sine=frequency=220:duration=6" \
  -c:v libx264 -preset veryfast -pix_fmt yuv420p -x264-params threads=1 -c:a aac -b:a 64k -shortest -f mp4
make onboarding.mp4 -f lavfi -i "smptebars=size=640x360:rate=25:duration=8" -f lavfi -i "sine=frequency=330:duration=8" \
  -c:v libx264 -preset veryfast -pix_fmt yuv420p -x264-params threads=1 -c:a aac -b:a 64k -shortest -f mp4
# A voice-over to lip-sync to: 5 s, MP3.
make voice-over.mp3 -f lavfi -i "sine=frequency=440:duration=5" -c:a libmp3lame -b:a 64k -f mp3
# A background image: 1280x720 gradient, PNG.
make launch-background.png -f lavfi -i "gradients=size=1280x720:c0=0x0b3d91:c1=0x37a7e0:seed=1:duration=1" -frames:v 1 -f image2 -c:v png
