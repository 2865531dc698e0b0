# The reference webhook stack: one image for both services, the command picks which.
#   webhook (default):  node --import tsx stack/webhook/main.ts        (PORT 8801)
#   Freshdesk mock:     node --import tsx stack/freshdesk-mock/main.ts (PORT 8802)
# NODE_IMAGE may be any image with node >= 20.19 and npm at /usr/local/bin; this project's CI
# imports one from the machine's own node (scripts/ci/provision-docker.sh), which has no curl,
# so the health check uses node's fetch.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8801 \
    HEALTH_PATH=/webhook/health
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY stack ./stack
# Numeric, so it works in base images without /etc/passwd entries.
USER 1000:1000
EXPOSE 8801 8802
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + process.env.HEALTH_PATH, { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "stack/webhook/main.ts"]
