#!/usr/bin/env bash
# Provision a Docker engine, Compose v2 and an offline Node base image on a Debian machine
# that has no Docker engine and no image registry access (this project's CI).
#
#   scripts/ci/provision-docker.sh                 # logs on stderr, env exports on stdout
#   eval "$(scripts/ci/provision-docker.sh)"       # provision and take the env in one go
#   . /tmp/docker-ci.env                           # or source the env file it writes
#
# Idempotent: every step checks first and is skipped when already done, so a second run
# takes about a second. Stop the daemon it starts with: kill "$(cat /var/run/docker.pid)"
#
# Settings (environment):
#   NODE_IMAGE            tag of the base image built by `docker import`
#                         (default webhook-perf/node:20-local; the Dockerfile's NODE_IMAGE build arg)
#   NODE_IMAGE_REBUILD=1  re-import the base image even if it is up to date
#   DOCKERD_LOG           daemon log file (default /tmp/dockerd.log)
#   DOCKERD_WAIT_SECONDS  how long to wait for `docker info` (default 60)
#   COMPOSE_SUITE         Debian suite that provides Compose v2 (default trixie)
#   DOCKER_CI_ENV_FILE    where the env for the test run is written (default /tmp/docker-ci.env)
set -Eeuo pipefail # -E: the ERR trap also reports failures inside functions

NODE_IMAGE="${NODE_IMAGE:-webhook-perf/node:20-local}"
DOCKERD_LOG="${DOCKERD_LOG:-/tmp/dockerd.log}"
DOCKERD_WAIT_SECONDS="${DOCKERD_WAIT_SECONDS:-60}"
COMPOSE_SUITE="${COMPOSE_SUITE:-trixie}"
DOCKER_CI_ENV_FILE="${DOCKER_CI_ENV_FILE:-/tmp/docker-ci.env}"
DOCKER_SOCKET=/var/run/docker.sock
PLUGIN_DIR=/usr/local/lib/docker/cli-plugins # searched by every docker CLI (/usr/bin and /usr/local/bin)
# Small tools copied into the base image next to node/npm so Dockerfile RUN lines can use them.
IMAGE_TOOLS=(env mkdir rm cp mv ln ls cat chmod chown)
# Bump when the image recipe below changes, so existing machines re-import the image.
IMAGE_RECIPE=2

# stdout carries only the final `export` lines (for eval); everything else goes to stderr.
exec 3>&1 1>&2

# shellcheck source=scripts/ci/detach.sh
. "$(dirname "${BASH_SOURCE[0]}")/detach.sh"

START_SECONDS=$SECONDS
log() { printf '[provision-docker %3ds] %s\n' "$((SECONDS - START_SECONDS))" "$*"; }
die() { printf '[provision-docker] ERROR: %s\n' "$*"; exit 1; }
trap 'die "failed at line $LINENO (exit $?): $BASH_COMMAND"' ERR

if [[ $EUID -ne 0 ]]; then
  command -v sudo >/dev/null || die "must run as root (installs packages, starts dockerd); sudo is not available"
  log "not root: re-running under sudo"
  exec sudo -n --preserve-env=NODE_IMAGE,NODE_IMAGE_REBUILD,DOCKERD_LOG,DOCKERD_WAIT_SECONDS,COMPOSE_SUITE,DOCKER_CI_ENV_FILE "$0" "$@" >&3
fi
[[ $DOCKERD_WAIT_SECONDS =~ ^[1-9][0-9]*$ ]] ||
  die "DOCKERD_WAIT_SECONDS='$DOCKERD_WAIT_SECONDS' is not a positive integer (e.g. DOCKERD_WAIT_SECONDS=60)"

WORK_DIR="$(mktemp -d /tmp/provision-docker.XXXXXX)"
chmod 0755 "$WORK_DIR" # apt's unprivileged _apt user downloads into it
trap 'rm -rf "$WORK_DIR"' EXIT

APT_UPDATED=0
apt_update_once() {
  if [[ $APT_UPDATED -eq 0 ]]; then
    log "apt-get update"
    apt-get update -qq
    APT_UPDATED=1
  fi
}

