#!/usr/bin/env bash
# Sets up a fresh clone: the pinned pnpm (corepack fails here, so npm installs it globally) and
# every workspace dependency from the lockfile. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
want=$(node -p "require('./package.json').packageManager.split('@')[1]")
have=$(pnpm --version 2>/dev/null || true)
if [ "$have" != "$want" ]; then
  echo "setup: installing pnpm $want (found: ${have:-none})"
  npm install --global --no-fund --no-audit "pnpm@$want"
fi
export TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile

# Debian packages: Fashion-MNIST in the idx format (the datasets loader finds it in
# /usr/share/datasets/fashion-mnist). Skipped when already installed or when not root.
if [ ! -d /usr/share/datasets/fashion-mnist ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null \
    || echo "setup: could not install dataset-fashion-mnist; Fashion-MNIST will be downloaded when first used"
fi

# Python's own safetensors library, so a test can read our weight files with it (the format test
# against an independent reader runs regardless). Optional: without it that one check is skipped.
if ! python3 -c 'import safetensors' 2>/dev/null; then
  python3 -m pip install --quiet --retries 0 --timeout 10 safetensors 2>/dev/null \
    || echo "setup: Python's safetensors library is unavailable; the interop test against it will be skipped"
fi
echo "setup: done. Run the tests with: pnpm test"
