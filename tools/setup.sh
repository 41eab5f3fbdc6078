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
echo "setup: done. Run the tests with: pnpm test"
