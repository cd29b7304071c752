# The ACME client of the compose file (service `acme`): Debian's lego, with Gamme's renewal loop.
# Build context: the repository root (docker build -f nginx/acme.Dockerfile .).
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends lego ca-certificates \
    && rm -rf /var/lib/apt/lists/* /var/cache/debconf/*-old /var/log/apt/* /var/log/dpkg.log
# Fresh named volumes take these directories' owner: nginx's uid, which lego runs as.
RUN install -d -o 101 -g 101 /var/lib/gamme-acme /var/www/acme
COPY nginx/gamme-acme.sh /usr/local/bin/gamme-acme
# nginx's uid, so nginx can read the certificates lego writes (compose sets the same user).
USER 101:101
ENTRYPOINT ["gamme-acme"]
