#!/usr/bin/env bash
# Fails when src/payload-types.ts is not what `payload generate:types` makes of the config now (CI runs it):
# the types are generated into a temporary file and compared with the committed one.
set -euo pipefail
out=$(mktemp --suffix=.ts)
trap 'rm -f "$out"' EXIT
PAYLOAD_TS_OUTPUT_PATH="$out" npx payload generate:types >/dev/null
if ! cmp -s "$out" src/payload-types.ts; then
  diff -u src/payload-types.ts "$out" | head -40 || true
  echo "src/payload-types.ts is stale: run npm run generate:types and commit it." >&2
  exit 1
fi
