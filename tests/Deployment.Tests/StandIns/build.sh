#!/usr/bin/env bash
# Builds stand-ins for the base images that deploy/docker/Dockerfile and docker-compose.yml name, tagged
# with exactly those names, for a machine whose Docker daemon reaches no image registry: a Debian root
# filesystem from Debian's packages (debootstrap), this machine's .NET, PostgreSQL and RabbitMQ from
# Debian's packages behind entrypoints that honour the environment the official images document,
# Prometheus from Debian's packages, and the trace viewer from its NuGet package. The Dockerfile and the compose file stay exactly what a user
# with registry access runs.
#   build.sh          build the stand-ins that are missing
#   build.sh --again  build them all anew
# A tag that already names an image which is not a stand-in (a real, pulled image) is left alone.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
work="${SHOP_STAND_IN_DIR:-$root/.local/stand-ins}"
again=false; [ "${1:-}" = --again ] && again=true

debian=shop-stand-in/debian:bookworm
aspnet=mcr.microsoft.com/dotnet/aspnet:10.0
sdk=mcr.microsoft.com/dotnet/sdk:10.0
postgres=postgres:15
rabbitmq=rabbitmq:3.13-management
dashboard=mcr.microsoft.com/dotnet/aspire-dashboard:13.6
prometheus=prom/prometheus:v2.42.0
label=shop.stand-in

log() { printf '[stand-ins] %s\n' "$*" >&2; }
die() { printf '[stand-ins] error: %s\n' "$*" >&2; exit 1; }

# What a stand-in is built from: its directory's files. A stand-in built from other files is built anew.
recipe() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16); }

# wanted <tag> <recipe>: 0 to build it; 1 to keep what is there.
wanted() {
  local built
  built="$(docker image inspect --format "{{ index .Config.Labels \"$label\" }}" "$1" 2>/dev/null)" || return 0
  [ -n "$built" ] || { log "$1 is a real image here: kept"; return 1; }
  $again || [ "$built" != "$2" ]
}

build() { # build <tag> <directory> [extra context: -C dir path...]
  local tag="$1" dir="$2" made; shift 2
  made="$(recipe "$dir")"
  wanted "$tag" "$made" || return 0
  log "building $tag"
  tar -c --owner=0 --group=0 -C "$dir" . "$@" \
    | docker build --quiet --label "$label=$made" --tag "$tag" - >/dev/null
}

if wanted "$debian" debootstrap; then
  command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install debootstrap)"
  rootfs="$work/debian"
  rm -rf "$rootfs"; mkdir -p "$work"
  log "making a Debian bookworm root filesystem with debootstrap (about a minute)"
  debootstrap --variant=minbase --include=ca-certificates,libicu72,tzdata \
    bookworm "$rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || die "debootstrap failed; see $work/debootstrap.log"
  # This machine reaches the package registries through a proxy whose authorities it trusts; the
  # containers must trust them too, as an image built inside such a network would.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null
  fi
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -c -C "$rootfs" . | docker import --change "LABEL $label=debootstrap" --change 'CMD ["bash"]' - "$debian" >/dev/null
  rm -rf "$rootfs"
fi

dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
build "$aspnet" "$here/aspnet" -C "$dotnet_root/.." dotnet/dotnet dotnet/host dotnet/shared dotnet/LICENSE.txt
build "$sdk" "$here/sdk" -C "$dotnet_root/.." dotnet/sdk dotnet/sdk-manifests dotnet/packs dotnet/templates
build "$postgres" "$here/postgres"
build "$rabbitmq" "$here/rabbitmq"
build "$prometheus" "$here/prometheus"
viewer="$(ls -d "${NUGET_PACKAGES:-$HOME/.nuget/packages}"/aspire.dashboard.sdk.linux-x64/*/tools 2>/dev/null | sort -V | tail -n 1)"
[ -n "$viewer" ] || die "the trace viewer's package is not restored (dotnet restore tools/TraceViewer)"
build "$dashboard" "$here/aspire-dashboard" -C "$viewer/.." tools
log "ready: $aspnet, $sdk, $postgres, $rabbitmq, $prometheus, $dashboard"
