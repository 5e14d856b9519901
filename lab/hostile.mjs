#!/usr/bin/env node
// Hostile RDP peers for the rdprobe lab (plain Node, no dependencies).
// Each listens on its own loopback address, port 3389 (override: HOSTILE_PORT).
// Started and stopped by lab/lab.sh; logs one line per connection to stdout.
import net from 'node:net';
import crypto from 'node:crypto';

const PORT = Number(process.env.HOSTILE_PORT ?? 3389);
// X.224 Connection Confirm + RDP_NEG_RSP selecting PROTOCOL_SSL (19 bytes)
const CC_SSL = Buffer.from('030000130ed000001234000200080001000000', 'hex');
const held = new Set(); // sockets we keep open on purpose

const peers = {
  // accepts, never sends anything, never closes
  silent: { address: '127.0.30.1', onConnect(s) { held.add(s); s.on('data', () => {}); } },
  // any bytes -> HTTP/1.1 400, then close
  http: {
    address: '127.0.30.2',
    onConnect(s) {
      s.once('data', () => {
        const body = 'Bad Request\n';
        s.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
      });
    },
  },
  // TPKT version 3 with length 2 (< 4-byte header) followed by junk
  'bad-tpkt': {
    address: '127.0.30.3',
    onConnect(s) { s.once('data', () => s.end(Buffer.concat([Buffer.from([0x03, 0x00, 0x00, 0x02]), Buffer.from('junk-after-impossible-tpkt-length', 'ascii')]))); },
  },
  // valid CC selecting SSL, one byte every 2 s (then holds the connection open)
  trickle: {
    address: '127.0.30.4',
    onConnect(s) {
      s.once('data', () => {
        let i = 0;
        const t = setInterval(() => {
          if (s.destroyed) return clearInterval(t);
          s.write(CC_SSL.subarray(i, i + 1));
          if (++i >= CC_SSL.length) { clearInterval(t); held.add(s); }
        }, 2000);
        s.on('close', () => clearInterval(t));
      });
    },
  },
  // TPKT header claiming 65535 bytes, then 10 bytes, then stalls forever
  'tpkt-stall': {
    address: '127.0.30.5',
    onConnect(s) {
      s.once('data', () => { s.write(Buffer.concat([Buffer.from([0x03, 0x00, 0xff, 0xff]), Buffer.from('0ed0000012', 'hex'), crypto.randomBytes(5)])); held.add(s); });
    },
  },
  // valid CC selecting SSL, then 4 KiB of random bytes instead of a ServerHello
  'garbage-after-cc': {
    address: '127.0.30.6',
    onConnect(s) {
      let sentCc = false;
      s.on('data', () => {
        if (!sentCc) { sentCc = true; s.write(CC_SSL); return; }
        // whatever the client sends next (its ClientHello) is answered with garbage; first byte not 0x16
        const junk = crypto.randomBytes(4096); junk[0] = 0x5a;
        s.end(junk);
      });
    },
  },
};

let listening = 0;
for (const [name, p] of Object.entries(peers)) {
  const server = net.createServer((s) => {
    console.log(`${new Date().toISOString()} ${name} connection from ${s.remoteAddress}:${s.remotePort}`);
    s.on('error', () => {});
    s.on('close', () => held.delete(s));
    p.onConnect(s);
  });
  server.on('error', (e) => { console.error(`${name} ${p.address}:${PORT}: ${e.message}`); process.exit(1); });
  server.listen({ host: p.address, port: PORT, exclusive: true }, () => {
    console.log(`${new Date().toISOString()} ${name} listening on ${p.address}:${PORT}`);
    if (++listening === Object.keys(peers).length) console.log('all hostile peers listening');
  });
}
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
