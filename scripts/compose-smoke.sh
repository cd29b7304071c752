#!/usr/bin/env bash
# Smoke-tests docker-compose.yml for real, as a fresh deployment: no .env, nothing given.
#
# Builds and starts the stack from empty volumes, then checks that HTTPS answers with a
# certificate that verifies (self-signed: against the local CA nginx offers on plain HTTP;
# --acme: issued by Debian's pebble ACME test server for a test domain resolved inside the
# compose network), that plain HTTP redirects to it and HTTPS sends HSTS, first-run setup and
# sign-in (with a Secure cookie), an upload and an AI draft through nginx, and that no
# container's environment nor the database holds a secret string found in the repository and
# none of those strings opens the database or the broker. Then scales the AI worker and tears
# everything down (`down -v`).
#
# Usage: scripts/compose-smoke.sh [--acme]
# Settings: GAMME_PORT (8080) and GAMME_HTTPS_PORT (8443) published on the host,
# GAMME_SMOKE_PROJECT (compose project name, gamme-smoke), GAMME_IMAGE_TAG (image tag, local),
# GAMME_SMOKE_BUILD=0 starts the images already built, GAMME_SMOKE_TIMEOUT (600 s to wait for
# the stack), GAMME_SMOKE_KEEP=1 leaves the stack running (and its volumes) for a look afterwards.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

acme=0
case ${1:-} in
    --acme) acme=1 ;;
    "") ;;
    *)
        echo "usage: $0 [--acme]" >&2
        exit 2
        ;;
esac

port=${GAMME_PORT:-8080}
https_port=${GAMME_HTTPS_PORT:-8443}
project=${GAMME_SMOKE_PROJECT:-gamme-smoke}
timeout=${GAMME_SMOKE_TIMEOUT:-600}
email=admin@example.com
password="correct horse battery"
workers=4
host=localhost
((acme == 0)) || host=gamme.test
base=https://$host:$https_port

# A fresh deployment: whatever this shell or a .env says about Gamme is not passed on.
for var in $(compgen -e); do
    case $var in
        GAMME_PORT | GAMME_HTTPS_PORT | GAMME_IMAGE_TAG | GAMME_SMOKE_*) ;;
        GAMME_*) unset "$var" ;;
    esac
done
export GAMME_PORT=$port GAMME_HTTPS_PORT=$https_port

work_dir=$(mktemp -d)
body_file=$work_dir/body
ca_file=$work_dir/ca.pem
: >"$work_dir/empty.env"
compose_files=(-f docker-compose.yml)
extra_files=""

if docker compose version >/dev/null 2>&1; then
    compose_cmd=(docker compose)
else
    compose_cmd=(docker-compose)
fi
compose() { "${compose_cmd[@]}" -p "$project" --env-file "$work_dir/empty.env" "${compose_files[@]}" "$@"; }

started=$SECONDS
step() { printf '\n==> [%4ds] %s\n' "$((SECONDS - started))" "$*"; }
fail() {
    printf '\nFAIL: %s\n' "$*" >&2
    exit 1
}

cleanup() {
    local rc=$?
    if ((rc != 0)); then
        printf '\n==> service status and logs\n' >&2
        compose ps >&2 || true
        compose logs --no-color --tail 50 >&2 || true
    fi
    if [[ ${GAMME_SMOKE_KEEP:-0} == 1 ]]; then
        printf '\n==> GAMME_SMOKE_KEEP=1: stack left running; remove it with: %s -p %s down -v\n' "${compose_cmd[*]}" "$project"
    else
        step "down -v"
        compose down -v --remove-orphans || true
    fi
    rm -rf "$work_dir"
    if ((rc == 0)); then
        printf '\nPASS in %ds\n' "$((SECONDS - started))"
    fi
    exit "$rc"
}
trap cleanup EXIT

# curl against the stack: the name resolves to this machine, the certificate is checked.
tls_curl() { curl --cacert "$ca_file" --resolve "$host:$https_port:127.0.0.1" "$@"; }

# Reads one top-level field of a JSON document on stdin.
json_field() {
    python3 -c 'import json, sys; v = json.load(sys.stdin).get(sys.argv[1]); print(json.dumps(v) if isinstance(v, bool) else (v if v is not None else ""))' "$1"
}

