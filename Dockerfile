# cvgen API image. Node runs the TypeScript sources itself (it strips the types; there is no
# build step and no loader), so `npm ci --omit=dev` installs all that runs.

FROM node:24-bookworm-slim
# Exports: Debian's Chromium, driven by playwright-core (which never downloads a browser), and
# poppler's pdftotext for the ATS check of printed resumes. Without them the app still runs and
# export requests answer 503. The emoji and CJK fonts (WenQuanYi Micro Hei, 5 MB) let a resume
# in Chinese or with emoji print as written instead of as empty boxes.
RUN apt-get update \
  && apt-get install -y --no-install-recommends chromium poppler-utils fonts-noto-color-emoji fonts-wqy-microhei \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# argon2 loads a prebuilt binary: the probe fails the build if the binding cannot load.
# Optional dependencies stay: they carry the embedded PostgreSQL for this platform (used only
# when DATABASE_URL is unset), whose postinstall package.json's allowScripts permits.
RUN npm ci --omit=dev --no-audit --no-fund \
  && node -e "import('argon2').then((a) => a.hash('probe'))" \
  && npm cache clean --force
# Sources stay root-owned (the app cannot rewrite itself); .dockerignore limits the context
# to the manifests, config/ kernel/ plugins/ migrations/ prompts/ themes/ and samples/.
COPY . .

# DATA_DIR must be writable by the unprivileged user and private to it (uploads, secrets and,
# with no DATABASE_URL, the embedded database); a fresh named volume mounted here takes this
# ownership and mode.
RUN mkdir -p /data && chown node:node /data && chmod 0700 /data

ENV HOST=0.0.0.0 DATA_DIR=/data
USER node
EXPOSE 3000

# No curl in slim images: Node's fetch does the probe.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Exec form, and node itself rather than npm (a parent process), so SIGTERM reaches the
# process whose close-with-grace handler drains requests and closes the queue and database.
# The flags are package.json's start script's (test/compose.test.ts keeps them equal): V8 sizes
# its young generation by the machine's memory (128 MB on a 24 GB host), 16 MB semi-spaces
# keep an idle API near 225 MB of RSS instead of 320 (docs/benchmarks.md).
CMD ["node", "--max-semi-space-size=16", "kernel/server.ts"]
