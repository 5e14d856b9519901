#!/usr/bin/env bash
# rdprobe lab: real RDP servers (xrdp, FreeRDP shadow) and hostile peers, each on
# its own loopback address, port 3389.  Debian 12, run as root.
#
#   bash lab/lab.sh start    install missing packages, make certs/configs, start all, wait for listeners
#   bash lab/lab.sh stop     stop exactly the processes this script started (pids in lab/run/*.pid)
#   bash lab/lab.sh status   one line per server: name, address, up/down
#   bash lab/lab.sh clean    stop, then delete lab/run/ (certificates are regenerated on next start)
#   bash lab/lab.sh start-copy NAME ADDR   one more instance of the xrdp server NAME on loopback address ADDR
#   bash lab/lab.sh stop-copy NAME ADDR    stop that instance (tests run their own copy, the shared lab untouched)
#
# Environment: RDPROBE_LAB_DISPLAY (Xvfb display number, default 73),
#              RDPROBE_LAB_WAIT (seconds to wait for each listener, default 20).
# Only loopback addresses are ever bound.  See lab/README.md and lab/servers.json.
set -euo pipefail

LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN="$LAB_DIR/run"
CERTS="$RUN/certs"
DISPLAY_NUM="${RDPROBE_LAB_DISPLAY:-73}"
WAIT_SECS="${RDPROBE_LAB_WAIT:-20}"
PORT=3389

# name address kind security_layer crypt_level ssl_protocols cert tls_ciphers
# (kind: xrdp | freerdp | hostile | closed; "-" = not applicable; cert = basename in $CERTS)
SERVERS=(
  "xrdp-negotiate   127.0.10.1  xrdp    negotiate high   TLSv1.2,TLSv1.3 negotiate -"
  "xrdp-tls         127.0.10.2  xrdp    tls       high   TLSv1.2,TLSv1.3 tls       -"
  "xrdp-rdp-low     127.0.10.3  xrdp    rdp       low    TLSv1.2,TLSv1.3 rdp-low   -"
  "xrdp-rdp-medium  127.0.10.4  xrdp    rdp       medium TLSv1.2,TLSv1.3 rdp-medium -"
  "xrdp-rdp-high    127.0.10.5  xrdp    rdp       high   TLSv1.2,TLSv1.3 rdp-high  -"
  "xrdp-rdp-fips    127.0.10.6  xrdp    rdp       fips   TLSv1.2,TLSv1.3 rdp-fips  -"
  "xrdp-tls10-only  127.0.10.7  xrdp    tls       high   TLSv1           tls10     DEFAULT:@SECLEVEL=0"
  "xrdp-expired     127.0.10.8  xrdp    tls       high   TLSv1.2,TLSv1.3 expired   -"
  "xrdp-expiring    127.0.10.9  xrdp    tls       high   TLSv1.2,TLSv1.3 expiring  -"
  "xrdp-weak        127.0.10.10 xrdp    tls       high   TLSv1.2,TLSv1.3 weak      DEFAULT:@SECLEVEL=0"
  "xrdp-badkey      127.0.10.11 xrdp    tls       high   TLSv1.2,TLSv1.3 badkey    -"
  "xrdp-dup-a       127.0.10.12 xrdp    tls       high   TLSv1.2,TLSv1.3 dup       -"
  "xrdp-dup-b       127.0.10.13 xrdp    tls       high   TLSv1.2,TLSv1.3 dup       -"
  "xrdp-tls12-only  127.0.10.14 xrdp    tls       high   TLSv1.2         tls12     -"
  "xrdp-cbc-only    127.0.11.1  xrdp    tls       high   TLSv1.2         cbc       ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:AES256-SHA:AES128-SHA"
  "xrdp-server-order 127.0.11.2 xrdp    tls       high   TLSv1.2,TLSv1.3 order     AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:AES256-GCM-SHA384"
  "xrdp-dhe1024     127.0.11.3  xrdp    tls       high   TLSv1.2         dhe1024   DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-SHA:@SECLEVEL=0"
  "xrdp-html-hostile 127.0.10.15 xrdp   tls       high   TLSv1.2,TLSv1.3 html-hostile -"
  "freerdp-nla      127.0.20.1  freerdp -         -      -               freerdp-nla -"
  "freerdp-all      127.0.20.2  freerdp -         -      -               freerdp-all -"
  "silent           127.0.30.1  hostile - - - - -"
  "http             127.0.30.2  hostile - - - - -"
  "bad-tpkt         127.0.30.3  hostile - - - - -"
  "trickle          127.0.30.4  hostile - - - - -"
  "tpkt-stall       127.0.30.5  hostile - - - - -"
  "garbage-after-cc 127.0.30.6  hostile - - - - -"
  "closed           127.0.40.1  closed  - - - - -"
)

