#!/usr/bin/env bash
# `pnpm test`: builds and type-checks every package, checks them as published packages (publint,
# arethetypeswrong, pack) and the browser bundle size, runs every vitest project (unit tests and
# the conformance suite per backend), then the conformance CLI on the built packages as a user
# would run it. vitest's JSON report goes to reports/vitest.json for .ci/run's closing line.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1
mkdir -p reports
echo "== build and typecheck"
pnpm exec turbo run build typecheck --output-logs=errors-only
echo "== package checks"
bash tools/check-packages.sh
echo "== bundle size"
pnpm size
echo "== tests"
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json
echo "== conformance (built packages)"
node packages/conformance/dist/cli.js --backend all | tail -n 12
echo "== browser demo end to end (headless Chromium)"
pnpm --filter @tensorkit/app-mnist-web e2e --no-build
