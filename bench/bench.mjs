#!/usr/bin/env node
// rdprobe benchmark: `npm run bench` (= node bench/bench.mjs). Prints measured figures; asserts nothing.
//
//   node bench/bench.mjs [sections...] [--json FILE]
//   sections: startup x224 single closed sixteen firewalled peers report   (default: all, in that order)
//
// Environment (all optional):
//   BENCH_SINGLE_RUNS  runs per host for the single-host figures (default 10)
//   BENCH_X224_RUNS    raw connect + X.224 samples per server (default 10)
//   BENCH_RUNS         runs of every scan-level figure (closed /20, /16, lab set, nmap, sslscan) (default 3)
//   BENCH_C            concurrency values tried on the closed /20 (default "128,256,512,1024")
//   BENCH_SSLSCAN_SEQ  0 to skip the one sequential sslscan pass (about a minute)
//   BENCH_DEADLINE_S   hard limit for the whole run (default 1500 s); every child also has its own timeout
//
// Only loopback addresses are touched: the lab (127.0.10.x, 127.0.20.x) and closed 127.1.0.0/20, 127.2.0.0/16;
// the firewalled figures use 10.77.0.0/16 inside a network namespace this script creates (routed to its own
// loopback, SYNs dropped by an iptables rule there) and 127.3.0.0/22 beside the lab, silenced by a DROP rule this
// script adds and removes (root, Linux).
// The lab is started with `bash lab/lab.sh start` when it is down, and stopped at the end only if this run
// started it. Every child process is ours, tracked by pid, and killed by pid on timeout.
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(ROOT, 'dist/src/cli/main.js');
const RSS_RUN = join(ROOT, 'bench/rss-run.mjs');
const LAB = join(ROOT, 'lab/lab.sh');

const envInt = (k, d) => (process.env[k] !== undefined && process.env[k] !== '' ? Math.max(1, Number.parseInt(process.env[k], 10) || d) : d);
const SINGLE_RUNS = envInt('BENCH_SINGLE_RUNS', 10);
const X224_RUNS = envInt('BENCH_X224_RUNS', 10);
const RUNS = envInt('BENCH_RUNS', 3);
const C_VALUES = (process.env.BENCH_C ?? '128,256,512,1024').split(',').map((s) => Number.parseInt(s, 10)).filter((n) => n > 0);
const SSLSCAN_SEQ = process.env.BENCH_SSLSCAN_SEQ !== '0';
const DEADLINE_S = envInt('BENCH_DEADLINE_S', 1500);

const SECTIONS = ['startup', 'x224', 'single', 'closed', 'sixteen', 'firewalled', 'tls', 'peers', 'report'];
const argv = process.argv.slice(2);
let jsonOut = null;
const wanted = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--json') jsonOut = argv[++i];
  else if (SECTIONS.includes(argv[i])) wanted.push(argv[i]);
  else {
    console.error(`bench: unknown argument "${argv[i]}" (sections: ${SECTIONS.join(' ')}; --json FILE)`);
    process.exit(2);
  }
}
const run = (s) => wanted.length === 0 || wanted.includes(s);

const TARGET_SINGLE_MS = 300;
const TARGET_16_S = 12;
const TARGET_16_MB = 150;
const TARGET_FIREWALLED_16_S = 180;
const FIREWALLED_16 = '10.77.0.0/16';
const FIREWALLED_NEAR_LAB = '127.3.0.0/22';
const TARGET_PEER_RATIO = 5;

// The servers the single-host and X.224 figures use; the live set is every xrdp and FreeRDP lab server.
const SINGLE_HOSTS = [
  { name: 'xrdp-tls', addr: '127.0.10.2' },
  { name: 'xrdp-negotiate', addr: '127.0.10.1' },
  { name: 'xrdp-rdp-high', addr: '127.0.10.5' },
  { name: 'freerdp-nla', addr: '127.0.20.1' },
  { name: 'freerdp-all', addr: '127.0.20.2' },
];
const LIVE_SPEC = ['127.0.10.1-14', '127.0.20.1-2'];
const LIVE_HOSTS = [...Array.from({ length: 14 }, (_, i) => `127.0.10.${i + 1}`), '127.0.20.1', '127.0.20.2'];
const CLOSED_20 = '127.1.0.0/20';
const CLOSED_16 = '127.2.0.0/16';
const CORRECTNESS_HOSTS = [
  { name: 'xrdp-negotiate', addr: '127.0.10.1' },
  { name: 'xrdp-tls', addr: '127.0.10.2' },
  { name: 'freerdp-nla', addr: '127.0.20.1' },
];

const results = { started_at: new Date().toISOString(), machine: null, sections: {} };
const summary = []; // rows of the final table
const children = new Set();
const tmp = mkdtempSync(join(os.tmpdir(), 'rdprobe-bench-'));
let labStartedByUs = false;

// ------------------------------------------------------------------ helpers
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const min = (xs) => Math.min(...xs.filter((x) => Number.isFinite(x)));
const max = (xs) => Math.max(...xs.filter((x) => Number.isFinite(x)));
const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '-');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const say = (s = '') => process.stdout.write(s + '\n');
const head = (s) => say(`\n== ${s} ${'='.repeat(Math.max(0, 74 - s.length))}\n   (load average ${load()})`);

function table(rows, align = []) {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows
    .map((r, ri) => {
      const line = r.map((c, i) => (align[i] === 'l' ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ');
      return ri === 0 ? `   ${line}\n   ${w.map((n) => '-'.repeat(n)).join('  ')}` : `   ${line}`;
    })
    .join('\n');
}

/**
 * Runs a command, bounded. stdout goes to a file (stdoutFile) or is collected. Returns wall ms (spawn to exit),
 * exit code, stdout/stderr text and whether it timed out (then the child, ours, was killed by pid).
 */
function exec(cmd, args, { timeoutMs = 120_000, stdoutFile = null, cwd = ROOT, env = undefined } = {}) {
  return new Promise((resolvePromise) => {
    const fd = stdoutFile ? openSync(stdoutFile, 'w') : null;
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, env: env ? { ...process.env, ...env } : process.env, stdio: ['ignore', fd ?? 'pipe', 'pipe'] });
    children.add(child);
    const out = [];
    const err = [];
    child.stdout?.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const done = (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      clearTimeout(timer);
      children.delete(child);
      if (fd !== null) closeSync(fd);
      resolvePromise({ code, signal, wallMs, timedOut, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    };
    child.on('error', (e) => {
      err.push(Buffer.from(String(e)));
      done(-1, null);
    });
    child.on('close', done);
  });
}

const rdprobeArgs = (targets, extra = []) => ['scan', ...targets, '-f', 'ndjson', '--no-progress', ...extra];
const parseNdjson = (text) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .filter((r) => r && typeof r.target === 'string' && r.timings_ms);
const rssOf = (stderr) => {
  const m = /@@bench maxrss_kb=(\d+) vmhwm_kb=(\d*)/.exec(stderr);
  return m ? { maxrssKb: Number(m[1]), vmhwmKb: m[2] ? Number(m[2]) : null } : { maxrssKb: NaN, vmhwmKb: null };
};
const countLines = (file) => {
  const b = readFileSync(file);
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b[i] === 10) n++;
  return n;
};
const which = (bin) => {
  try {
    return execFileSync('bash', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
};
const firstLine = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] })
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean)[0];
  } catch {
    return null;
  }
};