# NTLM SAM entry for freerdp-nla: labuser / LabPassw0rd!  (no domain, no LM hash)
# NT hash = MD4(UTF-16LE("LabPassw0rd!")) computed with
#   printf '%s' 'LabPassw0rd!' | iconv -t utf-16le | openssl dgst -md4 -provider legacy
SAM_LINE='labuser:::d65e3fadbb546b262ee1323c4dc12ffd:::'

log() { printf '[lab] %s\n' "$*"; }
die() { printf '[lab] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- packages
need_packages() {
  local missing=() pkg
  for pkg in xrdp freerdp2-shadow-x11 xvfb openssl iproute2; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  command -v node >/dev/null || die "node is required (the project needs Node 20 anyway)"
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}) and not root: install them first"
  log "installing: ${missing[*]}"
  # Keep package maintainer scripts from starting services (xrdp would otherwise
  # bind 0.0.0.0:3389 and shadow every 127.0.x.y:3389 listener of the lab).
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod 755 "$policy"; made_policy=1
  fi
  local xrdp_before; xrdp_before="$(pgrep -x xrdp || true) $(pgrep -x xrdp-sesman || true)"
  local rc=0
  {
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null >"$RUN/apt.log" 2>&1; then
      apt-get update -q </dev/null >>"$RUN/apt.log" 2>&1 &&
        apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null >>"$RUN/apt.log" 2>&1
    fi
  } || rc=$?
  [ "$made_policy" -eq 1 ] && rm -f "$policy"
  [ $rc -eq 0 ] || { tail -20 "$RUN/apt.log" >&2; die "apt-get install failed (see $RUN/apt.log)"; }
  # If the install nevertheless started a system xrdp/xrdp-sesman, stop exactly those.
  local p
  for p in $(pgrep -x xrdp || true) $(pgrep -x xrdp-sesman || true); do
    case " $xrdp_before " in *" $p "*) continue ;; esac
    grep -qa "$RUN" "/proc/$p/cmdline" 2>/dev/null && continue
    log "stopping system $(cat /proc/$p/comm 2>/dev/null) pid $p started by the package install"
    kill "$p" 2>/dev/null || true
  done
}

# ---------------------------------------------------------------- helpers
pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
# Does pid $1 look like the process we started ($2 = marker in its command line)?
pid_is_ours() { pid_alive "$1" && tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"; }
read_pid() { [ -f "$RUN/$1.pid" ] && cat "$RUN/$1.pid" || true; }
tcp_up() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$PORT" 2>/dev/null; }
marker_for() { # name kind
  case "$2" in
    xrdp) echo "$RUN/$1.ini" ;;
    freerdp) echo "/bind-address:$3" ;;
    hostile) echo "$LAB_DIR/hostile.mjs" ;;
    xvfb) echo "Xvfb :$DISPLAY_NUM" ;;
  esac
}

wait_listen() { # name addr pid
  local deadline=$((SECONDS + WAIT_SECS))
  while [ $SECONDS -lt $deadline ]; do
    tcp_up "$2" && return 0
    pid_alive "$3" || { tail -15 "$RUN/$1.log" >&2 || true; die "$1 ($2:$PORT) exited during startup, see $RUN/$1.log"; }
    sleep 0.2
  done
  tail -15 "$RUN/$1.log" >&2 || true
  die "$1 did not accept TCP on $2:$PORT within ${WAIT_SECS}s, see $RUN/$1.log"
}

