#!/usr/bin/env node
// Records what a real RDP *client* sends (plain Node, no dependencies; Linux lab helper, not product code).
//
// A one-connection capture server answers the client's X.224 Connection Request with an RDP_NEG_RSP that
// selects the protocol asked for, then keeps what the client sends next:
//   select=ssl|hybrid  the raw TLS ClientHello record(s); then a real TLS handshake (node:tls, self-signed
//                      certificate) and, inside TLS, the client's first TSRequest (HYBRID only);
//   select=rdp         the MCS Connect Initial (its CS_SECURITY block carries the encryption methods offered).
// Then it closes the connection: the client fails at that point, which is expected.
//
//   node lab/tools/record-client.mjs PLAN.json OUT.json
// PLAN: { name, source, client, address, port, display, cert, key, command?, home?, runs: [{ label, select, args }] }
// Each run starts `command ...args` (default ["xfreerdp", "/v:{target}"]; {target} is ADDRESS:PORT) under DISPLAY
// with a timeout and stdin closed (HOME=plan.home when given, so a GUI client keeps its settings out of the real
// home), records the flow and the client's log lines. OUT follows the captures/*.json transcript format.
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';

const SELECT = { rdp: 0, ssl: 1, hybrid: 2, hybrid_ex: 8 };
const RUN_TIMEOUT_MS = 15_000;

// X.224 Connection Confirm + RDP_NEG_RSP (flags 0) selecting `protocol` (as lab/hostile.mjs's CC_SSL).
function connectionConfirm(protocol) {
  const b = Buffer.from('030000130ed000001234000200080000000000', 'hex');
  b.writeUInt32LE(protocol, 15);
  return b;
}

/** Resolves with the next `need(acc)` bytes from a raw socket (need returns the total length or 0 = unknown yet). */
function readFramed(sock, need, initial = Buffer.alloc(0)) {
  return new Promise((resolve, reject) => {
    let acc = initial;
    const check = () => {
      const n = need(acc);
      if (n > 0 && acc.length >= n) {
        cleanup();
        resolve({ frame: acc.subarray(0, n), rest: acc.subarray(n) });
      }
    };
    const onData = (d) => { acc = Buffer.concat([acc, d]); check(); };
    const onEnd = () => { cleanup(); reject(new Error(`peer closed after ${acc.length} bytes`)); };
    const cleanup = () => { sock.off('data', onData); sock.off('end', onEnd); sock.off('error', onEnd); };
    sock.on('data', onData); sock.on('end', onEnd); sock.on('error', onEnd);
    check();
  });
}
const tpktLength = (b) => (b.length >= 4 ? b.readUInt16BE(2) : 0);
// One TLS record (5-byte header + length); a ClientHello larger than one record is not expected from these clients.
const tlsRecordLength = (b) => (b.length >= 5 ? 5 + b.readUInt16BE(3) : 0);
// A DER SEQUENCE (the TSRequest): 0x30, then short or long length.
function derLength(b) {
  if (b.length < 2) return 0;
  if (b[1] < 0x80) return 2 + b[1];
  const n = b[1] & 0x7f;
  if (b.length < 2 + n) return 0;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[2 + i];
  return 2 + n + len;
}

function recordOne(plan, run) {
  return new Promise((resolveRun) => {
    const conn = { label: run.label, client_options: run.args, flow: [] };
    const log = [];
    let child;
    const server = net.createServer(async (sock) => {
      server.close();
      sock.on('error', () => {});
      try {
        const cr = await readFramed(sock, tpktLength);
        conn.flow.push({ client: cr.frame.toString('hex') });
        const cc = connectionConfirm(SELECT[run.select]);
        conn.flow.push({ server: cc.toString('hex') });
        sock.write(cc);
        if (run.select === 'rdp') {
          const ci = await readFramed(sock, tpktLength, cr.rest);
          conn.flow.push({ client: ci.frame.toString('hex') });
          sock.destroy();
          return;
        }
        const hello = await readFramed(sock, tlsRecordLength, cr.rest);
        conn.flow.push({ client: hello.frame.toString('hex') });
        // node:tls reads a net.Socket through its handle, so bytes already taken off it cannot be given back;
        // a Duplex in front of the socket replays the ClientHello and forwards the rest.
        const front = new Duplex({ read() {}, write(chunk, _enc, cb) { sock.write(chunk, cb); } });
        front.push(Buffer.concat([hello.frame, hello.rest]));
        sock.on('data', (d) => front.push(d));
        sock.on('end', () => front.push(null));
        const t = new tls.TLSSocket(front, {
          isServer: true,
          cert: readFileSync(plan.cert),
          key: readFileSync(plan.key),
          minVersion: 'TLSv1',
          ciphers: 'DEFAULT:@SECLEVEL=0',
        });
        t.on('error', (e) => { conn.tls_error = e.message; });
        t.on('secure', () => {
          conn.tls_negotiated = { version: t.getProtocol(), cipher: t.getCipher()?.standardName ?? null };
          if (run.select === 'ssl') { setTimeout(() => { t.destroy(); sock.destroy(); }, 300); return; }
          readFramed(t, derLength)
            .then((ts) => { conn.inside_tls = [{ client: ts.frame.toString('hex') }]; })
            .catch((e) => { conn.inside_tls_error = e.message; })
            .finally(() => { t.destroy(); sock.destroy(); });
        });
      } catch (e) {
        conn.error = e.message;
        sock.destroy();
      }
    });
    server.listen({ host: plan.address, port: plan.port, exclusive: true }, () => {
      const target = `${plan.address}:${plan.port}`;
      const command = (plan.command ?? ['xfreerdp', '/v:{target}']).map((a) => a.replaceAll('{target}', target));
      child = spawn('timeout', ['-k', '2', String(RUN_TIMEOUT_MS / 1000), ...command, ...run.args], {
        env: { ...process.env, DISPLAY: plan.display, ...(plan.home ? { HOME: plan.home } : {}) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const onLine = (d) => log.push(...d.toString().split('\n').filter((l) => l.trim() !== ''));
      child.stdout.on('data', onLine);
      child.stderr.on('data', onLine);
      child.on('exit', (code) => {
        server.close();
        conn.client_exit_code = code;
        // Timestamps and pids make the log differ on every run; keep level, tag and message.
        // Backtrace lines (printed when the timeout kills it) say nothing about the protocol.
        conn.client_log = log
          .map((l) => l.replace(/^\[[0-9:]+\] \[[0-9:]+\] /, ''))
          .filter((l) => !/com\.freerdp\.utils\] - (\d+:|Called from)/.test(l));
        resolveRun(conn);
      });
    });
  });
}

const [planPath, outPath] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planPath, 'utf8'));
const connections = [];
for (const run of plan.runs) {
  const c = await recordOne(plan, run);
  console.log(`${run.label}: ${c.flow.length} messages, exit ${c.client_exit_code}${c.error ? `, ${c.error}` : ''}`);
  connections.push(c);
}
const out = { name: plan.name, source: plan.source, client: plan.client, recorded_at: new Date().toISOString(), connections };
writeFileSync(outPath, `${JSON.stringify(out, null, 2)}\n`);