// ------------------------------------------------------------------ machine
function machine() {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? '?';
  const sslscanV = (() => {
    try {
      return execFileSync('sslscan', ['--version'], { encoding: 'utf8', timeout: 10_000 }).replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((s) => s.trim()).filter(Boolean).join(', ');
    } catch {
      return null;
    }
  })();
  let rev = null;
  try {
    rev = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a checkout
  }
  return {
    cpu,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    ram_gib: +(os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    kernel: os.release(),
    nmap: which('nmap') ? firstLine('nmap', ['--version']) : null,
    sslscan: sslscanV,
    rdprobe_commit: rev,
    date: new Date().toISOString(),
  };
}

// ------------------------------------------------------------------ lab
async function labStatus() {
  const r = await exec('bash', [LAB, 'status'], { timeoutMs: 120_000 });
  const up = new Set();
  for (const line of r.stdout.split('\n')) {
    const m = /^\S+\s+(127\.\S+)\s+up\b/.exec(line);
    if (m) up.add(m[1]);
  }
  return up;
}

async function ensureLab() {
  let up = await labStatus();
  const missing = LIVE_HOSTS.filter((h) => !up.has(h));
  if (missing.length === 0) {
    say(`lab: already running (all ${LIVE_HOSTS.length} live servers answer); it is left running`);
    return;
  }
  const nothingUp = up.size === 0;
  say(`lab: ${missing.length} live server(s) down (${missing.join(' ')}); running bash lab/lab.sh start`);
  const r = await exec('bash', [LAB, 'start'], { timeoutMs: 600_000 });
  if (r.code !== 0) {
    say(r.stdout + r.stderr);
    throw new Error('lab start failed');
  }
  labStartedByUs = nothingUp; // stop it at the end only when this run brought it up from nothing
  if (!nothingUp) say('lab: part of it was running before; it is left running at the end');
  up = await labStatus();
  const still = LIVE_HOSTS.filter((h) => !up.has(h));
  if (still.length) throw new Error(`lab servers still down after start: ${still.join(' ')}`);
}

async function stopLabIfOurs() {
  if (!labStartedByUs) return;
  say('lab: stopping it (this run started it)');
  await exec('bash', [LAB, 'stop'], { timeoutMs: 120_000 });
  labStartedByUs = false;
}

// ------------------------------------------------------------------ raw X.224
/** Connection Request with an mstshash cookie and RDP_NEG_REQ (requestedProtocols), [MS-RDPBCGR] 2.2.1.1. */
function connectionRequest(requested) {
  const cookie = Buffer.from('Cookie: mstshash=bench\r\n', 'latin1');
  const neg = Buffer.from([0x01, 0x00, 0x08, 0x00, requested & 0xff, (requested >> 8) & 0xff, 0, 0]);
  const x224 = Buffer.concat([Buffer.from([0, 0xe0, 0, 0, 0, 0, 0]), cookie, neg]);
  x224[0] = x224.length - 1;
  const tpkt = Buffer.from([3, 0, 0, 0]);
  tpkt.writeUInt16BE(4 + x224.length, 2);
  return Buffer.concat([tpkt, x224]);
}

/** One TCP connect + Connection Request -> first complete TPKT answer, timed with node:net only. */
function rawX224(addr, requested, timeoutMs = 5000) {
  return new Promise((res) => {
    const t0 = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    const s = net.connect({ host: addr, port: 3389 });
    s.setNoDelay(true);
    let connectMs = NaN;
    let buf = Buffer.alloc(0);
    let settled = false;
    const finish = (r) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      res(r);
    };
    const timer = setTimeout(() => finish({ ok: false, error: 'timeout', connectMs, totalMs: ms() }), timeoutMs);
    s.on('error', (e) => finish({ ok: false, error: e.code ?? String(e), connectMs, totalMs: ms() }));
    s.on('connect', () => {
      connectMs = ms();
      s.write(connectionRequest(requested));
    });
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf[0] === 3 && buf.length >= buf.readUInt16BE(2)) {
        const total = ms();
        // Connection Confirm: X.224 code 0xD0; its RDP_NEG_RSP type 0x02 carries the selected protocol.
        const cc = buf[5] === 0xd0;
        const selected = cc && buf.length >= 19 && buf[11] === 0x02 ? buf.readUInt32LE(15) : null;
        finish({ ok: cc, connectMs, totalMs: total, x224Ms: total - connectMs, selected });
      }
    });
    s.on('close', () => finish({ ok: false, error: 'closed', connectMs, totalMs: ms() }));
  });
}

async function sectionX224() {
  head(`Server side: raw TCP connect + X.224 Connection Confirm (node:net, ${X224_RUNS} runs each, sequential)`);
  say('   requestedProtocols = SSL|HYBRID|HYBRID_EX (0x0B, what mstsc sends); the server forks/accepts, parses, answers.');
  const rows = [['server', 'address', 'connect med', 'X.224 med', 'X.224 min', 'X.224 max', 'conn+X.224 med', 'ok']];
  const out = {};
  for (const h of SINGLE_HOSTS) {
    const samples = [];
    for (let i = 0; i < X224_RUNS; i++) samples.push(await rawX224(h.addr, 0x0b));
    const ok = samples.filter((s) => s.ok);
    const x = ok.map((s) => s.x224Ms);
    out[h.name] = {
      addr: h.addr,
      ok: ok.length,
      runs: samples.length,
      connect_ms_median: median(ok.map((s) => s.connectMs)),
      x224_ms_median: median(x),
      x224_ms_min: min(x),
      x224_ms_max: max(x),
      total_ms_median: median(ok.map((s) => s.totalMs)),
      errors: samples.filter((s) => !s.ok).map((s) => s.error),
    };
    const o = out[h.name];
    rows.push([h.name, h.addr, f1(o.connect_ms_median), f1(o.x224_ms_median), f1(o.x224_ms_min), f1(o.x224_ms_max), f1(o.total_ms_median), `${ok.length}/${samples.length}`]);
  }
  say(table(rows, ['l', 'l']));
  say('   (ms; "X.224" = Connection Request written -> complete Connection Confirm read)');
  results.sections.x224 = out;
  return out;
}

