#!/bin/bash
# First-start secrets of the compose deployment: makes every secret that was not given, keeps it,
# and hands each container only the files it needs.
#
# Runs as the `secrets` one-shot service of docker-compose.yml (as root, before postgres,
# rabbitmq, migrate and the services start), on every `docker compose up`:
#   - $store (the `secrets` volume, mounted by this step only) keeps one file per secret. A secret
#     given in the environment (compose passes .env's values) is written there and wins; a missing
#     one is made from 32 random bytes (openssl's CSPRNG, seeded by the kernel); a kept one stays.
#   - $out/<consumer>/ is one volume per consumer (postgres, rabbitmq, migrate, auth, procedures,
#     files, ai, work, nginx-tls). Each is filled with exactly that consumer's files and nothing
#     else, written whole (temporary file, then rename) and readable by that consumer's user only.
#   - the nginx-tls volume gets a self-signed chain for the names in GAMME_TLS_NAMES (a local CA
#     that a tablet can trust, and a server certificate it signs), made once and again only when
#     the names change; its SHA-256 fingerprints are printed, here and in nginx's log.
# Secret values are never printed.
#
# Settings (environment): GAMME_DB_PASSWORD, GAMME_DB_PASSWORD_{AUTH,PROCEDURES,FILES,AI,WORK},
# GAMME_AMQP_PASSWORD, GAMME_FILES_URL_SECRET, GAMME_AUDIT_KEY (given values);
# GAMME_DB_ROLES (`per-service`, the default: each service signs in as its own role gamme_<svc>,
# which the migrations create; `owner`: every service as the database owner `gamme`); GAMME_TLS_NAMES (names and
# addresses of the self-signed certificate, comma-separated, default `localhost`).
set -euo pipefail

store=${GAMME_SECRETS_STORE:-/var/lib/gamme-secrets}
out=${GAMME_SECRETS_OUT:-/run/gamme-secrets}
db_roles=${GAMME_DB_ROLES:-per-service}
tls_names=${GAMME_TLS_NAMES:-localhost}
# The users the consumers run as: Gamme's image, and nginx's (official and stand-in alike).
gamme_uid=10001
nginx_uid=101

umask 077

log() { printf 'gamme-secrets: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

[[ -d $store && -w $store ]] || die "$store (the secrets volume) is not a writable directory"
case $db_roles in owner | per-service) ;; *) die "GAMME_DB_ROLES is '$db_roles'; use owner or per-service" ;; esac

# secret NAME VARIABLE: the stored value of NAME after taking the given one or making one.
secret() {
    local name=$1 given=${!2:-} file=$store/$1
    if [[ -n $given ]]; then
        [[ -s $file && $(<"$file") == "$given" ]] || {
            printf '%s' "$given" >"$file.tmp"
            mv -f "$file.tmp" "$file"
            log "$name: taken from $2"
        }
    elif [[ ! -s $file ]]; then
        openssl rand -hex 32 | tr -d '\n' >"$file.tmp"
        mv -f "$file.tmp" "$file"
        log "$name: generated"
    fi
    cat "$file"
}

# put CONSUMER NAME OWNER MODE < content (never from a pipe: it records what it wrote): one file in a consumer's volume, replaced whole.
declare -A written=()
put() {
    local dir=$out/$1 name=$2 owner=$3 mode=$4 tmp
    [[ -d $dir ]] || die "$dir (the $1 secrets volume) is missing"
    tmp=$(mktemp "$dir/.new.XXXXXX")
    cat >"$tmp"
    # Mode first: once the file is another user's, root without CAP_FOWNER may not change it.
    chmod "$mode" "$tmp"
    chown "$owner" "$tmp"
    mv -f "$tmp" "$dir/$name"
    written["$1/$name"]=1
}

# Removes what a consumer's volume holds but should no longer (a secret moved elsewhere).
prune() {
    local consumer=$1 path
    for path in "$out/$consumer"/* "$out/$consumer"/.new.*; do
        [[ -e $path ]] || continue
        [[ -n ${written["$consumer/${path##*/}"]:-} ]] || rm -rf -- "$path"
    done
}

db_owner=$(secret db_owner_password GAMME_DB_PASSWORD)
amqp=$(secret amqp_password GAMME_AMQP_PASSWORD)
files_url=$(secret files_url_secret GAMME_FILES_URL_SECRET)
audit_key=$(secret audit_key GAMME_AUDIT_KEY)
declare -A role_password=(
    [auth]=$(secret db_password_auth GAMME_DB_PASSWORD_AUTH)
    [procedures]=$(secret db_password_procedures GAMME_DB_PASSWORD_PROCEDURES)
    [files]=$(secret db_password_files GAMME_DB_PASSWORD_FILES)
    [ai]=$(secret db_password_ai GAMME_DB_PASSWORD_AI)
    [work]=$(secret db_password_work GAMME_DB_PASSWORD_WORK)
)

