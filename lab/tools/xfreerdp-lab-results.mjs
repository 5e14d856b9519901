#!/usr/bin/env node
// Runs the real xfreerdp 2.11 client against lab servers and records how far each connection got
// (plain Node, Linux lab helper, not product code). Later tests compare the client simulation with these results.
//
//   DISPLAY=:95 node lab/tools/xfreerdp-lab-results.mjs OUT.json
// Needs xfreerdp (Debian freerdp2-x11), an X display (Xvfb) in DISPLAY, and the lab running (bash lab/lab.sh start).
// stdin is closed, so a certificate prompt is answered "no" (what an unattended client does).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const CREDS = ['/u:labuser', '/p:LabPassw0rd!'];
const RUNS = [
  { server: 'xrdp-tls', address: '127.0.10.2', args: ['/cert:ignore', ...CREDS] },
  { server: 'xrdp-tls', address: '127.0.10.2', args: [...CREDS], note: 'no /cert:ignore: self-signed certificate' },
  { server: 'xrdp-tls10-only', address: '127.0.10.7', args: ['/cert:ignore', ...CREDS] },
  { server: 'xrdp-tls10-only', address: '127.0.10.7', args: ['/cert:ignore', ...CREDS, '/tls-seclevel:0'] },
  { server: 'xrdp-tls12-only', address: '127.0.10.14', args: ['/cert:ignore', ...CREDS] },
  { server: 'xrdp-expired', address: '127.0.10.8', args: [...CREDS], note: 'no /cert:ignore: expired certificate' },
  { server: 'freerdp-nla', address: '127.0.20.1', args: ['/cert:ignore', '+auth-only', ...CREDS] },
  { server: 'freerdp-nla', address: '127.0.20.1', args: ['/cert:ignore', '+auth-only', '/u:labuser', '/p:wrong-password'] },
  { server: 'freerdp-all', address: '127.0.20.2', args: ['/cert:ignore', ...CREDS] },
  { server: 'freerdp-all', address: '127.0.20.2', args: ['/cert:ignore', ...CREDS, '/sec:tls'] },
];
const TIMEOUT_S = 12;

// Keeps the lines that say what the protocol did; drops timestamps, the build banner and kill-time backtraces.
function relevant(lines) {
  return lines
    .map((l) => l.replace(/\[[0-9:]+\] \[[0-9:]+\] /g, '').trim())
    .filter((l) => l !== '' && !/Build configuration|com\.freerdp\.utils\] - (\d+:|Called from)|com\.winpr\.timezone|Client Info Packet Flags|resetting error state/.test(l))
    .filter((l) => /nego|connection\]|nla|tls|crypto|ERROR|WARN|certificate|Certificate|trust|Authentication/i.test(l));
}

function summarize(lines, exit) {
  const states = [...lines.join('\n').matchAll(/--> (CONNECTION_STATE_\w+)/g)].map((m) => m[1]);
  const requested = lines.join('\n').match(/RequestedProtocols: (\d+)/)?.[1];
  const selected = lines.join('\n').match(/selected_protocol: (\d+)/)?.[1];
  const errors = [...new Set([...lines.join('\n').matchAll(/(ERRCONNECT_\w+|ERRINFO_\w+)/g)].map((m) => m[1]))];
  const last = states.at(-1) ?? null;
  const failedTls = lines.some((l) => /Failed to connect with (TLS|NLA) security|ERRCONNECT_TLS_CONNECT_FAILED/.test(l));
  const certPrompt = lines.some((l) => /Do you trust the above certificate/.test(l));
  const authOnlyOk = lines.some((l) => /Authentication only, exit status 0/.test(l));
  let outcome;
  if (authOnlyOk) outcome = 'authenticated (auth-only)';
  else if (exit === 124 && last === 'CONNECTION_STATE_FINALIZATION') outcome = 'connected (session still open at the deadline)';
  else if (exit === 124 && last === 'CONNECTION_STATE_ACTIVE') outcome = 'connected (session still open at the deadline)';
  else if (certPrompt) outcome = 'refused the certificate (prompt, no answer on stdin)';
  else if (failedTls) outcome = 'failed at the TLS step';
  else if (states.includes('CONNECTION_STATE_NLA') && !states.includes('CONNECTION_STATE_MCS_CONNECT')) outcome = 'failed at the CredSSP step (server closed after the NTLM AUTHENTICATE)';
  else outcome = `failed (last state ${last ?? 'none'})`;
  return { outcome, requested_protocols: requested ? Number(requested) : null, selected_protocol: selected ? Number(selected) : null, last_state: last, errors };
}

const results = [];
for (const run of RUNS) {
  const args = ['-k', '2', String(TIMEOUT_S), 'xfreerdp', `/v:${run.address}`, '/log-level:DEBUG', ...run.args];
  const r = spawnSync('timeout', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  const lines = relevant(`${r.stdout}\n${r.stderr}`.split('\n'));
  const s = summarize(lines, r.status);
  const shownArgs = run.args.map((a) => (a.startsWith('/p:') ? '/p:***' : a));
  console.log(`${run.server} ${shownArgs.join(' ')}: ${s.outcome}`);
  results.push({ server: run.server, address: run.address, options: shownArgs, ...(run.note ? { note: run.note } : {}), exit_code: r.status, ...s, log: lines });
}
const out = {
  name: 'xfreerdp-2.11-lab-results',
  source: 'lab/tools/xfreerdp-lab-results.mjs: xfreerdp 2.11.7 (Debian 12 freerdp2-x11 2.11.7+dfsg1-6~deb12u1, OpenSSL 3.0) run against the rdprobe lab on loopback, /log-level:DEBUG, stdin closed, killed after 12 s',
  client: 'xfreerdp 2.11.7',
  recorded_at: new Date().toISOString(),
  results,
};
writeFileSync(process.argv[2], `${JSON.stringify(out, null, 2)}\n`);
