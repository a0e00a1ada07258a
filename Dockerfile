# One image for every Gatehouse service, built in stages; the compose file picks the service (working_dir) and
# runs `node dist-server/server.mjs` there. Nothing compiles at run time: `pnpm build` (tsdown) bundles each
# service's TypeScript into one ES module, and the runtime stage holds that, the SPA's static build and each
# service's production dependencies (`pnpm deploy --prod`) — no tsx, no TypeScript, no compiler toolchain.

FROM node:20-bookworm-slim AS build
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true
# python3, make and g++ build better-sqlite3's native module; they stay in this stage.
RUN npm i -g pnpm@10.34.9 && apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json .npmrc ./
COPY apps/bff/package.json apps/bff/
COPY apps/idp/package.json apps/idp/
COPY apps/spa/package.json apps/spa/
COPY apps/api/package.json apps/api/
COPY packages/shared/package.json packages/shared/
COPY packages/react/package.json packages/react/
COPY e2e/package.json e2e/
COPY bench/package.json bench/
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm build
# Per service: its production dependencies only, in a self-contained directory, then only what runs is kept:
# package.json, node_modules and the build (the SPA's static files too); the TypeScript sources are dropped.
RUN for app in bff idp api spa; do \
      pnpm --filter "@gatehouse/$app" deploy --prod --legacy "/tmp/deploy/$app" \
      && mkdir -p "/out/$app" \
      && mv "/tmp/deploy/$app/package.json" "/tmp/deploy/$app/node_modules" "/out/$app/" \
      && cp -r "apps/$app/dist-server" "/out/$app/dist-server"; \
    done \
    && cp -r apps/spa/dist /out/spa/dist \
    && ! find /out -maxdepth 4 -path '*/node_modules/.pnpm/*' \( -name 'typescript@*' -o -name 'tsx@*' -o -name 'esbuild@*' \) | grep .

FROM node:20-bookworm-slim AS runtime
# tini is PID 1: it forwards SIGTERM to node (graceful shutdown) and reaps zombies.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /out /app
USER node
WORKDIR /app/bff
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "dist-server/server.mjs"]
