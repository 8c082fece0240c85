# syntax=docker/dockerfile:1
# One Dockerfile, three small runtime images: `--target receiver`, `--target worker`,
# `--target archiver`, `--target admin`
# (docker-compose.yml builds each). The build stage compiles the workspace with pnpm + turbo, then `pnpm deploy
# --prod` copies one app with its production dependencies only (workspace packages included) into /out/<app>.
# Each app folder also gets sbom.cdx.json, the CycloneDX SBOM of its production dependencies (from the lockfile,
# `pnpm sbom`), so every image carries its own at /app/sbom.cdx.json.
# The runtime stages hold Node 24 and that folder, run as the unprivileged `node` user, and start
# `node dist/main.js` in exec form so SIGTERM from `docker stop` reaches Node (graceful shutdown), not a shell.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION=12.21.0
ENV CI=1 TURBO_TELEMETRY_DISABLED=1
RUN npm install --global "pnpm@${PNPM_VERSION}"
WORKDIR /src
# Dependencies first, so a source change does not refetch them.
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json .npmrc ./
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline
RUN pnpm exec turbo run build \
      --filter=@ripio-webhooks/receiver... --filter=@ripio-webhooks/worker... --filter=@ripio-webhooks/archiver... \
      --filter=@ripio-webhooks/admin...
RUN for app in receiver worker archiver admin; do \
      pnpm --filter "@ripio-webhooks/${app}" deploy --prod "/out/${app}" || exit 1; \
      node scripts/sbom.mjs --app "${app}" --out "/out/${app}/sbom.cdx.json" || exit 1; \
    done

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY deploy/docker/healthcheck.mjs /opt/ripio/healthcheck.mjs
# Files stay owned by root (read-only for the app); the process runs as `node` (uid 1000).
USER node
STOPSIGNAL SIGTERM

FROM runtime AS receiver
COPY --from=build /out/receiver /app
EXPOSE 8080 9092
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "/opt/ripio/healthcheck.mjs", "receiver"]
CMD ["node", "dist/main.js"]

FROM runtime AS worker
COPY --from=build /out/worker /app
EXPOSE 9091
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "/opt/ripio/healthcheck.mjs", "worker"]
CMD ["node", "dist/main.js"]

FROM runtime AS archiver
COPY --from=build /out/archiver /app
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "/opt/ripio/healthcheck.mjs", "archiver"]
CMD ["node", "dist/main.js"]

FROM runtime AS admin
COPY --from=build /out/admin /app
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "/opt/ripio/healthcheck.mjs", "admin"]
CMD ["node", "dist/main.js"]
