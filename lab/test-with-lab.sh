#!/usr/bin/env bash
# The full test suite: starts the lab of real servers (installing its Debian packages where missing), runs every
# test with RDPROBE_LAB=1 so the integration tests must find it, then stops the lab it started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[ -f dist/src/cli/main.js ] || npm run build
npm run --silent typecheck   # the tests too: vitest strips types without checking them
was_running=0
bash lab/lab.sh status 2>/dev/null | grep -q ' up' && was_running=1
bash lab/lab.sh start
rc=0
RDPROBE_LAB=1 npx vitest run "$@" || rc=$?
[ "$was_running" = 1 ] || bash lab/lab.sh stop || true
exit $rc