# ---------------------------------------------------------------- 1. Docker engine
install_docker_engine() {
  if command -v dockerd >/dev/null; then
    log "docker engine: present ($(command -v dockerd))"
    return
  fi
  log "docker engine: installing Debian's docker.io"
  apt_update_once
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends docker.io
  command -v dockerd >/dev/null || die "docker.io installed but dockerd is still not on PATH"
}

# ---------------------------------------------------------------- 2. Compose v2
compose_version_of() { # prints the compose version answered by the given docker client, or nothing
  "$1" compose version --short 2>/dev/null || true
}

is_v2() { [[ $1 =~ ^v?2\. ]]; }

# The Debian mirror this machine already uses for its own release (no host is written in the repo).
debian_mirror() {
  local codename
  codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  [[ -n $codename ]] || die "cannot read VERSION_CODENAME from /etc/os-release"
  apt-get indextargets --no-release-info --format '$(REPO_URI)' \
    "Release: $codename" 'Component: main' 'Identifier: Packages' 'Target-Of: deb' | awk 'NR == 1'
}

install_compose_v2() {
  local docker_bin version
  docker_bin="$(command -v docker)" || die "no docker client on PATH after installing docker.io"
  version="$(compose_version_of "$docker_bin")"
  if is_v2 "$version"; then
    log "compose: v2 present ($version via $docker_bin)"
    return
  fi
  log "compose: '${version:-none}' is not v2; fetching the $COMPOSE_SUITE docker-compose package"

  local mirror keyring apt_dir deb plugin
  mirror="$(debian_mirror)"
  [[ -n $mirror ]] || die "no Debian mirror for this release found in the apt sources (/etc/apt/sources.list*)"
  log "compose: mirror from the machine's apt sources: $mirror"
  # A throw-away apt configuration: the machine's sources, lists and default release stay untouched.
  apt_dir="$WORK_DIR/apt"
  mkdir -p "$apt_dir/sources.d" "$apt_dir/lists/partial" "$apt_dir/debs"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  if [[ -f $keyring ]]; then
    echo "deb [signed-by=$keyring] $mirror $COMPOSE_SUITE main" >"$apt_dir/sources.list"
  else
    echo "deb $mirror $COMPOSE_SUITE main" >"$apt_dir/sources.list"
  fi
  local apt_opts=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list"
    -o "Dir::Etc::SourceParts=$apt_dir/sources.d"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
  )
  apt-get "${apt_opts[@]}" update -qq
  chown _apt "$apt_dir/debs" 2>/dev/null || true
  (cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" download -qq docker-compose)
  deb="$(find "$apt_dir/debs" -name 'docker-compose_*.deb' | awk 'NR == 1')"
  [[ -n $deb ]] || die "apt-get download docker-compose from $COMPOSE_SUITE produced no .deb"
  log "compose: extracting $(basename "$deb")"
  dpkg-deb -x "$deb" "$apt_dir/root"
  plugin="$(find "$apt_dir/root" -path '*cli-plugins/docker-compose' \( -type f -o -type l \) | awk 'NR == 1')"
  [[ -n $plugin ]] || die "no cli-plugins/docker-compose binary inside $(basename "$deb")"
  install -D -m 0755 "$(readlink -f "$plugin")" "$PLUGIN_DIR/docker-compose"
  rm -rf "$apt_dir" # the temporary source and its lists go with it

  local client ok=0
  for client in /usr/local/bin/docker /usr/bin/docker; do
    [[ -x $client ]] || continue
    version="$(compose_version_of "$client")"
    if is_v2 "$version"; then
      log "compose: $client compose -> $version"
      ok=1
    else
      log "compose: WARNING $client compose answers '${version:-nothing}'"
    fi
  done
  is_v2 "$(compose_version_of "$docker_bin")" || die "installed $PLUGIN_DIR/docker-compose but '$docker_bin compose version' does not answer v2"
  [[ $ok -eq 1 ]]
}