check_port_free() { # addr: fail early when a foreign wildcard listener owns :3389
  local wild
  wild="$(ss -ltnpH "sport = :$PORT" 2>/dev/null | awk '{print $4}' | grep -E '^(0\.0\.0\.0|\*|\[::\]):' || true)"
  [ -z "$wild" ] || die "something listens on $wild (all addresses), which blocks the lab's 127.0.x.y:$PORT listeners: $(ss -ltnpH "sport = :$PORT" | tr -s ' ')"
  local holder
  holder="$(ss -ltnpH "src $1 and sport = :$PORT" 2>/dev/null || true)"
  [ -z "$holder" ] || die "$1:$PORT is already taken by a process this lab did not start: $holder"
}

# ---------------------------------------------------------------- certificates
gen_self_signed() { # base CN days bits md
  openssl req -x509 -newkey "rsa:$4" -nodes -"$5" -days "$3" -subj "/CN=$2" \
    -keyout "$CERTS/$1.key" -out "$CERTS/$1.crt" >/dev/null 2>&1 || die "openssl req failed for $1"
}

gen_dated() { # base CN startdate enddate   (self-signed with explicit dates via `openssl ca -selfsign`)
  local d="$CERTS/ca-$1"; mkdir -p "$d"; : > "$d/index.txt"; echo 01 > "$d/serial"
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
[anything]
commonName = supplied
EOF
  openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$CERTS/$1.key" -out "$d/req.csr" >/dev/null 2>&1
  openssl ca -batch -config "$d/ca.cnf" -selfsign -keyfile "$CERTS/$1.key" -in "$d/req.csr" \
    -startdate "$3" -enddate "$4" -notext -out "$CERTS/$1.crt" >"$d/ca.log" 2>&1 || { cat "$d/ca.log" >&2; die "openssl ca failed for $1"; }
}

# Self-signed certificates of the TLS-surface servers: base CN days bits md (made when missing, even under running servers).
SURFACE_CERTS=(
  "cbc xrdp-cbc-only.lab 365 2048 sha256"
  "order xrdp-server-order.lab 365 2048 sha256"
  # OpenSSL sizes the automatic DHE group by the certificate's key: a 1024-bit key gives a 1024-bit group (Logjam).
  "dhe1024 xrdp-dhe1024.lab 365 1024 sha256"
)

make_missing_surface_certs() {
  local spec base
  for spec in "${SURFACE_CERTS[@]}"; do
    read -r base _ <<<"$spec"
    [ -s "$CERTS/$base.crt" ] || { gen_self_signed $spec; chmod 600 "$CERTS/$base.key"; }
  done
}

# A certificate whose names are markup (the HTML report must show them as text): CN <script>, O with quotes that
# would end an attribute and start an event handler, OU an <img onerror>, a SAN with an <svg onload>.
gen_html_hostile() {
  [ -s "$CERTS/html-hostile.crt" ] && [ -s "$CERTS/html-hostile.key" ] && return 0
  mkdir -p "$CERTS"
  printf '%s\n' '[req]' 'distinguished_name=dn' 'prompt=no' 'utf8=yes' 'string_mask=utf8only' 'x509_extensions=ext' \
    '[dn]' 'CN=<script>alert(1)</script>' 'O=\"onerror=alert(1) x=\"' 'OU=<img src=x onerror=alert(2)>' \
    '[ext]' 'subjectAltName=DNS:<svg onload=alert(3)>.lab' > "$CERTS/html-hostile.cnf"
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 365 -config "$CERTS/html-hostile.cnf" \
    -keyout "$CERTS/html-hostile.key" -out "$CERTS/html-hostile.crt" >/dev/null 2>&1 || die "openssl req failed for html-hostile"
  chmod 600 "$CERTS/html-hostile.key"
}