// ------------------------------------------------------------------ startup
/**
 * Start-up (issue 19): a scan of one closed loopback port (start-up, one refused connect, the record on stdout), in
 * each form rdprobe is run in, against `node -e 0`; medians of BENCH_STARTUP_RUNS runs (default 21), the forms taken
 * in turn within each round so that load on a shared machine falls on all of them alike. Target: the package and
 * the one file within 1.5x of node -e 0. Both run from V8's code cache after their first run (scripts/bundle.mjs);
 * each form has a cache folder of its own, made by a warm-up run, and the first run of a machine (no cache yet, a
 * fresh folder every round) is shown beside them. The TypeScript build run from a clone is shown for comparison
 * (about 300 modules to load: no target).
 */
async function sectionStartup() {
  const { copyFileSync, mkdirSync } = await import('node:fs');
  const runs = envInt('BENCH_STARTUP_RUNS', 21);
  const TARGET_RATIO = 1.5;
  const CLOSED = '127.0.40.1'; // the lab's closed address: nothing listens there, lab up or not
  head(`Start-up: rdprobe scan ${CLOSED} (a closed port) vs node -e 0, median of ${runs} runs`);
  // The forms: the one-file build copied into an empty folder, and the package installed from `npm pack` as a user
  // installs it (its `rdprobe` command), both made from the dist/ this run measures.
  const made = await exec(process.execPath, [join(ROOT, 'scripts/bundle.mjs')], { timeoutMs: 120_000 });
  if (made.code !== 0) throw new Error(`scripts/bundle.mjs failed: ${made.stderr}`);
  const oneDir = join(tmp, 'startup-one-file');
  mkdirSync(oneDir);
  copyFileSync(join(ROOT, 'dist/rdprobe.mjs'), join(oneDir, 'rdprobe.mjs'));
  const packDir = join(tmp, 'startup-package');
  mkdirSync(packDir);
  const packed = await exec('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', packDir], { timeoutMs: 120_000 });
  const tarball = join(packDir, packed.stdout.trim().split('\n').pop() ?? '');
  const installed = await exec('npm', ['install', '--prefix', join(packDir, 'prefix'), '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--offline', tarball], { timeoutMs: 300_000 });
  if (packed.code !== 0 || installed.code !== 0) throw new Error(`npm pack / install failed: ${packed.stderr}${installed.stderr}`);
  const scan = ['scan', CLOSED, '-f', 'ndjson', '-q'];
  const cacheDir = (name) => ({ RDPROBE_CACHE_DIR: join(tmp, `startup-cache-${name}`) });
  const forms = [
    { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'], cwd: ROOT },
    { name: 'package (npm pack, installed: rdprobe scan ...)', cmd: join(packDir, 'prefix/node_modules/.bin/rdprobe'), args: scan, cwd: packDir, env: cacheDir('package'), target: true },
    { name: 'one file (node rdprobe.mjs scan ..., empty folder)', cmd: process.execPath, args: [join(oneDir, 'rdprobe.mjs'), ...scan], cwd: oneDir, env: cacheDir('one-file'), target: true },
    { name: 'one file, first run (no code cache yet)', cmd: process.execPath, args: [join(oneDir, 'rdprobe.mjs'), ...scan], cwd: oneDir, env: (i) => cacheDir(`cold-${i}`) },
    { name: 'clone (node dist/src/cli/main.js scan ...)', cmd: process.execPath, args: [MAIN, ...scan], cwd: ROOT },
  ];
  // The warm-up run of each cached form writes its cache.
  for (const f of forms) if (f.env && typeof f.env !== 'function') await exec(f.cmd, f.args, { timeoutMs: 60_000, cwd: f.cwd, env: f.env });
  const walls = forms.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [j, f] of forms.entries()) {
      const r = await exec(f.cmd, f.args, { timeoutMs: 60_000, cwd: f.cwd, env: typeof f.env === 'function' ? f.env(i) : f.env });
      if (r.code !== 0) throw new Error(`${f.name} exited ${r.code}: ${r.stderr}`);
      walls[j].push(r.wallMs);
    }
  }
  const bare = median(walls[0]);
  const rows = [['command', 'median ms', 'min ms', 'x node -e 0', 'target']];
  const out = { runs, node_bare_ms_median: bare, forms: [] };
  for (const [j, f] of forms.entries()) {
    const m = median(walls[j]);
    const ratio = m / bare;
    out.forms.push({ name: f.name, median_ms: m, min_ms: min(walls[j]), ratio });
    rows.push([f.name, f0(m), f0(min(walls[j])), j === 0 ? '1.00' : f2(ratio), f.target ? `<= ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'MET' : 'NOT MET'}` : '']);
    if (f.target) summary.push([`start-up, ${f.name.split(' (')[0]}: scan of a closed port`, `${f0(m)} ms = ${f2(ratio)}x node -e 0 (${f0(bare)} ms)`, `<= ${TARGET_RATIO}x`, ratio <= TARGET_RATIO ? 'MET' : 'NOT MET']);
  }
  say(table(rows, ['l']));
  say('   Wall time from spawn to exit. A scan loads only what it uses: the X.509 parser on the first certificate, TLS and');
  say('   crypto on the first handshake, YAML on a YAML policy (the one file carries those as text compiled on first use).');
  say('   The package and the one file compile from V8\'s code cache after their first run (RDPROBE_CACHE_DIR; "first run"');
  say('   is a fresh cache folder every time).');
  results.sections.startup = out;
  return out;
}

