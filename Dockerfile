# Multi-stage build: the release binary (Latin and emoji fonts and the migrations are compiled
# into it) on a small Debian runtime, run as an unprivileged user; the script fonts (41 MB,
# memory-mapped when a script is first drawn) beside it.
FROM rust:1.89-bookworm AS build
WORKDIR /src
# libjpeg-turbo encodes the photos; its static archive is linked in, so the runtime image needs
# no JPEG library.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libjpeg62-turbo-dev \
 && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cargo build --release --locked --bin bible-vibecoder

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/bible-vibecoder --create-home bot
COPY --from=build /src/target/release/bible-vibecoder /usr/local/bin/bible-vibecoder
COPY config /etc/bible-vibecoder
COPY assets/fonts/scripts /usr/share/bible-vibecoder/fonts
ENV BVC_CONFIG_DIR=/etc/bible-vibecoder \
    FONTS_DIR=/usr/share/bible-vibecoder/fonts \
    HTTP_ADDR=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///var/lib/bible-vibecoder/bible-vibecoder.db \
    LOG_FORMAT=json
USER bot
WORKDIR /var/lib/bible-vibecoder
EXPOSE 8080
# Liveness without the operator's token: the bare /health answers 200 {"status":"ok"}, and 503
# {"status":"failed", …} once a service escalated and the root supervisor gave up on it (until
# the process is replaced). Docker marks the container unhealthy but does not restart it (a
# restart policy acts only when the process exits); Kubernetes' livenessProbe (deploy/k8s/) does.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health >/dev/null || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["bible-vibecoder"]
CMD ["serve"]
