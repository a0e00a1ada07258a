# One image for every Gatehouse service; the compose file picks the command. It runs the same entry points
# (`tsx src/server.ts`, `tsx server.ts`) that `pnpm start` and the tests run.
FROM node:20-bookworm-slim AS base
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true
RUN npm i -g pnpm@10.34.9 && apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app

FROM base AS build
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json .npmrc ./
COPY apps/bff/package.json apps/bff/
COPY apps/idp/package.json apps/idp/
COPY apps/spa/package.json apps/spa/
COPY apps/api/package.json apps/api/
COPY packages/shared/package.json packages/shared/
COPY packages/react/package.json packages/react/
COPY e2e/package.json e2e/
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm --filter @gatehouse/spa build

FROM base AS runtime
ENV NODE_ENV=production
COPY --from=build /app /app
USER node