// ------------------------------------------------------------------ single host
async function sectionSingle(x224) {
  head(`Single live host: full probe (all checks), ${SINGLE_RUNS} sequential runs per server`);
  const rows = [['server', 'address', 'total med', 'total min', 'wall med', 'wall min', 'conns', 'raw X.224 med', 'total/X.224', 'status']];
  const out = {};
  for (const h of SINGLE_HOSTS) {
    const totals = [];
    const walls = [];
    const conns = [];
    const statuses = new Set();
    for (let i = 0; i < SINGLE_RUNS; i++) {
      const r = await exec(process.execPath, [MAIN, ...rdprobeArgs([h.addr])], { timeoutMs: 60_000 });
      const rec = parseNdjson(r.stdout)[0];
      walls.push(r.wallMs);
      if (rec) {
        totals.push(rec.timings_ms.total);
        conns.push(rec.connections);
        statuses.add(rec.status);
      } else statuses.add(r.timedOut ? 'timeout' : `exit ${r.code}`);
    }
    const raw = x224?.[h.name]?.x224_ms_median;
    const o = {
      addr: h.addr,
      runs: SINGLE_RUNS,
      total_ms_median: median(totals),
      total_ms_min: min(totals),
      wall_ms_median: median(walls),
      wall_ms_min: min(walls),
      connections_median: median(conns),
      raw_x224_ms_median: raw ?? null,
      statuses: [...statuses],
    };
    out[h.name] = o;
    rows.push([h.name, h.addr, f1(o.total_ms_median), f1(o.total_ms_min), f0(o.wall_ms_median), f0(o.wall_ms_min), f0(o.connections_median), f1(raw), raw ? `${f1(o.total_ms_median / raw)}x` : '-', o.statuses.join(',')]);
  }
  say(table(rows, ['l', 'l']));
  say('   total = record timings_ms.total (inside the process: first dial to record assembled)');
  say('   wall  = process wall time (spawn to exit: Node start-up + module loading + probe + output + exit)');
  const best = Object.entries(out).sort((a, b) => a[1].total_ms_median - b[1].total_ms_median)[0];
  const bestWall = Object.entries(out).sort((a, b) => a[1].wall_ms_median - b[1].wall_ms_median)[0];
  const typical = out['xrdp-negotiate'];
  const met = (x) => (x < TARGET_SINGLE_MS ? 'MET' : 'NOT MET');
  say(`   target < ${TARGET_SINGLE_MS} ms for a full probe of one live loopback host:`);
  say(`     probe time (timings_ms.total), fastest server ${best[0]}: median ${f1(best[1].total_ms_median)} ms -> ${met(best[1].total_ms_median)}`);
  say(`     probe time (timings_ms.total), typical server xrdp-negotiate: median ${f1(typical?.total_ms_median)} ms -> ${met(typical?.total_ms_median)}`);
  say(`     process wall time, fastest server ${bestWall[0]}: median ${f0(bestWall[1].wall_ms_median)} ms -> ${met(bestWall[1].wall_ms_median)}`);
  results.sections.single = out;
  for (const [name, o] of Object.entries(out)) {
    summary.push([`single host ${name} (timings_ms.total / process wall)`, `${f0(o.total_ms_median)} / ${f0(o.wall_ms_median)} ms (min ${f0(o.total_ms_min)} / ${f0(o.wall_ms_min)})`, `< ${TARGET_SINGLE_MS} ms`, `${met(o.total_ms_median)} / ${met(o.wall_ms_median)}`]);
  }
  return out;
}

// ------------------------------------------------------------------ closed ranges
async function closedRun(spec, c, hosts, timeoutMs) {
  const file = join(tmp, 'closed.ndjson');
  const extra = c === null ? [] : ['-c', String(c)];
  const r = await exec(process.execPath, [RSS_RUN, ...rdprobeArgs([spec], extra)], { timeoutMs, stdoutFile: file });
  const lines = countLines(file);
  rmSync(file, { force: true });
  const { maxrssKb, vmhwmKb } = rssOf(r.stderr);
  return { wallMs: r.wallMs, lines, complete: lines === hosts && r.code === 0 && !r.timedOut, timedOut: r.timedOut, code: r.code, maxrssMb: maxrssKb / 1024, vmhwmMb: vmhwmKb === null ? null : vmhwmKb / 1024 };
}

async function sectionClosed() {
  const hosts = 4096;
  head(`Closed ports: ${CLOSED_20} (${hosts} loopback addresses, nothing listens), ${RUNS} runs per -c`);
  const rows = [['-c', 'wall med s', 'wall min s', 'hosts/s (med)', 'peak RSS med MB', 'records']];
  const out = {};
  for (const c of C_VALUES) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await closedRun(CLOSED_20, c, hosts, 180_000));
    const wall = median(runs.map((r) => r.wallMs)) / 1000;
    out[c] = {
      wall_s_median: wall,
      wall_s_min: min(runs.map((r) => r.wallMs)) / 1000,
      hosts_per_s_median: hosts / wall,
      peak_rss_mb_median: median(runs.map((r) => r.maxrssMb)),
      complete: runs.every((r) => r.complete),
      runs: runs.map((r) => ({ wall_s: r.wallMs / 1000, rss_mb: r.maxrssMb, records: r.lines, timed_out: r.timedOut })),
    };
    const o = out[c];
    rows.push([`${c}${c === 128 ? ' (default)' : ''}`, f2(o.wall_s_median), f2(o.wall_s_min), f0(o.hosts_per_s_median), f0(o.peak_rss_mb_median), o.complete ? `${hosts} ok` : runs.map((r) => r.lines).join('/')]);
  }
  say(table(rows, ['l']));
  say('   wall = process wall time (includes ~start-up); peak RSS = process.resourceUsage().maxRSS via bench/rss-run.mjs');
  const best = Object.entries(out).filter(([, o]) => o.complete).sort((a, b) => a[1].wall_s_median - b[1].wall_s_median)[0];
  results.sections.closed = out;
  if (best) {
    say(`   fastest: -c ${best[0]}, ${f0(best[1].hosts_per_s_median)} hosts/s`);
    summary.push([`closed ${CLOSED_20} (4096), best -c ${best[0]}`, `${f2(best[1].wall_s_median)} s, ${f0(best[1].hosts_per_s_median)} hosts/s, ${f0(best[1].peak_rss_mb_median)} MB`, '', '']);
  }
  if (out[128] && best?.[0] !== '128') summary.push([`closed ${CLOSED_20} (4096), default -c 128`, `${f2(out[128].wall_s_median)} s, ${f0(out[128].hosts_per_s_median)} hosts/s, ${f0(out[128].peak_rss_mb_median)} MB`, '', '']);
  return best ? Number(best[0]) : null;
}

async function sectionSixteen(bestC) {
  const hosts = 65536;
  const cs = [null, ...(bestC && bestC !== 128 ? [bestC] : [])];
  head(`A /16 of closed loopback addresses: ${CLOSED_16} (${hosts} hosts), ${RUNS} runs per -c`);
  const rows = [['-c', 'wall med s', 'wall min s', 'hosts/s (med)', 'peak RSS med MB', 'peak RSS max MB', 'records']];
  const out = {};
  for (const c of cs) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await closedRun(CLOSED_16, c, hosts, 240_000);
      runs.push(r);
      if (r.timedOut) break; // one 240 s timeout is figure enough
    }
    const key = c ?? 'default (128)';
    const wall = median(runs.map((r) => r.wallMs)) / 1000;
    out[key] = {
      wall_s_median: wall,
      wall_s_min: min(runs.map((r) => r.wallMs)) / 1000,
      hosts_per_s_median: hosts / wall,
      peak_rss_mb_median: median(runs.map((r) => r.maxrssMb)),
      peak_rss_mb_max: max(runs.map((r) => r.maxrssMb)),
      complete: runs.every((r) => r.complete),
      runs: runs.map((r) => ({ wall_s: r.wallMs / 1000, rss_mb: r.maxrssMb, records: r.lines, timed_out: r.timedOut })),
    };
    const o = out[key];
    rows.push([String(key), f2(o.wall_s_median), f2(o.wall_s_min), f0(o.hosts_per_s_median), f0(o.peak_rss_mb_median), f0(o.peak_rss_mb_max), o.complete ? `${hosts} ok` : runs.map((r) => (r.timedOut ? 'timeout' : r.lines)).join('/')]);
  }
  say(table(rows, ['l']));
  for (const [k, o] of Object.entries(out)) {
    const t = o.wall_s_median < TARGET_16_S ? 'MET' : 'NOT MET';
    const m = o.peak_rss_mb_max < TARGET_16_MB ? 'MET' : 'NOT MET';
    say(`   -c ${k}: time target < ${TARGET_16_S} s ${t}; memory target < ${TARGET_16_MB} MB ${m}`);
    summary.push([`closed /16 ${CLOSED_16}, -c ${k}: wall`, `${f1(o.wall_s_median)} s (${f0(o.hosts_per_s_median)} hosts/s)`, `< ${TARGET_16_S} s`, t]);
    summary.push([`closed /16 ${CLOSED_16}, -c ${k}: peak RSS`, `${f0(o.peak_rss_mb_median)} MB (max ${f0(o.peak_rss_mb_max)})`, `< ${TARGET_16_MB} MB`, m]);
  }
  results.sections.sixteen = out;
}

