# syntax=docker/dockerfile:1
#
# OPAL Force Sync: the console and the server bundle are built with every
# dependency; the image that runs holds production dependencies, the build's
# dist/, the migrations and package.json only (scripts/production-install.test.ts
# follows the runtime stage's steps, so what it copies here is what it tests).
#
# Node 24: the newest LTS line the project supports and tests (package.json
# engines; 20 reached end of life on 2026-04-30). bookworm-slim: the Debian
# the CI machines run (glibc builds of esbuild and the other native packages),
# without a compiler or curl.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# npm's cache in a build cache, never in a layer of the image.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund
# Applied at start-up by the runtime migrator (server/paths.ts: migrationsFolder).
COPY drizzle ./drizzle
COPY --from=build /app/dist ./dist
# The code stays root's; only the PGlite data folder is the server's to write
# (unused when DATABASE_URL is set).
RUN mkdir /data && chown node:node /data
ENV DATA_DIR=/data HOST=0.0.0.0 PORT=3000
USER node
EXPOSE 3000
# Liveness only: a database outage must not get the container restarted. Slim
# images have no curl, so Node's fetch asks.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health/live').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
# Node itself as PID 1 (not npm), so SIGTERM reaches the server's drain; the
# semi-space size is npm start's (see README "Performance").
CMD ["node", "--max-semi-space-size=32", "dist/server/main.js"]
