#!/usr/bin/env bash
# Screenshots a rendered book page with headless Chromium, to see how it reads.
#   scripts/screenshot-page.sh PAGE.html OUT.png [WIDTH]
# WIDTH is the window width in CSS pixels (default 1200); the height is HEIGHT (default 4000),
# from the environment. Needs the Debian package `chromium`.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 PAGE.html OUT.png [WIDTH]" >&2
  exit 64
fi
page=$1
out=$2
width=${3:-1200}
height=${HEIGHT:-4000}

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser=$(command -v "$candidate"); break; fi
done
if [ -z "$browser" ]; then
  echo "screenshot-page: Chromium is not installed; install it with: sudo apt-get install -y chromium" >&2
  exit 2
fi
if [ ! -f "$page" ]; then
  echo "screenshot-page: no such page: $page" >&2
  exit 1
fi
case $width$height in *[!0-9]*) echo "screenshot-page: WIDTH and HEIGHT must be whole numbers" >&2; exit 64;; esac

# Absolute paths: Chromium wants a file:// URL, and writes the screenshot relative to its own cwd.
absolute() { (cd "$(dirname -- "$1")" && printf '%s/%s' "$(pwd -P)" "$(basename -- "$1")"); }
page_path=$(absolute "$page")
mkdir -p -- "$(dirname -- "$out")"
out_path=$(absolute "$out")
# Percent-encode what a URL path cannot hold as is (spaces, quotes, #, ?, %).
url_path=$(printf '%s' "$page_path" | sed -e 's/%/%25/g' -e 's/ /%20/g' -e 's/"/%22/g' -e "s/'/%27/g" -e 's/#/%23/g' -e 's/?/%3F/g')

profile=$(mktemp -d)
trap 'rm -rf -- "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --screenshot="$out_path" --window-size="$width,$height" "file://$url_path" >/dev/null 2>&1 || {
  echo "screenshot-page: $browser failed on $page_path" >&2
  exit 1
}
if [ ! -s "$out_path" ]; then
  echo "screenshot-page: $browser wrote no screenshot to $out_path" >&2
  exit 1
fi
echo "$out_path"
