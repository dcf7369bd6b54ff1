#!/bin/sh
# Install the Debian packages pgmig needs to build, test and run its demo,
# skipping what is already there. Uses sudo when not root.
set -e
PKGS="build-essential pkg-config libpq-dev libpg-query-dev libprotobuf-c-dev libssl-dev
      postgresql postgresql-contrib postgresql-client jq"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "pgmig: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null 2>&1 || $SUDO apt-get update
# Debian's postgresql package creates and starts a system cluster; pgmig does
# not need it (it runs its own), so keep it from starting where we can.
if [ ! -e /usr/sbin/policy-rc.d ] && [ "$(id -u)" -eq 0 ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
