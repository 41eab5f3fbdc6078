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

# Debian packages: Chromium (browser tests, and its SwiftShader Vulkan driver for WebGPU without a
# GPU), the Vulkan loader, and Fashion-MNIST in the idx format (found in /usr/share/datasets/fashion-mnist).
# Installed when missing, as root.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
ldconfig -p 2>/dev/null | grep -q libvulkan.so.1 || missing+=(libvulkan1)
[ -d /usr/share/datasets/fashion-mnist ] || missing+=(dataset-fashion-mnist)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "setup: installing ${missing[*]} from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || echo "setup: could not install ${missing[*]}"
fi

# Python's own safetensors library, so a test can read our weight files with it (the format test
# against an independent reader runs regardless). Optional: without it that one check is skipped.
if ! python3 -c 'import safetensors' 2>/dev/null; then
  python3 -m pip install --quiet --retries 0 --timeout 10 safetensors 2>/dev/null \
    || echo "setup: Python's safetensors library is unavailable; the interop test against it will be skipped"
fi
echo "setup: done. Run the tests with: pnpm test"
