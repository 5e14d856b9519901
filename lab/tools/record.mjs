#!/usr/bin/env node
// Records what a lab server answers to a full rdprobe probe, as a transcript in captures/ (the format of
// test/helpers/replay.ts): every connection's client writes and server chunks, up to where TLS starts (TLS
// traffic cannot be replayed; a recorded connection ends with a note there).
//
//   npm run build && node lab/tools/record.mjs NAME ADDRESS [PORT]   -> captures/lab-NAME.json
import { writeFileSync } from 'node:fs';
import pLimit from 'p-limit';
import { probeHost, DEFAULT_PROBE_OPTIONS } from '../../dist/src/probes/host.js';
import { tcpDialer } from '../../dist/src/transport/dialer.js';

const [name, address, port = '3389'] = process.argv.slice(2);
if (!name || !address) {
  console.error('usage: node lab/tools/record.mjs NAME ADDRESS [PORT]');
  process.exit(2);
}
if (!address.startsWith('127.')) {
  console.error('record.mjs only talks to loopback lab servers');
  process.exit(2);
}

const connections = [];
const recordingDialer = async (...args) => {
  const sock = await tcpDialer(...args);
  const flow = [];
  let tls = false;
  const origWrite = sock.write.bind(sock);
  sock.write = (chunk, ...rest) => {
    const b = Buffer.from(chunk);
    if (b[0] === 0x16) tls = true; // a TLS handshake record: the rest is encrypted
    if (!tls) flow.push({ client: b.toString('hex') });
    return origWrite(chunk, ...rest);
  };
  sock.on('data', (d) => {
    if (!tls) {
      const last = flow[flow.length - 1];
      if (last && 'server' in last) last.server += d.toString('hex');
      else flow.push({ server: d.toString('hex') });
    }
  });
  sock.once('close', () => connections.push({ label: `connection ${connections.length + 1}${tls ? ' (continues in TLS, not recorded)' : ''}`, flow }));
  return sock;
};

const record = await probeHost({ target: address, host: address, address, port: Number(port) }, DEFAULT_PROBE_OPTIONS, {
  dialer: recordingDialer,
  connectionSlot: pLimit(4),
  resolve: async () => address,
});
await new Promise((r) => setTimeout(r, 300)); // let the last sockets close
const out = {
  name: `lab-${name}`,
  source: `recorded from the rdprobe lab (lab/lab.sh) with lab/tools/record.mjs on ${new Date().toISOString().slice(0, 10)}`,
  server: name,
  recorded_record: { protocols: record.protocols, nla_required: record.nla_required, rdp_security: record.rdp_security, failure: record.failure },
  connections,
};
writeFileSync(new URL(`../../captures/lab-${name}.json`, import.meta.url), JSON.stringify(out, null, 2) + '\n');
console.log(`captures/lab-${name}.json: ${connections.length} connections`);
