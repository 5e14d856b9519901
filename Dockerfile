# rdprobe in a container: the one-file build (dist/rdprobe.mjs) on Node.js slim, run as an unprivileged user.
#
#   docker build -t rdprobe .
#   docker run --rm rdprobe --version
#   docker run --rm rdprobe scan 10.20.0.0/24 -f ndjson > scan.ndjson
#
# The image holds Node.js and one file, nothing else of the build. Kubernetes: examples/k8s/indexed-job.yaml,
# docs/deploy.md.

# Build: install the build tools, compile and bundle (npm run bundle = tsc + scripts/bundle.mjs).
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied; esbuild's own binary comes with its
# platform package, its install script is not needed.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY protocol ./protocol
COPY src ./src
RUN npm run bundle

FROM node:20-slim
LABEL org.opencontainers.image.title="rdprobe" \
      org.opencontainers.image.description="Network-level RDP handshake prober" \
      org.opencontainers.image.licenses="MIT"
# Executable as bundled (scripts/bundle.mjs), with its #!/usr/bin/env node line.
COPY --from=build /src/dist/rdprobe.mjs /usr/local/lib/rdprobe/rdprobe.mjs
RUN ln -s /usr/local/lib/rdprobe/rdprobe.mjs /usr/local/bin/rdprobe
# The image's `node` user, by number so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
WORKDIR /home/node
ENTRYPOINT ["rdprobe"]
CMD ["--help"]
