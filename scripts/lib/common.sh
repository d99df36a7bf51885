# Shared by the scripts in scripts/: repository paths, Debian dependencies, the release binary, topology lookups.
# Sourced, not run.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEFAULT_TOPOLOGY="$ROOT/cluster/local.json"

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Debian packages the build and the scripts need; installed with apt-get when missing.
ensure_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if ((${#missing[@]})); then
        log "installing ${missing[*]} with apt-get"
        local sudo=""
        [[ $(id -u) -eq 0 ]] || sudo="sudo"
        $sudo apt-get update -qq >&2 || die "apt-get update failed"
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"
    fi
}

ensure_build_deps() {
    command -v swift >/dev/null || die "swift is not on PATH (Swift 6.1 or newer is needed)"
    ensure_packages liblz4-dev libnghttp2-dev pkg-config python3 procps
}

# The HTTP gateway's tests and load run use real clients: Debian's curl, h2load (nghttp2-client) and a headless
# Chromium for the page test (about a minute to install Chromium on a fresh machine).
ensure_http_test_deps() {
    ensure_packages curl nghttp2-client chromium
}

# The deployment tests check cluster/systemd with systemd-analyze (Debian's systemd package; nothing is started).
ensure_deploy_test_deps() {
    ensure_packages systemd
}

# Builds the release binary (incrementally) and prints its path.
release_binary() {
    ensure_build_deps
    log "building tokenboard (release)"
    (cd "$ROOT" && swift build -c release --product tokenboard >&2) || die "release build failed"
    echo "$(cd "$ROOT" && swift build -c release --show-bin-path)/tokenboard"
}

# topology_get FILE FIELD: run_dir (absolute), coordinator (host:port), http (the coordinator's HTTP host:port, empty
# if none), workers (ids, one per line).
topology_get() {
    python3 - "$1" "$2" <<'PY'
import json, os, sys
path, field = sys.argv[1], sys.argv[2]
with open(path) as f:
    t = json.load(f)
base = os.path.dirname(os.path.abspath(path))
if field == "run_dir":
    print(os.path.normpath(os.path.join(base, t.get("run_dir", ".run/" + t["name"]))))
elif field == "coordinator":
    c = t["coordinator"]; print(f'{c["host"]}:{c["port"]}')
elif field == "http":
    print(t["coordinator"].get("http", ""))
elif field == "workers":
    for w in t["workers"]: print(w["id"])
PY
}

# Whether a pid file names a live tokenboard process.
pid_alive() {
    local pidfile="$1" pid
    [[ -f "$pidfile" ]] || return 1
    pid="$(cat "$pidfile")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -qa tokenboard "/proc/$pid/cmdline" 2>/dev/null
}

# Before a timed step: writes back what the earlier steps left dirty in the page cache (a generated log is a gigabyte),
# so that the kernel's writeback, which starts 30 s after the write, does not share the cores with the step measured.
settle() { sync; }

# Waits (up to $2 seconds) until a node's stdout file holds its ready line; fails early if the process died.
wait_ready() {
    local out="$1" timeout="$2" pidfile="$3" waited=0
    until grep -q '"event":"listening"' "$out" 2>/dev/null; do
        # kill -0, not pid_alive: right after the fork the child is still the shell, not yet tokenboard.
        kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || return 1
        ((waited >= timeout * 10)) && return 1
        sleep 0.1
        waited=$((waited + 1))
    done
}

# redis-server, redis-cli and redis-benchmark (Debian's Redis 7) for `scripts/bench --peers`.
ensure_redis() {
    ensure_packages redis-server redis-tools
}

# DuckDB's Python package (PyPI) for `scripts/bench --peers`.
ensure_duckdb() {
    python3 -c 'import duckdb' 2>/dev/null && return
    log "installing duckdb with pip"
    python3 -m pip install -q duckdb >&2 || die "pip install duckdb failed"
}

# A TCP port on 127.0.0.1 that was free a moment ago.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