// ------------------------------------------------------------------ firewalled
const FW_MARK = 'rdprobe-bench-firewalled';
const fwRule = ['INPUT', '-p', 'tcp', '--syn', '-d', FIREWALLED_NEAR_LAB, '-m', 'comment', '--comment', FW_MARK, '-j', 'DROP'];
const tryRun = (cmd, args) => {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
};

/** nmap -T4 on a silent /16 runs for most of an hour: the bench stops it here and says so. */
const NMAP_FIREWALLED_CAP_S = 300;

async function sectionFirewalled() {
  head(`Firewalled addresses: ${FIREWALLED_16} silent (SYNs dropped) in a namespace of our own; ${FIREWALLED_NEAR_LAB} silent beside the 16 live lab servers`);
  if (process.platform !== 'linux' || process.getuid?.() !== 0 || !which('iptables')) {
    say('   skipped: needs Linux, root, ip netns and iptables (Debian: apt-get install -y iptables)');
    return;
  }
  const ns = `rdprobe-bench-fw-${process.pid}`;
  const inNs = (cmd, args) => ['netns', 'exec', ns, cmd, ...args];
  const out = { rdprobe_16: null, nmap_16: null, near_lab: null };
  try {
    if (!tryRun('ip', ['netns', 'add', ns])) throw new Error('ip netns add failed');
    for (const a of [['link', 'set', 'lo', 'up'], ['route', 'add', 'local', FIREWALLED_16, 'dev', 'lo']]) tryRun('ip', inNs('ip', a));
    tryRun('ip', inNs('iptables', ['-A', 'INPUT', '-p', 'tcp', '--syn', '-d', FIREWALLED_16, '-j', 'DROP']));
    // rdprobe at its defaults (5 s per step): every address waits out its connect timeout.
    const file = join(tmp, 'fw16.ndjson');
    const r = await exec('ip', inNs(process.execPath, [RSS_RUN, ...rdprobeArgs([FIREWALLED_16])]), { timeoutMs: 900_000, stdoutFile: file });
    const lines = countLines(file);
    rmSync(file, { force: true });
    out.rdprobe_16 = { wall_s: r.wallMs / 1000, records: lines, rss_mb: rssOf(r.stderr).maxrssKb / 1024, timed_out: r.timedOut };
    if (which('nmap')) {
      // nmap -T4 waits out its retransmissions on every silent address: bounded, and reported as such when cut.
      const n = await exec('ip', inNs('nmap', ['-Pn', '-n', '-p3389', '-T4', FIREWALLED_16]), { timeoutMs: NMAP_FIREWALLED_CAP_S * 1000 });
      out.nmap_16 = { wall_s: n.wallMs / 1000, timed_out: n.timedOut };
    }
  } finally {
    tryRun('ip', ['netns', 'del', ns]);
  }
  const o = out.rdprobe_16;
  const rows = [['tool', 'flags', 'wall s', 'peak RSS MB', 'result']];
  rows.push(['rdprobe', 'defaults (-c 128, 5 s, connect stage up to 4096)', f1(o.wall_s), f0(o.rss_mb), o.timed_out ? 'timeout' : `${o.records} records`]);
  if (out.nmap_16) rows.push(['nmap', '-Pn -n -p3389 -T4', out.nmap_16.timed_out ? `> ${NMAP_FIREWALLED_CAP_S}` : f1(out.nmap_16.wall_s), '', out.nmap_16.timed_out ? `stopped after ${NMAP_FIREWALLED_CAP_S} s` : 'done']);
  else rows.push(['nmap', '', '', '', 'not installed']);
  say(table(rows, ['l', 'l']));
  const met = !o.timed_out && o.records === 65536 && o.wall_s < TARGET_FIREWALLED_16_S ? 'MET' : 'NOT MET';
  summary.push([`firewalled /16 (${FIREWALLED_16}), defaults`, `${f1(o.wall_s)} s${out.nmap_16 ? `; nmap -T4 ${out.nmap_16.timed_out ? `> ${NMAP_FIREWALLED_CAP_S}` : f1(out.nmap_16.wall_s)} s` : ''}`, `< ${TARGET_FIREWALLED_16_S} s`, met]);

  // 1024 silent addresses beside the 16 live lab servers, in one scan at the defaults.
  await ensureLab();
  while (tryRun('iptables', ['-D', ...fwRule]));
  tryRun('iptables', ['-I', ...fwRule]);
  try {
    const r = await exec(process.execPath, [MAIN, ...rdprobeArgs([FIREWALLED_NEAR_LAB, ...LIVE_HOSTS])], { timeoutMs: 300_000 });
    const recs = parseNdjson(r.stdout);
    const live = recs.filter((x) => LIVE_HOSTS.includes(x.host));
    const full = live.filter((x) => x.status === 'ok' && Object.keys(x.not_measured ?? {}).length === 0).length;
    out.near_lab = { wall_s: r.wallMs / 1000, live_fully_probed: full, live_unreachable: live.filter((x) => x.status === 'unreachable').length, records: recs.length };
    say(`   ${FIREWALLED_NEAR_LAB} (1024 silent) + 16 live lab servers, defaults: ${f1(out.near_lab.wall_s)} s, live fully probed ${full}/16, live reported unreachable ${out.near_lab.live_unreachable}`);
    summary.push(['1024 firewalled + 16 live lab hosts, defaults', `${f1(out.near_lab.wall_s)} s, ${full}/16 live fully probed`, '16/16, none unreachable', full === 16 && out.near_lab.live_unreachable === 0 ? 'MET' : 'NOT MET']);
  } finally {
    while (tryRun('iptables', ['-D', ...fwRule]));
  }
  results.sections.firewalled = out;
}