# request METHOD PATH [BODY] [extra curl args...]: sets $status and $body.
request() {
    local method=$1 path=$2 data=${3:-}
    shift 3 || shift $#
    local out args=(-sS -m 20 -o "$body_file" -w '%{http_code}' -X "$method" "$@")
    if [[ -n $data ]]; then
        args+=(-H 'Content-Type: application/json' --data "$data")
    fi
    out=$(tls_curl "${args[@]}" "$base$path") || out=000
    status=$out
    body=$(cat "$body_file")
    printf '    %s %s -> %s %s\n' "$method" "$path" "$status" "${body:0:200}"
}

expect_status() {
    [[ $status == "$1" ]] || fail "expected HTTP $1, got $status: $body"
}

if ((acme)); then
    step "pebble (Debian's ACME test server) in the compose network; gamme.test names nginx there"
    DOCKER_BUILDKIT=0 docker build -q --network host -t gamme-smoke-pebble:local - >/dev/null <<'DOCKERFILE'
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends pebble && rm -rf /var/lib/apt/lists/*
DOCKERFILE
    # Debian's package ships no certificate for pebble's own HTTPS: make one, for the name
    # "pebble", from a throwaway CA that lego is told to trust.
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=smoke pebble CA" \
        -addext "basicConstraints=critical,CA:TRUE" -keyout "$work_dir/pebble-ca.key" -out "$work_dir/pebble-ca.pem" 2>/dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=pebble" \
        -keyout "$work_dir/pebble.key" -out "$work_dir/pebble.csr" 2>/dev/null
    openssl x509 -req -days 2 -in "$work_dir/pebble.csr" -CA "$work_dir/pebble-ca.pem" -CAkey "$work_dir/pebble-ca.key" \
        -set_serial 1 -extfile <(printf 'subjectAltName=DNS:pebble,DNS:localhost,IP:127.0.0.1\n') \
        -out "$work_dir/pebble.pem" 2>/dev/null
    cat >"$work_dir/acme.yml" <<YAML
services:
  pebble:
    image: gamme-smoke-pebble:local
    command: ["pebble", "-config", "/etc/pebble.json"]
    environment:
      PEBBLE_VA_NOSLEEP: "1"
      PEBBLE_WFE_NONCEREJECT: "0"
    volumes:
      - $work_dir/pebble.json:/etc/pebble.json:ro
      - $work_dir/pebble.pem:/etc/pebble/cert.pem:ro
      - $work_dir/pebble.key:/etc/pebble/key.pem:ro
    ports:
      - "127.0.0.1::15000"
  nginx:
    environment:
      GAMME_DOMAIN: gamme.test
      GAMME_TLS_CHECK_SECS: "3"
    networks:
      default:
        aliases: [gamme.test]
  acme:
    environment:
      GAMME_DOMAIN: gamme.test
      GAMME_ACME_DIRECTORY: https://pebble:14000/dir
      GAMME_ACME_CA_CERTIFICATES: /etc/pebble-ca.pem
      GAMME_ACME_EMAIL: admin@gamme.test
    volumes:
      - $work_dir/pebble-ca.pem:/etc/pebble-ca.pem:ro
    depends_on:
      - pebble
YAML
    # Validation connects to gamme.test:8080, nginx's plain-HTTP port inside the network.
    cat >"$work_dir/pebble.json" <<'JSON'
{"pebble": {"listenAddress": "0.0.0.0:14000", "managementListenAddress": "0.0.0.0:15000",
 "certificate": "/etc/pebble/cert.pem", "privateKey": "/etc/pebble/key.pem",
 "httpPort": 8080, "tlsPort": 8443, "ocspResponderURL": "", "externalAccountBindingRequired": false}}
JSON
    chmod 644 "$work_dir"/*.pem "$work_dir"/*.key "$work_dir"/*.json
    compose_files+=(-f "$work_dir/acme.yml")
    extra_files=$work_dir/acme.yml
fi

step "up -d (compose file check first)"
compose config -q
build_started=$SECONDS
if [[ ${GAMME_SMOKE_BUILD:-1} == 1 ]]; then
    compose up -d --build
else
    compose up -d
fi
echo "    up returned after $((SECONDS - build_started))s"

deadline=$((SECONDS + timeout))
if ((acme)); then
    step "waiting (max ${timeout}s) for pebble's root certificate"
    pebble_port=$(compose port pebble 15000 | sed 's/.*://')
    until curl -fsSk -m 5 -o "$ca_file" "https://127.0.0.1:$pebble_port/roots/0" 2>/dev/null; do
        ((SECONDS < deadline)) || fail "pebble's management API did not answer"
        sleep 2
    done
    echo "    $(openssl x509 -noout -subject -in "$ca_file")"
else
    step "waiting (max ${timeout}s) for the local CA on http://127.0.0.1:$port/gamme-ca.crt"
    until curl -fsS -m 5 -o "$ca_file" "http://127.0.0.1:$port/gamme-ca.crt" 2>/dev/null &&
        openssl x509 -noout -in "$ca_file" 2>/dev/null; do
        ((SECONDS < deadline)) || fail "no CA certificate on http://127.0.0.1:$port/gamme-ca.crt within ${timeout}s"
        sleep 3
    done
    echo "    $(openssl x509 -noout -subject -fingerprint -sha256 -in "$ca_file")"
    fingerprint=$(openssl x509 -noout -fingerprint -sha256 -in "$ca_file" | cut -d= -f2)
    logs=$(compose logs --no-color nginx secrets)
    grep -qF "$fingerprint" <<<"$logs" ||
        fail "the CA fingerprint $fingerprint is not in the logs of nginx and secrets"
    echo "    its fingerprint is in the logs"
fi

step "waiting (max ${timeout}s) for GET $base/api/auth/setup, the certificate verified"
needed=""
while :; do
    # 3 s between polls keeps well under the login rate limit this endpoint shares.
    if body=$(tls_curl -fsS -m 5 "$base/api/auth/setup" 2>/dev/null) &&
        needed=$(json_field needed <<<"$body" 2>/dev/null) && [[ $needed == true || $needed == false ]]; then
        echo "    answered after $((SECONDS - build_started))s from up: $body"
        break
    fi
    ((SECONDS < deadline)) || fail "no JSON answer with a valid certificate from $base/api/auth/setup within ${timeout}s"
    sleep 3
done
echo "    certificate: $(openssl s_client -connect "127.0.0.1:$https_port" -servername "$host" </dev/null 2>/dev/null |
    openssl x509 -noout -subject -issuer -ext subjectAltName 2>/dev/null | tr '\n' ' ')"

step "plain HTTP redirects to HTTPS; HTTPS sends HSTS"
redirect=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "http://$host:$port/procedures?q=pompe" --resolve "$host:$port:127.0.0.1")
echo "    http://$host:$port/procedures?q=pompe -> $redirect"
[[ $redirect == "308 https://$host:$https_port/procedures?q=pompe" ]] || fail "plain HTTP answered: $redirect"
headers=$(tls_curl -sS -D - -o /dev/null "$base/")
grep -qi '^Strict-Transport-Security: max-age=' <<<"$headers" || fail "no HSTS header over HTTPS: $headers"
echo "    $(grep -i '^Strict-Transport-Security' <<<"$headers" | tr -d '\r')"

[[ $needed == true ]] || fail "a fresh deployment should ask for its first admin (setup needed=$needed)"
step "POST /api/auth/setup (first admin)"
request POST /api/auth/setup "{\"email\":\"$email\",\"password\":\"$password\",\"display_name\":\"Admin\"}"
expect_status 201

step "POST /api/auth/login"
request POST /api/auth/login "{\"email\":\"$email\",\"password\":\"$password\"}" -D "$work_dir/login-headers"
expect_status 200
cookie=$(grep -i '^Set-Cookie:' "$work_dir/login-headers" | tr -d '\r')
echo "    ${cookie%%=*}=… ${cookie#*;}"
grep -qi '; *Secure' <<<"$cookie" || fail "the refresh cookie is not Secure: $cookie"
token=$(json_field access_token <<<"$body")
[[ -n $token ]] || fail "login answered 200 without access_token"

step "GET /api/auth/me"
request GET /api/auth/me "" -H "Authorization: Bearer $token"
expect_status 200

step "security headers and request id through nginx"
headers=$(tls_curl -sS -D - -o /dev/null -H 'X-Request-Id: smoke-test-0001' "$base/")
for h in 'X-Request-Id: smoke-test-0001' 'X-Content-Type-Options: nosniff' 'X-Frame-Options: DENY' 'Content-Security-Policy:'; do
    grep -qi "^$h" <<<"$headers" || fail "missing header '$h' on /: $headers"
done
request GET /metrics
expect_status 404
echo "    ok"

step "upload a manual, download it through nginx, draft a procedure from it (offline assistant)"
manual=$(mktemp --suffix=.txt)
printf '%s\n' '# Consignation' 'DANGER : tension 400 V.' '1. Consigner la pompe.' \
    '2. Serrer les vis à 45–55 N·m.' >"$manual"
request POST /api/files "" -H "Authorization: Bearer $token" -F "files=@$manual;filename=manuel.txt"
rm -f "$manual"
expect_status 201
file_id=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["files"][0]["id"])' <<<"$body")
headers=$(tls_curl -sS -D - -o /dev/null -H "Authorization: Bearer $token" "$base/api/files/$file_id/content")
grep -qE '^HTTP/[0-9.]+ 200' <<<"$headers" || fail "download through nginx: $headers"
grep -qi '^X-Content-Type-Options: nosniff' <<<"$headers" || fail "download without nosniff: $headers"
request POST /api/ai/jobs "{\"kind\":\"draft_procedure\",\"file_ids\":[\"$file_id\"],\"language\":\"fr\"}" \
    -H "Authorization: Bearer $token"
expect_status 202
job_id=$(json_field id <<<"$body")
deadline=$((SECONDS + 120))
while :; do
    request GET "/api/ai/jobs/$job_id" "" -H "Authorization: Bearer $token"
    job_status=$(json_field status <<<"$body")
    [[ $job_status == succeeded ]] && break
    [[ $job_status == failed ]] && fail "the AI job failed: $body"
    ((SECONDS < deadline)) || fail "the AI job did not finish within 120 s"
    sleep 2
done
request POST /api/procedures "{\"code\":\"SMOKE-1\",\"title\":\"Pompe\",\"language\":\"fr\"}" \
    -H "Authorization: Bearer $token"
expect_status 201

step "no secret string from the repository in a container's environment or files, in the database, or opening anything"
# Development passwords, the files service's development link key, the placeholders of the docs.
mapfile -t repo_secrets < <(
    {
        grep -o 'DEVELOPMENT_PASSWORDS: &\[&str\] = &\[.*\]' crates/service-kit/src/config.rs | grep -o '"[^"]*"' | tr -d '"'
        grep -o 'DEVELOPMENT_URL_SECRET: &str = "[^"]*"' services/files/src/config.rs | sed 's/.*= "//; s/"$//'
        grep -rhoE 'change-me[a-z0-9-]*' .env.example README.md docs 2>/dev/null
    } | grep -v '^$' | sort -u
)
((${#repo_secrets[@]} >= 8)) || fail "found only ${#repo_secrets[@]} known secret strings in the repository: ${repo_secrets[*]}"
echo "    the repository's secret strings: ${repo_secrets[*]}"
# holds_secret NAME VALUE: whether a variable or file carries one of them: a long one anywhere,
# a short one (a common word such as "password") as a URL's password or as a secret's whole value.
holds_secret() {
    local name=$1 value=$2 known
    for known in "${repo_secrets[@]}"; do
        if ((${#known} >= 16)) && [[ $value == *"$known"* ]]; then return 0; fi
        if [[ $value == *":$known@"* ]]; then return 0; fi
        if [[ $value == "$known" && $name =~ (PASS|SECRET|KEY|TOKEN) ]]; then return 0; fi
    done
    return 1
}
mapfile -t containers < <(compose ps -q)
checked=0
for id in "${containers[@]}"; do
    name=$(docker inspect -f '{{.Name}}' "$id")
    while IFS= read -r entry; do
        [[ -n $entry ]] || continue
        holds_secret "${entry%%=*}" "${entry#*=}" && fail "$name's environment holds a secret from the repository: ${entry%%=*}"
        checked=$((checked + 1))
    done < <(docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}{{range .Config.Cmd}}{{println .}}{{end}}{{range .Config.Entrypoint}}{{println .}}{{end}}' "$id")
done
echo "    ${#containers[@]} containers, $checked environment entries and arguments: none holds one"
for svc in auth procedures files ai-worker work postgres rabbitmq; do
    while IFS= read -r file; do
        [[ -n $file ]] || continue
        value=$(compose exec -T "$svc" cat "$file" </dev/null)
        holds_secret SECRET "$value" && fail "$svc's $file holds a secret from the repository"
        ((${#value} >= 32)) || [[ $value == *://* ]] || fail "$svc's $file is short (${#value} characters)"
        echo "    $svc: $file (${#value} characters, generated)"
    done < <(compose exec -T "$svc" sh -c 'for f in /run/secrets/gamme/*; do [ -f "$f" ] && echo "$f"; done')
done
# The database: no long repository secret anywhere in a dump (data, roles' settings, functions);
# the short ones are common words, and the sign-ins below show none of them is a password.
dump=$(compose exec -T postgres pg_dump -U gamme -d gamme)
for known in "${repo_secrets[@]}"; do
    ((${#known} >= 16)) || continue
    grep -qF -- "$known" <<<"$dump" && fail "the database holds '$known'"
done
echo "    pg_dump ($(wc -c <<<"$dump") bytes): no repository secret in it"
# Sign-ins with every repository string are refused; the generated password is accepted. Over
# the container's network address: loopback inside the postgres container trusts everyone.
printf '%s\n' "${repo_secrets[@]}" | compose exec -T postgres sh -c '
    ok=0
    while IFS= read -r pw; do
        for user in gamme postgres gamme_auth gamme_procedures gamme_files gamme_ai gamme_work; do
            if PGPASSWORD=$pw PGCONNECT_TIMEOUT=5 psql -h postgres -U "$user" -d gamme -tAc "select 1" >/dev/null 2>&1; then
                echo "    postgres: $user signs in with a repository password" >&2; ok=1
            fi
        done
    done
    PGPASSWORD=$(cat /run/secrets/gamme/db_owner_password) psql -h postgres -U gamme -d gamme -tAc "select 1" >/dev/null ||
        { echo "    postgres: the generated owner password is refused" >&2; ok=1; }
    exit $ok' || fail "Postgres: see above"
echo "    postgres: every repository password refused (gamme, postgres, gamme_<svc>), the generated one accepted"
printf '%s\n' "${repo_secrets[@]}" | compose exec -T nginx sh -c '
    ok=0
    while IFS= read -r pw; do
        for user in gamme guest; do
            code=$(curl -s -o /dev/null -w "%{http_code}" -u "$user:$pw" http://rabbitmq:15672/api/whoami)
            [ "$code" = 401 ] || { echo "    rabbitmq: $user with a repository password answered $code" >&2; ok=1; }
        done
    done
    exit $ok' || fail "RabbitMQ: see above"
compose exec -T rabbitmq sh -c 'rabbitmqctl -q authenticate_user gamme "$(cat /run/secrets/gamme/amqp_password)"' >/dev/null ||
    fail "RabbitMQ refuses the generated password"
echo "    rabbitmq: every repository password refused (gamme, guest), the generated one accepted"

step "scripts/compose-scale-check.sh: $workers AI workers share /api/ai, recreated ones are found"
GAMME_SMOKE_PROJECT=$project GAMME_SCALE_WORKERS=$workers GAMME_COMPOSE_FILES="$extra_files" \
    GAMME_COMPOSE_ENV_FILE="$work_dir/empty.env" \
    "$repo/scripts/compose-scale-check.sh"

step "GET /api/auth/me again after scaling"
request GET /api/auth/me "" -H "Authorization: Bearer $token"
expect_status 200
