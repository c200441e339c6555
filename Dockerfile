# One image for both yixin processes: the API (default command) and the Temporal worker
# (docker-compose.yml overrides the command). Debian rather than Alpine: the Temporal core bridge
# ships prebuilt for glibc.

FROM node:20.20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles with node-gyp when no prebuilt binary matches.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps apps
COPY libs libs
COPY workflows workflows
# The web console is built here (its API types from the API's own document) and served by the API at /.
COPY test/support/register-ts.js test/support/register-ts.js
RUN npx tsc -p tsconfig.build.json && npm run build:console && npm prune --omit=dev

FROM node:20.20-bookworm-slim
ENV NODE_ENV=production
# V8's helper threads (garbage collection) sized to the cores, one fewer than there are, instead of
# node's fixed four: on a small machine they took the API's core (docs/performance.md, "The fifth round").
ENV NODE_OPTIONS=--v8-pool-size=0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# Only the sqlite store writes here; the scaled deployment uses kurrentdb or postgres.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
