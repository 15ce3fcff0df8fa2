# syntax=docker/dockerfile:1
# The bot in a container: Node 24, run as the unprivileged `node` user, the data file in /data.
# test/deploy/container.test.ts runs these same lines on the machine (build, prune, start as a
# non-root user, this HEALTHCHECK) and fails when they stop working or drift from `npm start`.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: the image has Node 24 already (the `node` dev package would download another),
# and the project's `prepare` would build before the sources are here.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
# types/: the adaptivecards schema types the templating package's types refer to.
COPY types ./types
COPY bot ./bot
COPY store ./store
COPY i18n ./i18n
COPY views ./views
COPY render ./render
RUN npm run build
RUN npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-bookworm-slim
# HOST=0.0.0.0, or the published port reaches nothing: inside a container, loopback is the
# container's own. Without Teams credentials (local mode) the bot still answers /api/messages
# only to loopback callers, so give it MicrosoftAppId and the rest before exposing it.
ENV NODE_ENV=production \
    PORT=3978 \
    HOST=0.0.0.0 \
    DATA_FILE=/data/db.json
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3978
# Node itself asks: slim images have no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# What `npm start` runs, without npm in between (so SIGTERM reaches the bot, which then writes its snapshot).
CMD ["node", "--expose-gc", "dist/bot/start.js"]
