#!/usr/bin/env bash
# rdprobe lab: ONE extra xrdp instance on 127.0.70.1:3389 whose configuration can be switched by name, so a test
# can scan "before", reconfigure (stop, new config, start) and scan "after" the same address.
#
#   bash lab/reconfig.sh start CONFIG   stop the instance if it runs, write CONFIG's ini, start it, wait for TCP
#   bash lab/reconfig.sh stop           stop exactly the pid this script started (lab/run/reconfig/xrdp.pid)
#   bash lab/reconfig.sh status         "CONFIG up pid=N" or "down"; exit 1 when down
#   bash lab/reconfig.sh configs        list the configuration names
#
# CONFIG:
#   tls10      security_layer=tls, ssl_protocols=TLSv1 only, tls_ciphers=DEFAULT:@SECLEVEL=0, certificate A
#   tls12      security_layer=tls, ssl_protocols=TLSv1.2+TLSv1.3, certificate A
#   negotiate  security_layer=negotiate, crypt_level=low, TLSv1.2+TLSv1.3, certificate A
#   certB      tls12 with certificate B (same subject and validity dates as A, another key: only the thumbprint differs)
#
# Needs the lab's packages (xrdp, openssl) and /etc/xrdp/rsakeys.ini: run `bash lab/lab.sh start` first.
# Runtime state (ini, certificates, pid, log) is in lab/run/reconfig/ (gitignored). The ini is written the way
# lab/lab.sh's write_xrdp_ini does it (duplicated here: lab.sh runs its command dispatcher when sourced).
# Env: RDPROBE_LAB_WAIT (seconds to wait for the listener / for the stop, default 20).
# Only 127.0.70.1 is ever bound.
set -euo pipefail

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="$LAB_DIR/run/reconfig"
ADDR=127.0.70.1
PORT=3389
NAME=xrdp-reconfig
INI="$DIR/$NAME.ini"
PIDFILE="$DIR/xrdp.pid"
CURFILE="$DIR/current"
LOG="$DIR/xrdp.log"
WAIT_SECS="${RDPROBE_LAB_WAIT:-20}"
CN=xrdp-reconfig.lab

log() { printf '[reconfig] %s\n' "$*"; }
die() { printf '[reconfig] ERROR: %s\n' "$*" >&2; exit 1; }

