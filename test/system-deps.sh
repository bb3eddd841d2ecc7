#!/usr/bin/env sh
# The Debian packages the test suite drives for real (Chromium for pages, PDFs and thumbnails,
# poppler-utils to read PDFs back, Caddy for custom-domain TLS, qpdf to make
# the encrypted PDF the parser must refuse, a small CJK font so Chromium can print the Chinese
# a parser test reads back: without one it prints nothing for Han characters). Idempotent: installs only
# what is missing, so it costs nothing on a machine that has them. Never downloads a browser
# of its own: Chromium comes from Debian.
set -eu
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v pdftotext >/dev/null 2>&1 || need="$need poppler-utils"
command -v caddy >/dev/null 2>&1 || need="$need caddy"
command -v qpdf >/dev/null 2>&1 || need="$need qpdf"
fc-list :lang=zh 2>/dev/null | grep -q . || need="$need fonts-wqy-microhei"
[ -z "$need" ] && exit 0
echo "installing Debian packages:$need" >&2
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y --no-install-recommends $need >/dev/null 2>&1 || {
  $SUDO apt-get update >/dev/null && $SUDO apt-get install -y --no-install-recommends $need >/dev/null
}
