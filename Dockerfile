# syntax=docker/dockerfile:1
# IzyBoost: Node 24 runs the TypeScript sources directly (type stripping), so there is no build step;
# the first stage only installs the production dependencies (sharp brings its own prebuilt binary).
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/require-node.cjs scripts/require-node.cjs
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=8000 \
    HOST=0.0.0.0 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY migrations ./migrations
COPY themes ./themes
COPY public ./public
# DATA_DIR holds uploads (and the database file with embedded SQLite): a volume, owned by the unprivileged user.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 8000
STOPSIGNAL SIGTERM
# Alive = the process answers; readiness (/readyz: database and Redis) is the proxy's and compose's business.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "src/main.ts"]