make_certs() {
  # Regenerate when missing or older than a day (keeps "expiring in 10 days" honest), never under running servers.
  if [ -f "$CERTS/.done" ] && [ -z "$(find "$CERTS/.done" -mmin +1440 2>/dev/null)" ]; then make_missing_surface_certs; return 0; fi
  if [ -f "$CERTS/.done" ] && any_running; then make_missing_surface_certs; return 0; fi
  rm -rf "$CERTS"; mkdir -p "$CERTS"
  local b
  for b in negotiate tls rdp-low rdp-medium rdp-high rdp-fips tls10 tls12; do
    local cn; case $b in negotiate|tls) cn="xrdp-$b.lab" ;; tls10) cn=xrdp-tls10-only.lab ;; tls12) cn=xrdp-tls12-only.lab ;; *) cn="xrdp-$b.lab" ;; esac
    gen_self_signed "$b" "$cn" 365 2048 sha256
  done
  gen_dated expired xrdp-expired.lab "$(date -u -d '-395 days' +%Y%m%d%H%M%SZ)" "$(date -u -d '-30 days' +%Y%m%d%H%M%SZ)"
  gen_self_signed expiring xrdp-expiring.lab 10 2048 sha256
  gen_self_signed weak xrdp-weak.lab 365 1024 sha1
  gen_self_signed dup xrdp-dup.lab 365 2048 sha256
  make_missing_surface_certs
  # badkey: a good certificate served with a private key that does not belong to it
  gen_self_signed badkey xrdp-badkey.lab 365 2048 sha256
  gen_self_signed badkey-other other-key.lab 365 2048 sha256
  mv -f "$CERTS/badkey-other.key" "$CERTS/badkey.key"; rm -f "$CERTS/badkey-other.crt"
  gen_self_signed freerdp-nla freerdp-nla.lab 365 2048 sha256
  gen_self_signed freerdp-all freerdp-all.lab 365 2048 sha256
  gen_html_hostile
  chmod 600 "$CERTS"/*.key
  touch "$CERTS/.done"
}

any_running() {
  local line name addr kind
  for line in "${SERVERS[@]}" "xvfb - xvfb"; do
    read -r name addr kind _ <<<"$line"
    [ "$kind" = closed ] && continue
    local pidname="$name"; [ "$kind" = hostile ] && pidname=hostile
    pid_is_ours "$(read_pid "$pidname")" "$(marker_for "$name" "$kind" "$addr")" && return 0
  done
  return 1
}

ensure_rsakeys() {
  # Standard RDP Security needs /etc/xrdp/rsakeys.ini (path is compiled into xrdp 0.9.21, shared by all instances).
  [ -s /etc/xrdp/rsakeys.ini ] && return 0
  log "creating /etc/xrdp/rsakeys.ini with xrdp-keygen"
  xrdp-keygen xrdp /etc/xrdp/rsakeys.ini >"$RUN/xrdp-keygen.log" 2>&1 || die "xrdp-keygen failed"
}

# ---------------------------------------------------------------- xrdp
write_xrdp_ini() { # name addr sec crypt protos cert ciphers
  local protos="${5//,/, }"
  {
    echo "; generated by lab/lab.sh for $1 -- do not edit, regenerated on every start"
    echo "[Globals]"
    echo "ini_version=1"
    echo "fork=true"
    echo "port=tcp://$2:$PORT"
    echo "use_vsock=false"
    echo "tcp_nodelay=true"
    echo "tcp_keepalive=true"
    echo "security_layer=$3"
    echo "crypt_level=$4"
    echo "certificate=$CERTS/$6.crt"
    echo "key_file=$CERTS/$6.key"
    echo "ssl_protocols=$protos"
    [ "$7" != "-" ] && echo "tls_ciphers=$7"
    echo "autorun="
    echo "allow_channels=true"
    echo "max_bpp=32"
    echo "new_cursors=true"
    echo "use_fastpath=both"
    echo "[Logging]"
    echo "LogFile=$RUN/$1.log"
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
  } > "$RUN/$1.ini"
}

start_xrdp() { # name addr sec crypt protos cert ciphers
  write_xrdp_ini "$@"
  # xrdp has no setting for the server's cipher order: OpenSSL's own configuration (read by libssl at start) adds
  # ServerPreference for the one instance built to have an order of its own.
  local conf=""
  if [ "$1" = xrdp-server-order ]; then
    conf="$RUN/$1.openssl.cnf"
    printf '%s\n' 'openssl_conf = openssl_init' '[openssl_init]' 'ssl_conf = ssl_sect' '[ssl_sect]' \
      'system_default = system_default_sect' '[system_default_sect]' 'Options = ServerPreference' > "$conf"
  fi
  # --nodaemon: no /var/run/xrdp/xrdp.pid is written or checked, so instances never collide.
  # setsid: own process group, so `stop` also ends per-connection children (fork=true).
  env ${conf:+OPENSSL_CONF="$conf"} setsid /usr/sbin/xrdp --nodaemon --config "$RUN/$1.ini" </dev/null >>"$RUN/$1.log" 2>&1 &
  echo $! > "$RUN/$1.pid"
}

# ---------------------------------------------------------------- freerdp
start_xvfb() {
  local pid; pid="$(read_pid xvfb)"
  if pid_is_ours "$pid" "Xvfb :$DISPLAY_NUM"; then return 0; fi
  if [ -e "/tmp/.X$DISPLAY_NUM-lock" ]; then
    local owner; owner="$(tr -d ' ' < "/tmp/.X$DISPLAY_NUM-lock" 2>/dev/null || true)"
    pid_alive "$owner" && die "display :$DISPLAY_NUM is used by pid $owner (not ours); set RDPROBE_LAB_DISPLAY"
  fi
  # -noreset: without it Xvfb resets when its last client leaves and freerdp-shadow (which opens
  # the display twice) then gets ECONNRESET ("failed to open display").
  # -displayfd: Xvfb writes the display number to that fd only once it accepts clients
  # (waiting for the socket file alone races: freerdp then fails with "failed to open display").
  : > "$RUN/xvfb.ready"
  setsid Xvfb ":$DISPLAY_NUM" -screen 0 1024x768x24 -nolisten tcp -noreset -displayfd 5 5>"$RUN/xvfb.ready" </dev/null >>"$RUN/xvfb.log" 2>&1 &
  pid=$!; echo "$pid" > "$RUN/xvfb.pid"
  local deadline=$((SECONDS + WAIT_SECS))
  until [ -s "$RUN/xvfb.ready" ]; do
    pid_alive "$pid" || { cat "$RUN/xvfb.log" >&2; die "Xvfb :$DISPLAY_NUM failed"; }
    [ $SECONDS -lt $deadline ] || die "Xvfb :$DISPLAY_NUM did not come up"
    sleep 0.2
  done
}

start_freerdp() { # name addr
  local cfg="$RUN/$1-config"
  # FreeRDP 2.11 shadow reads/creates its TLS cert at $XDG_CONFIG_HOME/freerdp/shadow/shadow.{crt,key}
  # (default ~/.config/freerdp/shadow/, generated with CN=<hostname> when missing). We pre-place ours.
  mkdir -p "$cfg/freerdp/shadow"
  cp -f "$CERTS/$1.crt" "$cfg/freerdp/shadow/shadow.crt"
  cp -f "$CERTS/$1.key" "$cfg/freerdp/shadow/shadow.key"
  local args=("/bind-address:$2" "/port:$PORT")
  if [ "$1" = freerdp-nla ]; then
    printf '%s\n' "$SAM_LINE" > "$RUN/freerdp.sam"
    args+=("/sec:nla" "+auth" "/sam-file:$RUN/freerdp.sam")
  else
    # sec-nla is listed as "default:on" by /help, but 2.11.7 only selects HYBRID when it is given
    # explicitly (observed); so enable all three explicitly.
    args+=("+sec-rdp" "+sec-tls" "+sec-nla" "-auth")
  fi
  DISPLAY=":$DISPLAY_NUM" XDG_CONFIG_HOME="$cfg" HOME="$cfg" \
    setsid /usr/bin/freerdp-shadow-cli "${args[@]}" </dev/null >>"$RUN/$1.log" 2>&1 &
  echo $! > "$RUN/$1.pid"
}

# ---------------------------------------------------------------- hostile
start_hostile() {
  setsid node "$LAB_DIR/hostile.mjs" </dev/null >>"$RUN/hostile.log" 2>&1 &
  echo $! > "$RUN/hostile.pid"
}

# ---------------------------------------------------------------- commands
cmd_start() {
  mkdir -p "$RUN"
  need_packages
  ensure_rsakeys
  make_certs
  gen_html_hostile   # labs whose certificates predate this server get it without regenerating the others
  local line name addr kind sec crypt protos cert ciphers pid marker started_hostile=0
  for line in "${SERVERS[@]}"; do
    read -r name addr kind sec crypt protos cert ciphers <<<"$line"
    [ "$kind" = closed ] && continue
    local pidname="$name"; [ "$kind" = hostile ] && pidname=hostile
    marker="$(marker_for "$name" "$kind" "$addr")"
    pid="$(read_pid "$pidname")"
    if pid_is_ours "$pid" "$marker"; then
      if tcp_up "$addr"; then continue; fi
      [ "$kind" = hostile ] && [ $started_hostile -eq 1 ] && continue
      log "$name: pid $pid runs but $addr:$PORT does not answer; restarting it"
      stop_pid "$pidname" "$marker"
    fi
    rm -f "$RUN/$pidname.pid"
    if [ "$kind" = hostile ]; then
      [ $started_hostile -eq 1 ] && continue
      local a; for a in 127.0.30.1 127.0.30.2 127.0.30.3 127.0.30.4 127.0.30.5 127.0.30.6; do check_port_free "$a"; done
      start_hostile; started_hostile=1; continue
    fi
    check_port_free "$addr"
    case "$kind" in
      xrdp) start_xrdp "$name" "$addr" "$sec" "$crypt" "$protos" "$cert" "$ciphers" ;;
      freerdp) start_xvfb; start_freerdp "$name" "$addr" ;;
    esac
  done
  # wait for every listener (bounded), then summarise
  for line in "${SERVERS[@]}"; do
    read -r name addr kind sec crypt protos _ <<<"$line"
    [ "$kind" = closed ] && continue
    local pidname="$name"; [ "$kind" = hostile ] && pidname=hostile
    wait_listen "$pidname" "$addr" "$(read_pid "$pidname")"
  done
  for line in "${SERVERS[@]}"; do
    read -r name addr kind sec crypt protos cert _ <<<"$line"
    local pidname="$name"; [ "$kind" = hostile ] && pidname=hostile
    case "$kind" in
      xrdp) printf '%-17s %-12s up   xrdp security_layer=%s crypt_level=%s ssl_protocols=%s cert=%s pid=%s\n' "$name" "$addr" "$sec" "$crypt" "$protos" "$cert" "$(read_pid "$name")" ;;
      freerdp) printf '%-17s %-12s up   freerdp-shadow-cli %s pid=%s\n' "$name" "$addr" "$([ "$name" = freerdp-nla ] && echo '/sec:nla +auth /sam-file' || echo '+sec-rdp +sec-tls +sec-nla -auth')" "$(read_pid "$name")" ;;
      hostile) printf '%-17s %-12s up   hostile peer (lab/hostile.mjs) pid=%s\n' "$name" "$addr" "$(read_pid hostile)" ;;
      closed) printf '%-17s %-12s closed (nothing listens, by design)\n' "$name" "$addr" ;;
    esac
  done
  log "logs: $RUN/*.log   stop: bash lab/lab.sh stop"
  local wild; wild="$(ss -ltnH "sport = :$PORT" | awk '{print $4}' | grep -vE '^127\.' || true)"
  [ -z "$wild" ] || log "WARNING: non-loopback listeners on :$PORT: $wild"
}

stop_pid() { # pidname marker
  local pid; pid="$(read_pid "$1")"
  if pid_is_ours "$pid" "$2"; then
    # each process was started with setsid, so its process group id is its pid
    if [ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ]; then kill -TERM -- "-$pid" 2>/dev/null || true
    else kill -TERM "$pid" 2>/dev/null || true; fi
    local i; for i in $(seq 1 25); do pid_alive "$pid" || break; sleep 0.2; done
    if pid_alive "$pid"; then kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$RUN/$1.pid"
}

cmd_stop() {
  [ -d "$RUN" ] || { log "nothing to stop"; return 0; }
  local line name addr kind
  for line in "${SERVERS[@]}"; do
    read -r name addr kind _ <<<"$line"
    case "$kind" in
      xrdp|freerdp) stop_pid "$name" "$(marker_for "$name" "$kind" "$addr")" ;;
    esac
  done
  stop_pid hostile "$LAB_DIR/hostile.mjs"
  stop_pid xvfb "Xvfb :$DISPLAY_NUM"
  log "stopped"
}

cmd_status() {
  local line name addr kind state rc=0
  for line in "${SERVERS[@]}"; do
    read -r name addr kind _ <<<"$line"
    if tcp_up "$addr"; then state=up; else state=down; fi
    if [ "$kind" = closed ]; then
      [ "$state" = down ] && state="down (closed by design)" || { state="UP (should be closed!)"; rc=1; }
    elif [ "$state" = down ]; then rc=1; fi
    printf '%-17s %-12s %s\n' "$name" "$addr" "$state"
  done
  return $rc
}

# One more instance of an xrdp server of the table, on another loopback address: tests start their own copy so they
# never depend on (or disturb) the shared lab. Its files are NAME@ADDR.{ini,pid,log} in lab/run/.
cmd_start_copy() { # name addr
  local want="${1:-}" at="${2:-}" line name addr kind sec crypt protos cert ciphers
  [[ "$at" =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "start-copy NAME ADDR: ADDR must be a 127.x.y.z address"
  for line in "${SERVERS[@]}"; do
    read -r name addr kind sec crypt protos cert ciphers <<<"$line"
    [ "$name" = "$want" ] || continue
    [ "$kind" = xrdp ] || die "start-copy: only xrdp servers can be copied ($want is $kind)"
    mkdir -p "$RUN"
    need_packages
    ensure_rsakeys
    make_certs
    gen_html_hostile
    local copy="$name@$at"
    if pid_is_ours "$(read_pid "$copy")" "$RUN/$copy.ini" && tcp_up "$at"; then log "$copy already runs"; return 0; fi
    check_port_free "$at"
    start_xrdp "$copy" "$at" "$sec" "$crypt" "$protos" "$cert" "$ciphers"
    wait_listen "$copy" "$at" "$(read_pid "$copy")"
    log "$copy up, pid $(read_pid "$copy") (stop: bash lab/lab.sh stop-copy $name $at)"
    return 0
  done
  die "start-copy: no server named $want"
}

cmd_stop_copy() { # name addr
  [ -n "${1:-}" ] && [ -n "${2:-}" ] || die "usage: stop-copy NAME ADDR"
  stop_pid "$1@$2" "$RUN/$1@$2.ini"
}

case "${1:-}" in
  start) cmd_start ;;
  start-copy) shift; cmd_start_copy "$@" ;;
  stop-copy) shift; cmd_stop_copy "$@" ;;
  stop) cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status) cmd_status ;;
  clean) cmd_stop; rm -rf "$RUN"; log "removed $RUN" ;;
  *) echo "usage: $0 start|stop|restart|status|clean|start-copy NAME ADDR|stop-copy NAME ADDR" >&2; exit 2 ;;
esac
