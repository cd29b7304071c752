# One image for every Gamme binary (migrate, auth, procedures, files, ai-worker, work) and the
# first-start `gamme-secrets` step; compose picks one per service.
# Build context: the repository root. Needs BuildKit (RUN --mount).

FROM rust:1-bookworm AS build
WORKDIR /build
# Release binaries without debug info and stripped of symbols: a panic still names its
# message and location, and the binaries are a fraction of their unstripped size. Set here
# rather than in Cargo.toml so local release builds (benchmarks, profiling) keep their symbols.
ENV CARGO_PROFILE_RELEASE_DEBUG=false \
    CARGO_PROFILE_RELEASE_STRIP=symbols \
    CARGO_INCREMENTAL=0
# Only what cargo reads, so editing the web UI or the compose file does not rebuild Rust.
COPY Cargo.toml Cargo.lock ./
COPY crates/ crates/
COPY services/ services/
COPY migrations/ migrations/
COPY tests/ tests/
# The target dir lives in a cache mount (kept between builds, absent from the image): after a
# code change only Gamme's own crates are compiled again, the dependencies come from the cache.
# One binary, `gamme`, is every service and `gamme-migrate` (by the name it is called with):
# the runtime, web server and database and broker clients they share are shipped once, and
# linked once. It is copied out in the same step, deleted first: a binary that stopped
# building must fail here, not be shipped stale from the cache.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,id=gamme-release-target,target=/build/target \
    rm -f target/release/gamme \
    && cargo build --release --locked --package gamme \
    && mkdir -p /out \
    && cp target/release/gamme /out/

FROM debian:bookworm-slim
# libpq5 for Diesel; openssl for gamme-secrets (random secrets, the self-signed certificate).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates openssl \
    && rm -rf /var/lib/apt/lists/* /var/cache/debconf/*-old /var/log/apt/* /var/log/dpkg.log
# A fixed uid/gid so volume ownership is the same on every host; the files and audit folders are
# created here so a fresh named volume mounted on one inherits the owner.
RUN groupadd --system --gid 10001 gamme \
    && useradd --system --uid 10001 --gid gamme --home-dir /var/lib/gamme --shell /usr/sbin/nologin gamme \
    && mkdir -p /var/lib/gamme/files /var/lib/gamme/audit \
    && chown -R gamme:gamme /var/lib/gamme
COPY --from=build /out/gamme /usr/local/bin/gamme
# Each binary's name is a link to `gamme`, which is the binary it is called as.
RUN for bin in gamme-migrate gamme-auth gamme-procedures gamme-files gamme-ai-worker gamme-work; do \
        ln -s gamme "/usr/local/bin/$bin"; \
    done
COPY docker/gamme-secrets.sh /usr/local/bin/gamme-secrets
USER gamme
WORKDIR /var/lib/gamme
ENV GAMME_HTTP_ADDR=0.0.0.0:8080 \
    GAMME_LOG_FORMAT=json
EXPOSE 8080
