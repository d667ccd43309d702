# Keiko LRS production image. With MONGODB_URI (docker-compose.yml) the data is in MongoDB;
# without, in SQLite under DATA_DIR (mount a volume there). `keiko` is on PATH (docs/cli.md):
#   docker compose exec lrs keiko credentials list
FROM node:24-bookworm-slim AS build
# better-sqlite3 compiles from source where its prebuilt binary cannot be downloaded.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# `npm ci` runs the package's prepare script, which compiles src/ into dist/: the sources first.
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY scripts/copy-assets.js scripts/build-vc-bundles.js ./scripts/
COPY src ./src
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY package.json ./
COPY openapi ./openapi
# Without src/ here, bin/keiko.js runs dist/ as built (no staleness check, no compiler).
RUN ln -s /app/bin/keiko.js /usr/local/bin/keiko && ln -s /app/bin/keiko-verify.js /usr/local/bin/keiko-verify \
  && mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["keiko", "start"]
