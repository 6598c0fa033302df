#!/usr/bin/env bash
# What the browser tests need: Debian's Chromium (Playwright's own browser download does not work on these machines)
# and axe-core from npm. Installs them when missing (Chromium with apt when running as root).
set -u
if ! [ -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing chromium"
    (apt-get install -y --no-install-recommends chromium >/dev/null 2>&1) ||
      { apt-get update -qq >/dev/null 2>&1; apt-get install -y --no-install-recommends chromium >/dev/null; }
  else
    echo "browser tests need Chromium: sudo apt-get install chromium" >&2
  fi
fi
if ! [ -f node_modules/axe-core/axe.min.js ]; then
  if command -v npm >/dev/null; then
    npm ci --no-audit --no-fund --loglevel=error >/dev/null || echo "npm ci failed: accessibility tests will fail" >&2
  else
    echo "accessibility tests need npm (Node.js) to install axe-core" >&2
  fi
fi
exit 0