// ------------------------------------------------------------------ TLS deep mode vs sslscan
/** The deep TLS scan of one host (every suite per version, order, groups...) beside sslscan --rdp on the same host. */
const TLS_HOSTS = [
  { name: 'xrdp-tls (23 suites, client order)', addr: '127.0.10.2' },
  { name: 'xrdp-server-order (7 suites, server order)', addr: '127.0.11.2' },
];
const TARGET_TLS_RATIO = 0.5;

/** Accepted suite ids per TLS version, as a comparable string. */
function suiteKey(map) {
  return Object.keys(map).sort().map((v) => `${v}:${[...map[v]].sort().join(',')}`).join(' ');
}

async function sectionTls() {
  head(`TLS deep mode: rdprobe --tls-suites vs sslscan --rdp on the same host, ${RUNS} runs each (median)`);
  if (!which('sslscan')) {
    say('   skipped: sslscan is not installed (Debian: apt-get install -y sslscan)');
    return;
  }
  await ensureLab();
  // rdprobe as it is installed (the one file, npm's `rdprobe` command), from its code cache (a warm-up run writes it).
  const made = await exec(process.execPath, [join(ROOT, 'scripts/bundle.mjs')], { timeoutMs: 120_000 });
  if (made.code !== 0) throw new Error(`scripts/bundle.mjs failed: ${made.stderr}`);
  const env = { RDPROBE_CACHE_DIR: join(tmp, 'tls-cache') };
  const deep = (addr) => [join(ROOT, 'dist/rdprobe.mjs'), 'scan', addr, '--tls-suites', '--no-udp', '--no-credssp', '--no-rdp-security', '-f', 'ndjson'];
  await exec(process.execPath, deep(TLS_HOSTS[0].addr), { timeoutMs: 120_000, env });
  const rows = [['host', 'rdprobe s', 'sslscan s', 'ratio', 'conns', 'same suites']];
  const out = {};
  for (const h of TLS_HOSTS) {
    const ours = [];
    const theirs = [];
    let same = null;
    let conns = null;
    for (let i = 0; i < RUNS; i++) {
      const r = await exec(process.execPath, deep(h.addr), { timeoutMs: 120_000, env });
      ours.push(r.wallMs / 1000);
      const s = await exec('sslscan', ['--rdp', '--no-colour', '--no-heartbleed', '--xml=-', `${h.addr}:3389`], { timeoutMs: 300_000 });
      theirs.push(s.wallMs / 1000);
      const rec = parseNdjson(r.stdout)[0];
      conns = rec?.connections ?? null;
      const mine = {};
      for (const [v, list] of Object.entries(rec?.tls?.cipher_suites ?? {})) if (v.startsWith('tls') && list.length) mine[v] = list.map((x) => x.id.toLowerCase());
      const peer = {};
      const map = { 'TLSv1.0': 'tls1.0', 'TLSv1.1': 'tls1.1', 'TLSv1.2': 'tls1.2', 'TLSv1.3': 'tls1.3' };
      for (const m of s.stdout.matchAll(/<cipher status="(?:accepted|preferred)" sslversion="([^"]+)"[^>]* id="(0x[0-9A-Fa-f]+)"/g)) (peer[map[m[1]]] ??= []).push(m[2].toLowerCase());
      same = (same ?? true) && suiteKey(mine) === suiteKey(peer);
    }
    const o = { rdprobe_s: median(ours), sslscan_s: median(theirs), connections: conns, same_suites: same };
    o.ratio = o.rdprobe_s / o.sslscan_s;
    out[h.addr] = o;
    rows.push([h.name, o.rdprobe_s.toFixed(2), o.sslscan_s.toFixed(2), `${o.ratio.toFixed(2)}x`, String(conns), same ? 'yes' : 'NO']);
    summary.push([`deep TLS scan of ${h.addr} vs sslscan --rdp`, `${o.rdprobe_s.toFixed(2)} s vs ${o.sslscan_s.toFixed(2)} s (${o.ratio.toFixed(2)}x), same suites: ${same ? 'yes' : 'no'}`, `<= ${TARGET_TLS_RATIO}x, same suites`, same && o.ratio <= TARGET_TLS_RATIO ? 'MET' : 'NOT MET']);
  }
  say(table(rows, ['l']));
  say('   rdprobe: process wall time of `node dist/rdprobe.mjs scan HOST --tls-suites --no-udp --no-credssp');
  say('   --no-rdp-security` (the one file, as installed; its protocol and version checks included); sslscan: `sslscan');
  say('   --rdp --no-heartbleed` (its renegotiation, compression and');
  say('   group tests included). Same suites: the accepted suite ids per TLS version are equal.');
  results.sections.tls = out;
}

// ------------------------------------------------------------------ peers
/** nmap's rdp-enum-encryption "Security layer" block per host: { host: Set of names reported SUCCESS }. */
function parseNmap(text) {
  const hosts = {};
  let cur = null;
  let inLayer = false;
  for (const line of text.split('\n')) {
    const h = /^Nmap scan report for (\S+)/.exec(line);
    if (h) {
      cur = hosts[h[1]] = { security_layer: {}, encryption_level: null, ntlm: false };
      inLayer = false;
      continue;
    }
    if (!cur) continue;
    if (/\|\s+Security layer/.test(line)) {
      inLayer = true;
      continue;
    }
    // entries: "|     CredSSP (NLA): SUCCESS" (5 columns in; the last of the script output starts "|_    ")
    const m = /^\|[_ ]\s{4}(\S.*?):\s+(\S+)\s*$/.exec(line);
    if (inLayer && m) {
      cur.security_layer[m[1]] = m[2];
      if (line.startsWith('|_')) inLayer = false;
      continue;
    }
    const lvl = /RDP Encryption level:\s*(.+)$/.exec(line);
    if (lvl) {
      cur.encryption_level = lvl[1].trim();
      inLayer = false;
    }
    if (/rdp-ntlm-info/.test(line)) cur.ntlm = true;
    if (/^\|[_ ]\s{3}\S/.test(line) && !/Security layer/.test(line)) inLayer = false;
  }
  return hosts;
}

