#!/usr/bin/env bash
# Checks every publishable package as a registry would see it: publint (package.json and exports),
# arethetypeswrong (types resolve for ESM consumers; these packages are ESM-only), and `pnpm pack`
# (the tarball holds dist/ and README.md, and nothing from src/ or test/).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
for dir in packages/*/; do
  dir=${dir%/}
  [ -f "$dir/package.json" ] || continue
  name=$(node -p "require('./$dir/package.json').name")
  private=$(node -p "Boolean(require('./$dir/package.json').private)")
  [ "$private" = "true" ] && continue
  echo "== $name"
  (cd "$dir" && pnpm pack --pack-destination "$out" >/dev/null)
  tarball=$(ls -t "$out"/*.tgz | head -1)
  listing=$(tar -tzf "$tarball")
  if grep -E '^package/(src|test)/' <<<"$listing" >/dev/null; then
    echo "  pack: $tarball contains src/ or test/ files"; status=1
  fi
  for required in package/package.json package/dist/index.js package/dist/index.d.ts package/README.md; do
    grep -qx "$required" <<<"$listing" || { echo "  pack: $required missing from the tarball"; status=1; }
  done
  echo "  pack: $(wc -l <<<"$listing") files, $(du -k "$tarball" | cut -f1) KiB"
  (cd "$dir" && npx publint --strict --level suggestion | grep -v -e "^Running publint" -e "^Packing files" -e "^Linting" | sed "s/^/  publint: /") || status=1
  npx attw "$tarball" --profile esm-only --format ascii --quiet && echo "  attw: no problems" || { npx attw "$tarball" --profile esm-only --format ascii; status=1; }
done
exit $status
