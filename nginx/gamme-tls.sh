#!/bin/bash
# Chooses nginx's certificate, prints what it chose, and follows changes (docker-entrypoint.d hook).
#
# In order: a certificate and key mounted at /etc/gamme/tls/given/ (GAMME_TLS_CERT and
# GAMME_TLS_KEY in compose; empty files stand for "none"); with GAMME_DOMAIN, lego's certificate
# for it once obtained (the self-signed one until then); else the self-signed chain the secrets
# step made. The choice becomes links in /run/gamme-tls, which tls.conf names. A background loop
# looks again every GAMME_TLS_CHECK_SECS (60) seconds and reloads nginx when the chosen
# certificate changed: an ACME certificate arriving or being renewed, a mounted one replaced.
set -euo pipefail

links=/run/gamme-tls
given=/etc/gamme/tls/given
self_signed=/etc/gamme/tls/self-signed
acme=/var/lib/gamme-acme/certificates
interval=${GAMME_TLS_CHECK_SECS:-60}

log() { printf 'gamme-tls: %s\n' "$*" >&2; }

# Prints "<source> <cert> <key>" for the certificate to use now.
choose() {
    if [[ -s $given/cert.pem && -s $given/key.pem ]]; then
        echo "given $given/cert.pem $given/key.pem"
    elif [[ -n ${GAMME_DOMAIN:-} && -s $acme/$GAMME_DOMAIN.crt && -s $acme/$GAMME_DOMAIN.key ]]; then
        echo "acme $acme/$GAMME_DOMAIN.crt $acme/$GAMME_DOMAIN.key"
    else
        echo "self-signed $self_signed/server.pem $self_signed/server.key"
    fi
}

# The state that, when it changes, needs a reload: the choice and the certificate's bytes.
state() { echo "$1 $(cksum <"$2")"; }

link() {
    local source=$1 cert=$2 key=$3
    [[ -s $cert && -s $key ]] || {
        log "no certificate at $cert (did the secrets step run?)"
        return 1
    }
    mkdir -p "$links"
    ln -sfn "$cert" "$links/cert.pem"
    ln -sfn "$key" "$links/key.pem"
    if [[ $source == self-signed && -s $self_signed/fingerprints.txt ]]; then
        while IFS= read -r line; do log "$line"; done <"$self_signed/fingerprints.txt"
        log "a device trusts it once it installs http://<this server>:<http port>/gamme-ca.crt (docs/deploy.md)"
    else
        log "using the $source certificate: $(openssl x509 -noout -subject -enddate -fingerprint -sha256 -in "$cert" 2>/dev/null | tr '\n' ' ')"
    fi
    [[ $source != self-signed || -z ${GAMME_DOMAIN:-} ]] ||
        log "waiting for the ACME certificate of $GAMME_DOMAIN; self-signed until it arrives"
}

read -r source cert key < <(choose)
link "$source" "$cert" "$key"
current=$(state "$source" "$cert")

watch() {
    local source cert key now
    while sleep "$interval"; do
        read -r source cert key < <(choose)
        now=$(state "$source" "$cert" 2>/dev/null) || continue
        [[ $now != "$current" ]] || continue
        link "$source" "$cert" "$key" || continue
        if nginx -t -q 2>/dev/null && nginx -s reload; then
            log "reloaded nginx with the $source certificate"
            current=$now
        fi
    done
}
# Outlives this hook: the entrypoint execs nginx, which inherits it as a child.
watch </dev/null &
disown
