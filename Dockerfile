# The shop in production: the admin panel built by Next, the server bundled by esbuild (both `npm run build`),
# PostgreSQL from DATABASE_URL. The runtime image holds what the server runs: the bundles, the production
# dependencies (devDependencies pruned after the build) and the Next config; no sources, no test tools.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    MEDIA_DIR=/app/media
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json /app/next.config.mjs ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/.next ./.next
RUN mkdir -p /app/media && chown node:node /app/media
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# The V8 heap flags of `npm start` (package.json; see README "Memory"): tests/unit/startCommand.test.ts
# keeps these, the worker's command in docker-compose.yml and the scripts the same.
CMD ["node", "--max-semi-space-size=16", "--heap-growing-percent=50", "dist/server.mjs"]