async function sectionPeers() {
  head(`Live lab set: ${LIVE_HOSTS.length} servers (${LIVE_SPEC.join(' ')}), rdprobe vs nmap + sslscan, ${RUNS} runs`);
  const out = { rdprobe: [], nmap: [], sslscan_parallel: [], sslscan_sequential: null };
  const nmapArgs = ['-Pn', '-n', '-p', '3389', '--script', 'rdp-enum-encryption,rdp-ntlm-info', ...LIVE_HOSTS];
  let rdprobeRecords = null;
  let nmapText = null;
  const haveNmap = Boolean(which('nmap'));
  const haveSslscan = Boolean(which('sslscan'));
  if (!haveNmap || !haveSslscan) say(`   missing: ${!haveNmap ? 'nmap ' : ''}${!haveSslscan ? 'sslscan' : ''} (Debian: DEBIAN_FRONTEND=noninteractive apt-get install -y nmap sslscan)`);

  for (let i = 0; i < RUNS; i++) {
    // Interleaved, so load from other work on the machine hits both tools alike.
    const r = await exec(process.execPath, [MAIN, ...rdprobeArgs(LIVE_SPEC)], { timeoutMs: 120_000 });
    const recs = parseNdjson(r.stdout);
    out.rdprobe.push({ wall_ms: r.wallMs, records: recs.length, ok: recs.filter((x) => x.status === 'ok').length, timed_out: r.timedOut });
    rdprobeRecords ??= recs;
    if (haveNmap) {
      const n = await exec('nmap', nmapArgs, { timeoutMs: 300_000 });
      out.nmap.push({ wall_ms: n.wallMs, timed_out: n.timedOut, hosts_reported: Object.keys(parseNmap(n.stdout)).length });
      nmapText ??= n.stdout;
    }
    if (haveSslscan) {
      const t0 = process.hrtime.bigint();
      const all = await Promise.all(LIVE_HOSTS.map((h) => exec('sslscan', ['--rdp', '--no-colour', `${h}:3389`], { timeoutMs: 180_000 })));
      out.sslscan_parallel.push({ wall_ms: Number(process.hrtime.bigint() - t0) / 1e6, per_host_ms_max: max(all.map((x) => x.wallMs)), failed: all.filter((x) => x.code !== 0 || x.timedOut).length });
    }
  }
  if (haveSslscan && SSLSCAN_SEQ) {
    const per = [];
    for (const h of LIVE_HOSTS) per.push((await exec('sslscan', ['--rdp', '--no-colour', `${h}:3389`], { timeoutMs: 180_000 })).wallMs);
    out.sslscan_sequential = { wall_ms: per.reduce((a, b) => a + b, 0), per_host_ms_median: median(per), runs: 1 };
  }

  const rd = median(out.rdprobe.map((x) => x.wall_ms));
  const nm = median(out.nmap.map((x) => x.wall_ms));
  const sp = median(out.sslscan_parallel.map((x) => x.wall_ms));
  const rows = [['tool (same parallelism: all 16 hosts at once)', 'wall med s', 'wall min s', 'note']];
  rows.push(['rdprobe scan (default -c 128)', f2(rd / 1000), f2(min(out.rdprobe.map((x) => x.wall_ms)) / 1000), `${out.rdprobe[0]?.ok ?? 0}/${LIVE_HOSTS.length} status ok; process wall`]);
  if (haveNmap) rows.push(['nmap -Pn -p 3389 rdp-enum-encryption,rdp-ntlm-info', f2(nm / 1000), f2(min(out.nmap.map((x) => x.wall_ms)) / 1000), 'one nmap run, its own host parallelism']);
  if (haveSslscan) rows.push(['sslscan --rdp, 16 in parallel', f2(sp / 1000), f2(min(out.sslscan_parallel.map((x) => x.wall_ms)) / 1000), `slowest host ${f2(median(out.sslscan_parallel.map((x) => x.per_host_ms_max)) / 1000)} s`]);
  if (haveNmap && haveSslscan) rows.push(['nmap then sslscan (parallel)', f2((nm + sp) / 1000), '', 'what a user runs to get the same picture']);
  if (out.sslscan_sequential) rows.push(['sslscan --rdp, one host after another (1 run)', f2(out.sslscan_sequential.wall_ms / 1000), '', `median ${f2(out.sslscan_sequential.per_host_ms_median / 1000)} s per host`]);
  say(table(rows, ['l', 'r', 'r', 'l']));
  if (haveNmap && haveSslscan) {
    const ratio = (nm + sp) / rd;
    const v = ratio >= TARGET_PEER_RATIO ? 'MET' : 'NOT MET';
    say(`   ratio (nmap + parallel sslscan) / rdprobe = ${f1(ratio)}x   (target >= ${TARGET_PEER_RATIO}x: ${v})`);
    say(`   ratio nmap alone / rdprobe = ${f1(nm / rd)}x`);
    if (out.sslscan_sequential) say(`   ratio (nmap + sequential sslscan) / rdprobe = ${f1((nm + out.sslscan_sequential.wall_ms) / rd)}x`);
    summary.push([`live lab set (16 servers): rdprobe`, `${f2(rd / 1000)} s`, '', '']);
    summary.push([`live lab set: nmap + sslscan (parallel)`, `${f2((nm + sp) / 1000)} s (nmap ${f2(nm / 1000)} + sslscan ${f2(sp / 1000)})`, '', '']);
    summary.push([`live lab set: speed-up over nmap + sslscan`, `${f1(ratio)}x`, `>= ${TARGET_PEER_RATIO}x`, v]);
    summary.push([`live lab set: speed-up over nmap alone`, `${f1(nm / rd)}x`, '', '']);
  }
  say('   Not equal work: sslscan enumerates every cipher suite and group (rdprobe: versions only); nmap does no TLS,');
  say('   no certificate. rdprobe adds certificate analysis, CredSSP/NTLM identity, Standard RDP Security methods, findings.');

  // correctness
  if (nmapText && rdprobeRecords) {
    const nmapHosts = parseNmap(nmapText);
    say('\n   Correctness: protocol support as nmap rdp-enum-encryption reports it vs rdprobe');
    say('   nmap counts any Connection Confirm as SUCCESS; rdprobe counts a protocol only when the server SELECTS it.');
    const NMAP_NAMES = [
      ['Native RDP', 'rdp'],
      ['SSL', 'ssl'],
      ['CredSSP (NLA)', 'hybrid'],
      ['CredSSP with Early User Auth', 'hybrid_ex'],
      ['RDSTLS', 'rdstls'],
    ];
    const corr = {};
    for (const h of CORRECTNESS_HOSTS) {
      const rec = rdprobeRecords.find((r) => r.address === h.addr || r.host === h.addr);
      const nh = nmapHosts[h.addr];
      const rows2 = [['protocol', 'nmap says', 'rdprobe supported', 'rdprobe: server answered', 'agree']];
      corr[h.name] = {};
      for (const [nmapName, key] of NMAP_NAMES) {
        const n = nh?.security_layer?.[nmapName] ?? 'not listed';
        const p = rec?.protocols?.[key];
        const ans = p ? (p.selected ? `selected ${p.selected}` : p.failure_code ?? p.response) : '-';
        const nmapYes = n === 'SUCCESS';
        const agree = p ? (nmapYes === Boolean(p.supported) ? 'yes' : 'NO') : '-';
        corr[h.name][key] = { nmap: n, rdprobe_supported: p?.supported ?? null, rdprobe_answer: ans };
        rows2.push([`${key} (${nmapName})`, n, p ? String(p.supported) : '-', ans, agree]);
      }
      say(`\n   ${h.name} ${h.addr}  (nla_required: rdprobe ${rec?.nla_required}; nmap encryption level: ${nh?.encryption_level ?? '-'})`);
      say(table(rows2, ['l', 'l', 'l', 'l', 'l']));
    }
    out.correctness = corr;
  }
  results.sections.peers = out;
}

