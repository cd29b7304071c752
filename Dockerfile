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
# The binaries are copied out in the same step. They are deleted first: a binary that
# stopped building must fail here, not be shipped stale from the cache.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,id=gamme-release-target,target=/build/target \
    bins="gamme-migrate gamme-auth gamme-procedures gamme-files gamme-ai-worker gamme-work" \
    && for bin in $bins; do rm -f "target/release/$bin"; done \
    && cargo build --release --locked --bins \
    && mkdir -p /out \
    && for bin in $bins; do cp "target/release/$bin" /out/ || exit 1; done

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
COPY --from=build /out/ /usr/local/bin/
COPY docker/gamme-secrets.sh /usr/local/bin/gamme-secrets
USER gamme
WORKDIR /var/lib/gamme
ENV GAMME_HTTP_ADDR=0.0.0.0:8080 \
    GAMME_LOG_FORMAT=json
EXPOSE 8080