# postgres and rabbitmq read their files before (postgres) or while (rabbitmq) they switch to
# their own users, whose uids differ between images; the volume is theirs alone.
put postgres db_owner_password 0:0 0444 < <(printf '%s' "$db_owner")
put rabbitmq amqp_password 0:0 0400 < <(printf '%s' "$amqp")

# Hex passwords need no escaping in a URL.
put migrate database_url "$gamme_uid:$gamme_uid" 0400 < <(printf 'postgres://gamme:%s@postgres:5432/gamme' "$db_owner")
# migrate never connects to the broker, but its configuration (service-kit's CommonConfig)
# requires a broker URL that production accepts.
put migrate amqp_url "$gamme_uid:$gamme_uid" 0400 < <(printf 'amqp://gamme:%s@rabbitmq:5672/%%2f' "$amqp")
for svc in auth procedures files ai work; do
    put migrate "db_password_$svc" "$gamme_uid:$gamme_uid" 0400 < <(printf '%s' "${role_password[$svc]}")
    if [[ $db_roles == per-service ]]; then
        url="postgres://gamme_$svc:${role_password[$svc]}@postgres:5432/gamme"
    else
        url="postgres://gamme:$db_owner@postgres:5432/gamme"
    fi
    put "$svc" database_url "$gamme_uid:$gamme_uid" 0400 < <(printf '%s' "$url")
    put "$svc" amqp_url "$gamme_uid:$gamme_uid" 0400 < <(printf 'amqp://gamme:%s@rabbitmq:5672/%%2f' "$amqp")
done
put files files_url_secret "$gamme_uid:$gamme_uid" 0400 < <(printf '%s' "$files_url")
put procedures audit_key "$gamme_uid:$gamme_uid" 0400 < <(printf '%s' "$audit_key")

# ---- the self-signed chain for HTTPS without a domain or a given certificate ------------------

tls=$out/nginx-tls
tls_store=$store/tls
mkdir -p "$tls_store"

san=""
IFS=',' read -r -a names <<<"$tls_names"
for name in "${names[@]}"; do
    name=${name//[[:space:]]/}
    [[ -n $name ]] || continue
    if [[ $name =~ ^[0-9.]+$ || $name == *:* ]]; then san+="IP:$name,"; else san+="DNS:$name,"; fi
done
san+="IP:127.0.0.1"
first=${names[0]//[[:space:]]/}

if [[ ! -s $tls_store/ca.key || ! -s $tls_store/ca.pem ]]; then
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 3650 \
        -subj "/O=Gamme/CN=Gamme local CA $(openssl rand -hex 4)" \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$tls_store/ca.key" -out "$tls_store/ca.pem" 2>/dev/null
    rm -f "$tls_store/server.pem"
    log "made a local certificate authority for the self-signed certificate"
fi
if [[ ! -s $tls_store/server.pem || $(cat "$tls_store/names" 2>/dev/null) != "$san" ]] ||
    ! openssl x509 -checkend 2592000 -noout -in "$tls_store/server.pem" >/dev/null; then
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
        -subj "/O=Gamme/CN=${first:-localhost}" \
        -keyout "$tls_store/server.key" -out "$tls_store/server.csr" 2>/dev/null
    # 825 days: the longest validity Apple devices accept for a server certificate.
    openssl x509 -req -sha256 -days 825 -in "$tls_store/server.csr" \
        -CA "$tls_store/ca.pem" -CAkey "$tls_store/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
        -extfile <(printf 'subjectAltName=%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' "$san") \
        -out "$tls_store/server.pem" 2>/dev/null
    rm -f "$tls_store/server.csr"
    printf '%s' "$san" >"$tls_store/names"
    log "made the self-signed server certificate for $san"
fi
fingerprint() { openssl x509 -noout -fingerprint -sha256 -in "$1" | cut -d= -f2; }
{
    echo "Gamme's self-signed HTTPS certificate ($san)"
    echo "  local CA (install it on a tablet to trust the server): SHA-256 $(fingerprint "$tls_store/ca.pem")"
    echo "  server certificate:                                     SHA-256 $(fingerprint "$tls_store/server.pem")"
} >"$tls_store/fingerprints.txt"
put nginx-tls fingerprints.txt "$nginx_uid:$nginx_uid" 0444 <"$tls_store/fingerprints.txt"
put nginx-tls server.pem "$nginx_uid:$nginx_uid" 0444 < <(cat "$tls_store/server.pem" "$tls_store/ca.pem")
put nginx-tls server.key "$nginx_uid:$nginx_uid" 0400 <"$tls_store/server.key"
put nginx-tls ca.pem "$nginx_uid:$nginx_uid" 0444 <"$tls_store/ca.pem"
while IFS= read -r line; do log "$line"; done <"$tls/fingerprints.txt"

for consumer in postgres rabbitmq migrate auth procedures files ai work nginx-tls; do
    prune "$consumer"
done
log "ready (database roles: $db_roles)"