// ------------------------------------------------------------------ report
// The HTML report of a 10,000-host synthetic fleet (bench/synthetic-fleet.mjs: 10% copies of the lab's live hosts,
// 90% of a real unreachable record): its size, the time to write it, and the time headless Chromium (Debian package
// chromium, driven by playwright-core) takes from navigation to the page's data-ready mark.
async function sectionReport() {
  const N = 10_000;
  const TARGET_MB = 15;
  head(`HTML report: ${N}-host synthetic fleet, size and Chromium render time (${RUNS} runs)`);
  const labFile = join(tmp, 'report-lab.ndjson');
  const scan = await exec(process.execPath, [MAIN, 'scan', ...LIVE_HOSTS, '127.0.40.1', '-q', '-o', labFile], { timeoutMs: 120_000 });
  if (scan.code !== 0) throw new Error(`lab scan for the report failed (exit ${scan.code}): ${scan.stderr.slice(0, 300)}`);
  const records = readFileSync(labFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const live = records.filter((r) => r.status === 'ok');
  const unreachable = records.find((r) => r.status === 'unreachable');
  const { syntheticFleet } = await import('./synthetic-fleet.mjs');
  const { createSink, SummaryCounter } = await import(new URL('../dist/src/output/index.js', import.meta.url).href);
  const { createWriteStream, statSync, existsSync } = await import('node:fs');
  const html = join(tmp, 'report-10k.html');
  const t0 = performance.now();
  const stream = createWriteStream(html);
  const sink = createSink('html', stream);
  const counter = new SummaryCounter();
  await sink.begin({ version: 'bench', started_at: new Date().toISOString(), argv: ['scan', '10.0.0.0/18'], targets_total: N });
  for (const r of syntheticFleet(live, unreachable, N, 0.1)) {
    counter.add(r);
    await sink.record(r);
  }
  await sink.end(counter.result());
  await new Promise((r) => stream.end(r));
  const writeMs = performance.now() - t0;
  const bytes = statSync(html).size;
  const chromiumPath = process.env.RDPROBE_CHROMIUM ?? '/usr/bin/chromium';
  const renders = [];
  if (existsSync(chromiumPath)) {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      for (let i = 0; i < RUNS; i++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
        const s = performance.now();
        await page.goto(`file://${html}`);
        await page.waitForSelector('html[data-ready="true"]', { timeout: 120_000 });
        renders.push(performance.now() - s);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  } else say(`   ${chromiumPath} missing (Debian package chromium): no render time`);
  const mb = bytes / 1e6;
  const out = { hosts: N, live_share: 0.1, bytes, write_ms: writeMs, chromium_ready_ms: renders, chromium_ready_ms_median: median(renders) };
  say(table([
    ['figure', 'value'],
    ['report size', `${f1(mb)} MB (${bytes} bytes)`],
    ['written in (in-process sink)', `${f0(writeMs)} ms`],
    ['Chromium: navigation to data-ready', renders.length ? `median ${f0(median(renders))} ms (${renders.map(f0).join(', ')})` : '-'],
  ], ['l', 'l']));
  results.sections.report = out;
  summary.push([`${N}-host HTML report: size, Chromium render`, `${f1(mb)} MB, ${renders.length ? f0(median(renders)) + ' ms' : '-'}`, `< ${TARGET_MB} MB`, bytes < TARGET_MB * 1024 * 1024 ? 'met' : 'NOT met']);
}

// ------------------------------------------------------------------ main
function killChildren() {
  for (const c of children) if (c.pid && c.exitCode === null) c.kill('SIGKILL');
}

const hardStop = setTimeout(async () => {
  say(`\nbench: hard deadline of ${DEADLINE_S} s reached; killing our children and stopping`);
  killChildren();
  await stopLabIfOurs().catch(() => {});
  process.exit(3);
}, DEADLINE_S * 1000);
hardStop.unref();
process.on('SIGINT', async () => {
  killChildren();
  await stopLabIfOurs().catch(() => {});
  process.exit(130);
});

async function main() {
  results.machine = machine();
  const m = results.machine;
  say(`rdprobe benchmark  ${m.date}  commit ${m.rdprobe_commit ?? '?'}`);
  say(`machine: ${m.cpu}, ${m.cores} cores, ${m.ram_gib} GiB RAM, Node ${m.node}, load average ${load()}`);
  say('NOTE: figures are wall-clock on whatever else the machine is doing; each is the median of several runs.');
  try {
    readFileSync(MAIN);
  } catch {
    throw new Error(`${MAIN} missing: run npm run build first`);
  }
  const needLab = run('x224') || run('single') || run('peers') || run('report');
  if (needLab) await ensureLab();
  let x224 = null;
  if (run('startup')) await sectionStartup();
  if (run('x224')) x224 = await sectionX224();
  if (run('single')) await sectionSingle(x224);
  let bestC = null;
  if (run('closed')) bestC = await sectionClosed();
  if (run('sixteen')) await sectionSixteen(bestC);
  if (run('firewalled')) await sectionFirewalled();
  if (run('tls')) await sectionTls();
  if (run('peers')) await sectionPeers();
  if (run('report')) await sectionReport();
}

let failed = null;
try {
  await main();
} catch (e) {
  failed = e;
  say(`\nbench: ${e?.stack ?? e}`);
} finally {
  killChildren();
  await stopLabIfOurs().catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
}

const m = results.machine;
head('Summary');
if (summary.length) say(table([['figure', 'measured (median)', 'target', 'verdict'], ...summary], ['l', 'l', 'l', 'l']));
say('');
say(table(
  [
    ['machine', ''],
    ['CPU', m.cpu],
    ['cores', String(m.cores)],
    ['RAM', `${m.ram_gib} GiB`],
    ['kernel', m.kernel],
    ['Node', m.node],
    ['nmap', m.nmap ?? 'not installed'],
    ['sslscan', m.sslscan ?? 'not installed'],
    ['rdprobe commit', m.rdprobe_commit ?? '?'],
    ['date', m.date],
    ['load average at end', load()],
  ],
  ['l', 'l'],
));
say('   The machine may be shared with other work: compare figures from one run with each other, not across machines.');
results.finished_at = new Date().toISOString();
results.summary = summary;
if (jsonOut) {
  writeFileSync(jsonOut, JSON.stringify(results, null, 2) + '\n');
  say(`results: ${jsonOut}`);
}
clearTimeout(hardStop);
process.exitCode = failed ? 1 : 0;
