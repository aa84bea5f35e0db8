#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver for the browser tests (test/e2e), which drive
# /usr/bin/chromium through playwright-core. Needs root (CI runs as root); a no-op when present.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "chromium present: $(chromium --version 2>/dev/null || echo unknown)"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "install-chromium: run as root (sudo $0), or: apt-get install chromium chromium-driver" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
echo "installed: $(chromium --version)"
