#!/usr/bin/env bash
# Start the lab and scan every lab address with the rdprobe CLI (table output).
# The lab is left running; stop it with: bash lab/lab.sh stop
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash lab/lab.sh start
mapfile -t TARGETS < <(node -e 'for (const s of require("./lab/servers.json").servers) console.log(s.address)')
if [ ! -f dist/src/cli/main.js ]; then
  echo "[demo] dist/src/cli/main.js missing: building (npm run build)"
  npm run build || { echo "[demo] build failed; the lab is running anyway (bash lab/lab.sh stop to stop it)" >&2; exit 1; }
fi
echo "[demo] node dist/src/cli/main.js scan ${TARGETS[*]} --format table"
rc=0
node dist/src/cli/main.js scan "${TARGETS[@]}" --format table || rc=$?
echo
echo "[demo] scan exit code: $rc (non-zero can be expected: the lab is full of bad servers)"
echo "[demo] the lab is still running: bash lab/lab.sh status | bash lab/lab.sh stop   (logs: lab/run/*.log)"