# ---------------------------------------------------------------- 3. Docker daemon
start_dockerd() {
  if docker info >/dev/null 2>&1; then
    log "dockerd: already answering"
    return
  fi
  # A daemon killed without cleanup (as at the end of a session) leaves its pid file, and dockerd
  # refuses to start while that pid looks alive; a zombie still answers kill -0, so read its state.
  local pidfile=/var/run/docker.pid old
  if [[ -f $pidfile ]]; then
    old=$(cat "$pidfile")
    # Stale unless a live (non-zombie) dockerd holds that pid: after a restart it may be another program's.
    if ! [[ -r /proc/$old/stat ]] || [[ $(awk '{print $3}' "/proc/$old/stat") == Z ]] || [[ $(cat "/proc/$old/comm" 2>/dev/null) != dockerd ]]; then
      log "dockerd: removing the stale pid file of a daemon that is gone (pid $old)"
      rm -f "$pidfile"
    fi
  fi
  log "dockerd: starting 'dockerd --iptables=false --bridge=none' (log: $DOCKERD_LOG)"
  # Detached (detach.sh): the daemon outlives this script and holds none of its fds, fd 3 (the
  # caller's stdout, read by `eval "$(...)"`) above all.
  start_detached "$DOCKERD_LOG" dockerd --iptables=false --bridge=none
  local pid=$DETACHED_PID waited=0
  until docker info >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$DOCKERD_LOG" || true
      die "dockerd exited during start-up; see $DOCKERD_LOG"
    fi
    if ((waited >= DOCKERD_WAIT_SECONDS)); then
      tail -n 20 "$DOCKERD_LOG" || true
      die "dockerd did not answer 'docker info' within ${DOCKERD_WAIT_SECONDS}s; see $DOCKERD_LOG (raise DOCKERD_WAIT_SECONDS?)"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "dockerd: answering after ~${waited}s (pid $pid)"
}

# ---------------------------------------------------------------- 4. Base image
image_env() { # prints the value of an ENV variable of an image, or nothing
  docker image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$1" 2>/dev/null |
    sed -n "s/^$2=//p"
}

copy_into() { # copy_into ROOTFS PATH...: copy files keeping their absolute path, following symlinks
  local rootfs="$1" p
  shift
  for p in "$@"; do cp -L --parents "$p" "$rootfs/"; done
}

shared_libs_of() { # the shared libraries and dynamic loader `ldd` lists for the given binaries
  local bin
  for bin in "$@"; do
    ldd "$bin" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' || true
  done | sort -u
}

