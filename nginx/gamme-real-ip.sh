#!/bin/bash
# Believes X-Forwarded-For only from the proxies in GAMME_TRUSTED_PROXIES (docker-entrypoint.d hook).
#
# GAMME_TRUSTED_PROXIES: addresses or CIDR ranges, comma- or space-separated, of the load
# balancers or proxies in front of Gamme. Unset, nginx takes the connection's address as the
# client's, so nobody can choose their own address (sign-in limits are per address).
set -euo pipefail

conf=/etc/nginx/conf.d/gamme-real-ip.conf
rm -f "$conf"
[[ -n ${GAMME_TRUSTED_PROXIES:-} ]] || exit 0
{
    echo "# From GAMME_TRUSTED_PROXIES, written at start by docker-entrypoint.d/20-gamme-real-ip.sh."
    for proxy in ${GAMME_TRUSTED_PROXIES//,/ }; do
        [[ $proxy =~ ^[0-9A-Fa-f:.]+(/[0-9]+)?$ ]] || {
            echo "gamme-real-ip: '$proxy' in GAMME_TRUSTED_PROXIES is not an address or CIDR range" >&2
            exit 1
        }
        echo "set_real_ip_from $proxy;"
    done
    echo "real_ip_header X-Forwarded-For;"
    echo "real_ip_recursive on;"
} >"$conf"
echo "gamme-real-ip: client addresses from X-Forwarded-For when sent by ${GAMME_TRUSTED_PROXIES}" >&2
