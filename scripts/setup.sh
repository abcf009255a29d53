#!/usr/bin/env bash
# One set-up for `make run` and `make test`: system libraries, .venv, Python packages,
# compiled translations. Idempotent: a second run only checks and returns.
#   scripts/setup.sh          what the app needs (Pango and a CJK font for WeasyPrint)
#   scripts/setup.sh --test   and what the test suite needs (Chromium and its driver)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

PYTHON=${PYTHON:-python3}

# --- System packages (Debian names) -------------------------------------------
pkgs=(libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-zenhei)
[ "$want_test" = 1 ] && pkgs+=(chromium chromium-driver)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: please install these system packages (or their equivalents): ${missing[*]}" >&2
    echo "setup: WeasyPrint needs Pango and a CJK font; browser tests need Chromium and ChromeDriver." >&2
    exit 1
  elif [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo apt-get update -q >/dev/null
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing system packages: ${missing[*]}" >&2
    echo "setup: run as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# --- Python environment ---------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.lock | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
  echo "$want" > "$stamp"
fi

# Translations are committed compiled (.mo); rebuild only when a .po is newer.
for po in locale/*/LC_MESSAGES/*.po; do
  [ -f "$po" ] || continue
  mo="${po%.po}.mo"
  if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then
    (command -v msgfmt >/dev/null && msgfmt --check -o "$mo" "$po") || true
  fi
done