# config -> "security_layer crypt_level ssl_protocols cert tls_ciphers"
config_line() {
  case "$1" in
    tls10) echo "tls high TLSv1 a DEFAULT:@SECLEVEL=0" ;;
    tls12) echo "tls high TLSv1.2,TLSv1.3 a -" ;;
    negotiate) echo "negotiate low TLSv1.2,TLSv1.3 a -" ;;
    certB) echo "tls high TLSv1.2,TLSv1.3 b -" ;;
    *) return 1 ;;
  esac
}
CONFIGS="tls10 tls12 negotiate certB"

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pid_is_ours() { pid_alive "$1" && tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$INI"; }
read_pid() { [ -f "$PIDFILE" ] && cat "$PIDFILE" || true; }
tcp_up() { timeout 2 bash -c "exec 3<>/dev/tcp/$ADDR/$PORT" 2>/dev/null; }

# Serialise concurrent calls (two test files, a human and a test): bounded wait for the lock.
take_lock() {
  mkdir -p "$DIR"
  exec 9>"$DIR/lock"
  flock -w "$((WAIT_SECS * 2))" 9 || die "another lab/reconfig.sh holds $DIR/lock for more than $((WAIT_SECS * 2))s"
}

check_prereqs() {
  [ -x /usr/sbin/xrdp ] || die "/usr/sbin/xrdp missing: run 'bash lab/lab.sh start' first (it installs the lab's packages)"
  command -v openssl >/dev/null || die "openssl missing: run 'bash lab/lab.sh start' first"
  # Standard RDP Security (config negotiate) needs the shared, compiled-in /etc/xrdp/rsakeys.ini that lab.sh creates.
  [ -s /etc/xrdp/rsakeys.ini ] || die "/etc/xrdp/rsakeys.ini missing: run 'bash lab/lab.sh start' first"
}

check_port_free() {
  local wild holder
  wild="$(ss -ltnpH "sport = :$PORT" 2>/dev/null | awk '{print $4}' | grep -E '^(0\.0\.0\.0|\*|\[::\]):' || true)"
  [ -z "$wild" ] || die "something listens on $wild (all addresses), which blocks $ADDR:$PORT"
  holder="$(ss -ltnpH "src $ADDR and sport = :$PORT" 2>/dev/null || true)"
  [ -z "$holder" ] || die "$ADDR:$PORT is already taken by a process this script did not start: $holder"
}

# ---------------------------------------------------------------- certificates
# Both certificates get the same subject and the same validity dates (openssl ca -selfsign with explicit dates, as
# lab.sh's gen_dated does), so switching A -> B changes the thumbprint and nothing else about the certificate.
gen_cert() { # base startdate enddate
  local d="$DIR/ca-$1"
  rm -rf "$d"; mkdir -p "$d"; : > "$d/index.txt"; echo 01 > "$d/serial"
  cat > "$d/ca.cnf" <<EOF
[ca]
default_ca = lab
[lab]
dir = $d
database = \$dir/index.txt
new_certs_dir = \$dir
serial = \$dir/serial
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
x509_extensions = server
[anything]
commonName = supplied
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
EOF
  openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$CN" -keyout "$DIR/cert-$1.key" -out "$d/req.csr" >"$d/req.log" 2>&1 ||
    { cat "$d/req.log" >&2; die "openssl req failed for certificate $1"; }
  openssl ca -batch -config "$d/ca.cnf" -selfsign -keyfile "$DIR/cert-$1.key" -in "$d/req.csr" \
    -startdate "$2" -enddate "$3" -notext -out "$DIR/cert-$1.crt" >"$d/ca.log" 2>&1 ||
    { cat "$d/ca.log" >&2; die "openssl ca failed for certificate $1"; }
  chmod 600 "$DIR/cert-$1.key"
}

make_certs() {
  # Kept across runs (tests may compare thumbprints between calls); regenerated when missing or older than 30 days.
  if [ -f "$DIR/certs.done" ] && [ -z "$(find "$DIR/certs.done" -mtime +30 2>/dev/null)" ] &&
     [ -s "$DIR/cert-a.crt" ] && [ -s "$DIR/cert-b.crt" ]; then return 0; fi
  local start end
  start="$(date -u -d '-1 day' +%Y%m%d000000Z)"
  end="$(date -u -d '+365 days' +%Y%m%d000000Z)"
  gen_cert a "$start" "$end"
  gen_cert b "$start" "$end"
  touch "$DIR/certs.done"
}

# ---------------------------------------------------------------- xrdp
write_ini() { # sec crypt protos cert ciphers
  local protos="${3//,/, }"
  {
    echo "; generated by lab/reconfig.sh ($CONFIG) -- do not edit, regenerated on every start"
    echo "[Globals]"
    echo "ini_version=1"
    echo "fork=true"
    echo "port=tcp://$ADDR:$PORT"
    echo "use_vsock=false"
    echo "tcp_nodelay=true"
    echo "tcp_keepalive=true"
    echo "security_layer=$1"
    echo "crypt_level=$2"
    echo "certificate=$DIR/cert-$4.crt"
    echo "key_file=$DIR/cert-$4.key"
    echo "ssl_protocols=$protos"
    [ "$5" != "-" ] && echo "tls_ciphers=$5"
    echo "autorun="
    echo "allow_channels=true"
    echo "max_bpp=32"
    echo "new_cursors=true"
    echo "use_fastpath=both"
    echo "[Logging]"
    echo "LogFile=$LOG"
    echo "LogLevel=DEBUG"
    echo "EnableSyslog=false"
    echo "EnableConsole=false"
    echo "[Channels]"
    echo "rdpdr=false"
    echo "rdpsnd=false"
    echo "drdynvc=false"
    echo "cliprdr=false"
    echo "rail=false"
    echo "xrdpvr=false"
    echo "tcutils=false"
  } > "$INI"
}

do_stop() {
  local pid killed=0; pid="$(read_pid)"
  if pid_is_ours "$pid"; then
    killed=1
    # started with setsid: its process group id is its pid, and the group holds the per-connection children
    if [ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ]; then kill -TERM -- "-$pid" 2>/dev/null || true
    else kill -TERM "$pid" 2>/dev/null || true; fi
    local deadline=$((SECONDS + WAIT_SECS))
    while pid_alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    if pid_alive "$pid"; then kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; fi
    pid_alive "$pid" && die "pid $pid did not stop"
  elif [ -n "$pid" ]; then
    log "pid file names $pid, which is not an xrdp started by this script: not touching it"
  fi
  rm -f "$PIDFILE" "$CURFILE"
  [ $killed -eq 1 ] || return 0
  # bounded wait until nothing listens on the address any more
  local deadline=$((SECONDS + WAIT_SECS))
  while [ -n "$(ss -ltnH "src $ADDR and sport = :$PORT" 2>/dev/null)" ]; do
    [ $SECONDS -lt $deadline ] || die "$ADDR:$PORT still has a listener ${WAIT_SECS}s after stop: $(ss -ltnpH "src $ADDR and sport = :$PORT")"
    sleep 0.1
  done
}

do_start() {
  local line sec crypt protos cert ciphers
  line="$(config_line "$CONFIG")" || die "unknown config \"$CONFIG\" (one of: $CONFIGS)"
  read -r sec crypt protos cert ciphers <<<"$line"
  check_prereqs
  do_stop
  check_port_free
  make_certs
  write_ini "$sec" "$crypt" "$protos" "$cert" "$ciphers"
  : > "$LOG"
  # --nodaemon: no /var/run/xrdp/xrdp.pid; setsid: own process group so stop also ends forked children.
  setsid /usr/sbin/xrdp --nodaemon --config "$INI" </dev/null >>"$LOG" 2>&1 9>&- &
  local pid=$!
  echo "$pid" > "$PIDFILE"
  local deadline=$((SECONDS + WAIT_SECS))
  until tcp_up; do
    pid_alive "$pid" || { tail -15 "$LOG" >&2 || true; rm -f "$PIDFILE"; die "xrdp ($CONFIG) exited during startup, see $LOG"; }
    [ $SECONDS -lt $deadline ] || { tail -15 "$LOG" >&2 || true; do_stop; die "xrdp ($CONFIG) did not accept TCP on $ADDR:$PORT within ${WAIT_SECS}s"; }
    sleep 0.1
  done
  echo "$CONFIG" > "$CURFILE"
  log "$NAME $ADDR:$PORT up: $CONFIG (security_layer=$sec crypt_level=$crypt ssl_protocols=$protos cert=$cert$([ "$ciphers" = - ] || echo " tls_ciphers=$ciphers")) pid=$pid"
}

do_status() {
  local pid; pid="$(read_pid)"
  if pid_is_ours "$pid" && tcp_up; then
    echo "$(cat "$CURFILE" 2>/dev/null || echo '?') up pid=$pid"
  else
    echo down; return 1
  fi
}

CONFIG="${2:-}"
case "${1:-}" in
  start) [ -n "$CONFIG" ] || die "usage: $0 start CONFIG (one of: $CONFIGS)"; take_lock; do_start ;;
  stop) take_lock; do_stop; log "stopped" ;;
  status) do_status ;;
  configs) echo "$CONFIGS" ;;
  *) echo "usage: $0 start CONFIG|stop|status|configs   (CONFIG: $CONFIGS)" >&2; exit 2 ;;
esac
