#!/usr/bin/env bash
# One-time, idempotent set-up of a Debian bookworm host: system packages, pnpm, node_modules.
# A second run makes no apt call when every package is already installed.
set -euo pipefail

APT_PACKAGES=(
	clang clang-format llvm libbpf-dev libelf-dev zlib1g-dev bpftool bpftrace chromium linux-perf
	pkg-config make g++ python3
	# Tests only: sys/sdt.h, for the USDT test program the custom-probe tests compile.
	systemtap-sdt-dev
	# Ground truth for the host figures tests (iostat, mpstat, sar, pidstat); the agent never shells out to it.
	sysstat
	# Tests only: promtool checks /metrics and the generated rules, and a real Prometheus scrapes test agents
	# (started by the test on a loopback port with its own data dir); the agent never needs it.
	prometheus
)
MIN_NODE_MAJOR=20
MIN_NODE_MINOR=17

# corepack's bundled signing keys lag pnpm releases; the sha512 in packageManager still pins the download.
export COREPACK_INTEGRITY_KEYS=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

is_installed() {
	[[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" == ii* ]]
}

install_apt_packages() {
	local missing=() pkg
	for pkg in "${APT_PACKAGES[@]}"; do
		is_installed "$pkg" || missing+=("$pkg")
	done
	if ((${#missing[@]} == 0)); then
		log "system packages: all ${#APT_PACKAGES[@]} present"
		return
	fi
	if ((EUID != 0)); then
		die "missing system packages: ${missing[*]}; run as root (e.g. sudo $0) so apt-get can install them"
	fi
	log "system packages: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
	# Installed for the tests, not to monitor this host: the package's own server (:9090) is not left running.
	if [[ " ${missing[*]} " == *" prometheus "* ]] && [[ -d /run/systemd/system ]]; then
		systemctl disable --now prometheus.service >/dev/null 2>&1 || true
	fi
}

check_node() {
	command -v node >/dev/null || die "node not found; install Node.js >= ${MIN_NODE_MAJOR}.${MIN_NODE_MINOR}"
	local version major minor
	version="$(node -p 'process.versions.node')"
	IFS=. read -r major minor _ <<<"$version"
	if ((major < MIN_NODE_MAJOR || (major == MIN_NODE_MAJOR && minor < MIN_NODE_MINOR))); then
		die "node $version is too old; bpfscope needs Node.js >= ${MIN_NODE_MAJOR}.${MIN_NODE_MINOR}"
	fi
	log "node $version"
}

enable_pnpm() {
	command -v corepack >/dev/null || die "corepack not found; it ships with Node.js >= ${MIN_NODE_MAJOR}.${MIN_NODE_MINOR}"
	if ! corepack enable 2>/dev/null; then
		# Non-root users cannot write corepack's shims next to node; an existing pnpm on PATH will do.
		command -v pnpm >/dev/null || die "corepack enable failed and pnpm is not on PATH; run as root once"
		log "corepack enable not permitted; using pnpm from PATH"
	fi
	log "pnpm $(cd "$repo_root" && pnpm --version)"
}

install_node_modules() {
	log "pnpm install --frozen-lockfile"
	# Quiet when it works (node-gyp is chatty); the whole log when it does not.
	local output
	output="$(mktemp)"
	if ! (cd "$repo_root" && pnpm install --frozen-lockfile) >"$output" 2>&1; then
		cat "$output" >&2
		rm -f "$output"
		die "pnpm install failed (its output is above)"
	fi
	rm -f "$output"
}

install_apt_packages
check_node
enable_pnpm
install_node_modules
log "done"
