#!/usr/bin/env bash
# `npm test`: the type check and the lint side by side (each uses about one core), then the
# tests' own build and every suite in turn. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run check &
check=$!
npm run lint || { wait "$check" || true; exit 1; }
wait "$check"
npm run build:test
npm run test:unit
npm run test:integration
npm run test:hostile
npm run test:e2e
