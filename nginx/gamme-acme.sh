#!/bin/bash
# Obtains and renews the HTTPS certificate of GAMME_DOMAIN with lego (the compose `acme` service).
#
# HTTP-01: lego writes the challenge into /var/www/acme, which nginx serves on port 80/8080 at
# /.well-known/acme-challenge/; the certificate lands in /var/lib/gamme-acme/certificates,
# where nginx's TLS hook finds it within a minute and reloads. Then it checks twice a day
# and renews 30 days before expiry. Without GAMME_DOMAIN it exits at once: HTTPS is then a
# mounted or the self-signed certificate.
#
# Settings: GAMME_DOMAIN (comma-separated names; the first names the certificate),
# GAMME_ACME_EMAIL (account contact, optional), GAMME_ACME_DIRECTORY (default Let's Encrypt),
# GAMME_ACME_CA_CERTIFICATES (a CA bundle the ACME server's own certificate is checked
# against, for a private or test ACME server), GAMME_ACME_RENEW_DAYS (30),
# GAMME_ACME_CHECK_SECS (43200).
set -euo pipefail

log() { printf 'gamme-acme: %s\n' "$*" >&2; }

if [[ -z ${GAMME_DOMAIN:-} ]]; then
    log "GAMME_DOMAIN is not set: no ACME certificate (nginx uses a mounted or the self-signed one)"
    exit 0
fi

directory=${GAMME_ACME_DIRECTORY:-https://acme-v02.api.letsencrypt.org/directory}
path=/var/lib/gamme-acme
webroot=/var/www/acme
args=(--accept-tos --path "$path" --server "$directory" --http --http.webroot "$webroot")
[[ -z ${GAMME_ACME_EMAIL:-} ]] || args+=(--email "$GAMME_ACME_EMAIL")
IFS=', ' read -r -a domains <<<"$GAMME_DOMAIN"
for domain in "${domains[@]}"; do
    [[ -z $domain ]] || args+=(--domains "$domain")
done
[[ -z ${GAMME_ACME_CA_CERTIFICATES:-} ]] || export LEGO_CA_CERTIFICATES=$GAMME_ACME_CA_CERTIFICATES

cert=$path/certificates/${domains[0]}.crt
until [[ -s $cert ]]; do
    log "asking $directory for a certificate for ${domains[*]}"
    if lego "${args[@]}" run; then
        log "obtained $cert"
        break
    fi
    # Rate limits at Let's Encrypt are per hour: never hammer it.
    log "failed; trying again in 5 minutes (is ${domains[0]} pointing at this server, port 80 open?)"
    sleep 300
done

while :; do
    sleep "${GAMME_ACME_CHECK_SECS:-43200}"
    lego "${args[@]}" renew --days "${GAMME_ACME_RENEW_DAYS:-30}" ||
        log "renewal failed; trying again in ${GAMME_ACME_CHECK_SECS:-43200} s"
done
