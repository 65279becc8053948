#!/usr/bin/env bash
# Rebuilds the Dockerfile's runtime layout without Docker, for machines that
# have none: the build context the .dockerignore lets in, the `deps` stage
# (production dependencies, one core-bridge platform), the `build` stage
# (npm run build) and the `runtime` stage's /app, under OUT (default
# /tmp/image-stages). Then, for example:
#   cd /tmp/image-stages/runtime && NODE_ENV=production AUTH_SECRET=... \
#     TEMPORAL_ADDRESS=... DATABASE_URL=... node dist/worker.js
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-/tmp/image-stages}
rm -rf "$out" && mkdir -p "$out/context" "$out/deps" "$out/build" "$out/runtime"

cd "$repo"
cp package.json package-lock.json tsconfig.json tsconfig.build.json "$out/context/"
cp -r src "$out/context/"

cd "$out/deps"
cp "$out/context/package.json" "$out/context/package-lock.json" .
npm ci --omit=dev --no-audit --no-fund --loglevel=error
find node_modules/@temporalio/core-bridge/releases -mindepth 1 -maxdepth 1 \
  ! -name "$(uname -m)-unknown-linux-gnu" -exec rm -rf {} +

cd "$out/build"
cp -r "$out/context/." .
npm ci --no-audit --no-fund --loglevel=error
npm run build --silent >/dev/null

cd "$out/runtime"
cp -r "$out/deps/node_modules" "$out/build/dist" "$out/context/package.json" .
du -sh node_modules dist
