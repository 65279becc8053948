# syntax=docker/dockerfile:1
# One image for both production processes; the command chooses:
#   API (default):  node dist/server.js
#   worker:         node dist/worker.js
# glibc (Debian slim), not Alpine: the Temporal SDK's native bridge does not
# run on musl. Node 26 is the active LTS line; its official images are Debian
# 13 (trixie) based.
ARG NODE_IMAGE=node:26-trixie-slim

# 1. dependencies: production node_modules only, from the lock file.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The Temporal core bridge ships native builds for five platforms (~28 MB
# each); keep only this image's own.
RUN npm ci --omit=dev --no-audit --no-fund \
  && npm cache clean --force \
  && find node_modules/@temporalio/core-bridge/releases -mindepth 1 -maxdepth 1 \
       ! -name "$(uname -m)-unknown-linux-gnu" -exec rm -rf {} +

# 2. build: all dependencies, compile to dist/ and write the prebuilt
#    workflow bundle (dist/workflow-bundle.js).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# 3. runtime: node, production dependencies, compiled code. No build tools,
#    no sources, no secrets (configuration comes from the environment).
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# Probes GET /healthz of the API; the worker service sets HEALTHCHECK_URL to
# its metrics endpoint (see docker-compose.yml).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "dist/tools/healthcheck.js"]
CMD ["node", "dist/server.js"]