build_base_image() {
  local node_bin npm_dir node_version npm_version
  node_bin="$(readlink -f "$(command -v node)")" || die "no node on PATH to build the base image from"
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")" || die "no npm on PATH"
  [[ -f $npm_dir/package.json ]] || die "npm package directory not found (looked at $npm_dir)"
  node_version="$("$node_bin" --version)"
  npm_version="$("$node_bin" -p "require('$npm_dir/package.json').version")"

  if [[ ${NODE_IMAGE_REBUILD:-0} != 1 &&
        "$(image_env "$NODE_IMAGE" NODE_VERSION)" == "$node_version" &&
        "$(image_env "$NODE_IMAGE" NPM_VERSION)" == "$npm_version" &&
        "$(image_env "$NODE_IMAGE" BASE_IMAGE_RECIPE)" == "$IMAGE_RECIPE" ]]; then
    log "base image: $NODE_IMAGE is up to date (node $node_version, npm $npm_version, recipe $IMAGE_RECIPE)"
    return
  fi
  log "base image: building $NODE_IMAGE from $node_bin ($node_version) and npm $npm_version"

  local rootfs="$WORK_DIR/rootfs" tools=() tool sh_bin ca_bundle
  mkdir -p "$rootfs"/{usr/local/bin,usr/local/lib/node_modules,bin,etc/ssl/certs,tmp,root,home/node,app}
  # node and npm laid out as in the official node images
  cp "$node_bin" "$rootfs/usr/local/bin/node"
  cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  # /bin/sh for RUN lines and npm scripts, plus a few tools (`env` runs npm's `#!/usr/bin/env node`)
  sh_bin="$(readlink -f /bin/sh)"
  for tool in "${IMAGE_TOOLS[@]}"; do
    tools+=("$(readlink -f "$(command -v "$tool")")") || die "tool '$tool' for the base image not found on this machine"
  done
  copy_into "$rootfs" "$sh_bin" "${tools[@]}"
  [[ $sh_bin == /bin/sh ]] || ln -sf "$sh_bin" "$rootfs/bin/sh"
  [[ -e $rootfs/usr/bin/env ]] || { mkdir -p "$rootfs/usr/bin"; ln -s "$(readlink -f "$(command -v env)")" "$rootfs/usr/bin/env"; }
  # shellcheck disable=SC2046
  copy_into "$rootfs" $(shared_libs_of "$node_bin" "$sh_bin" "${tools[@]}")
  # a minimal /etc: users (node = uid 1000 as in the official images), name resolution, CA bundle
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'node:x:1000:1000:node:/home/node:/bin/sh' \
    'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$rootfs/etc/passwd"
  printf '%s\n' 'root:x:0:' 'node:x:1000:' 'nogroup:x:65534:' >"$rootfs/etc/group"
  printf '%s\n' '127.0.0.1 localhost' '::1 localhost ip6-localhost ip6-loopback' >"$rootfs/etc/hosts"
  printf '%s\n' 'passwd: files' 'group: files' 'hosts: files dns' >"$rootfs/etc/nsswitch.conf"
  ca_bundle=/etc/ssl/certs/ca-certificates.crt
  [[ -f $ca_bundle ]] || die "CA bundle $ca_bundle missing (apt-get install ca-certificates); npm needs it in the image"
  cp -L "$ca_bundle" "$rootfs/etc/ssl/certs/ca-certificates.crt"
  chmod 1777 "$rootfs/tmp"
  chmod 0700 "$rootfs/root"
  chown 1000:1000 "$rootfs/home/node" "$rootfs/app"

  # the image must run: check the copied node resolves its libraries inside the new root
  chroot "$rootfs" /usr/local/bin/node -e 'process.exit(0)' ||
    die "node does not start inside the assembled root $rootfs (missing shared library?)"

  local old_id
  old_id="$(docker image inspect --format '{{.Id}}' "$NODE_IMAGE" 2>/dev/null || true)"
  tar -C "$rootfs" --numeric-owner -cf - . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=$node_version" \
    --change "ENV NPM_VERSION=$npm_version" \
    --change "ENV BASE_IMAGE_RECIPE=$IMAGE_RECIPE" \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'ENV NPM_CONFIG_UPDATE_NOTIFIER=false' \
    --change 'ENV NPM_CONFIG_FUND=false' \
    --change 'WORKDIR /app' \
    --change 'CMD ["node"]' \
    - "$NODE_IMAGE" >/dev/null
  docker run --rm --network none "$NODE_IMAGE" node -e 'console.log("node", process.version, "runs in the image")' ||
    die "the imported image $NODE_IMAGE does not run node"
  if [[ -n $old_id && $old_id != "$(docker image inspect --format '{{.Id}}' "$NODE_IMAGE")" ]]; then
    docker image rm "$old_id" >/dev/null 2>&1 || log "base image: previous image $old_id still in use; left in place"
  fi
  log "base image: $NODE_IMAGE imported ($(docker image inspect --format '{{.Size}}' "$NODE_IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
}

# ---------------------------------------------------------------- 5. Summary and env
write_env() {
  # Ryuk's image cannot be pulled here; a caller's explicit choice wins.
  local ryuk="${TESTCONTAINERS_RYUK_DISABLED:-true}"
  {
    echo "export DOCKER_HOST=unix://$DOCKER_SOCKET"
    echo "export TESTCONTAINERS_RYUK_DISABLED=$ryuk"
    # The daemon is local; without this, testcontainers on a machine that has /.dockerenv
    # looks up the "bridge" network's gateway, which --bridge=none removes, and fails.
    echo "export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1"
    echo "export NODE_IMAGE=$NODE_IMAGE"
  } >"$DOCKER_CI_ENV_FILE"
  log "summary: $(docker version --format 'docker client {{.Client.Version}}, engine {{.Server.Version}}')"
  log "summary: compose $(docker compose version --short)"
  log "summary: base image $NODE_IMAGE (build arg NODE_IMAGE)"
  log "summary: networks: $(docker network ls --format '{{.Name}}/{{.Driver}}' | tr '\n' ' ')"
  log "summary: env written to $DOCKER_CI_ENV_FILE; use it with: . $DOCKER_CI_ENV_FILE"
  log "summary: stop the daemon with: kill \"\$(cat /var/run/docker.pid)\""
  cat "$DOCKER_CI_ENV_FILE" >&3
}

install_docker_engine
install_compose_v2
start_dockerd
build_base_image
write_env
log "done"
