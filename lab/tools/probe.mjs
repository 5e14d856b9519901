#!/usr/bin/env node
// Lab verification helper (plain Node, no dependencies). NOT the product prober:
// it exists only to observe what the lab servers really do, so that
// lab/servers.json records observed facts.
//
//   node lab/tools/probe.mjs neg    ADDR [PORT]   X.224 negotiation for each protocol asked alone
//   node lab/tools/probe.mjs tls    ADDR [PORT]   TLS 1.0..1.3 after X.224 (requests PROTOCOL_SSL)
//   node lab/tools/probe.mjs stdsec ADDR [PORT]   Standard RDP Security: MCS Connect-Initial per method
//   node lab/tools/probe.mjs all    ADDR [PORT]   all of the above, one JSON object
import net from 'node:net';
import tls from 'node:tls';
import crypto from 'node:crypto';

const TIMEOUT = Number(process.env.PROBE_TIMEOUT_MS ?? 4000);
const PROTOCOLS = { rdp: 0x00, ssl: 0x01, hybrid: 0x03, rdstls: 0x04, hybrid_ex: 0x0b, rdsaad: 0x10 };
const PROTO_NAMES = { 0: 'PROTOCOL_RDP', 1: 'PROTOCOL_SSL', 2: 'PROTOCOL_HYBRID', 4: 'PROTOCOL_RDSTLS', 8: 'PROTOCOL_HYBRID_EX', 0x10: 'PROTOCOL_RDSAAD' };
const FAILURES = { 1: 'SSL_REQUIRED_BY_SERVER', 2: 'SSL_NOT_ALLOWED_BY_SERVER', 3: 'SSL_CERT_NOT_ON_SERVER', 4: 'INCONSISTENT_FLAGS', 5: 'HYBRID_REQUIRED_BY_SERVER', 6: 'SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER' };

export function connectionRequest(requested) {
  const cookie = Buffer.from('Cookie: mstshash=lab\r\n', 'ascii');
  const neg = Buffer.from([0x01, 0x00, 0x08, 0x00, 0, 0, 0, 0]);
  neg.writeUInt32LE(requested, 4);
  const x224 = Buffer.concat([Buffer.from([0, 0xe0, 0, 0, 0, 0, 0]), cookie, neg]);
  x224[0] = x224.length - 1;
  const tpkt = Buffer.from([3, 0, 0, 0]);
  tpkt.writeUInt16BE(4 + x224.length, 2);
  return Buffer.concat([tpkt, x224]);
}

// Reads exactly one TPKT from the socket; resolves {buf} or {error}.
function readTpkt(sock) {
  return new Promise((resolve) => {
    let acc = Buffer.alloc(0);
    const done = (r) => { clearTimeout(t); sock.off('data', onData); sock.off('close', onClose); sock.off('error', onErr); resolve(r); };
    const onData = (d) => {
      acc = Buffer.concat([acc, d]);
      if (acc.length >= 4) {
        if (acc[0] !== 3) return done({ error: 'not-tpkt', bytes: acc.subarray(0, 16).toString('hex') });
        const len = acc.readUInt16BE(2);
        if (len < 4) return done({ error: 'bad-tpkt-length', bytes: acc.subarray(0, 16).toString('hex') });
        if (acc.length >= len) { sock.pause(); const rest = acc.subarray(len); if (rest.length) sock.unshift(rest); return done({ buf: acc.subarray(0, len) }); }
      }
    };
    const onClose = () => done({ error: acc.length ? 'closed-mid-tpkt' : 'closed-no-data' });
    const onErr = (e) => done({ error: e.code ?? String(e) });
    const t = setTimeout(() => done({ error: 'timeout', received: acc.length }), TIMEOUT);
    sock.on('data', onData); sock.on('close', onClose); sock.on('error', onErr);
    sock.resume();
  });
}

function connect(host, port) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => { s.destroy(); resolve({ error: 'connect-timeout' }); }, TIMEOUT);
    s.once('connect', () => { clearTimeout(t); resolve({ sock: s }); });
    s.once('error', (e) => { clearTimeout(t); resolve({ error: e.code ?? String(e) }); });
  });
}

function parseCC(buf) {
  // TPKT(4) LI code(0xD0) dst(2) src(2) class(1) [neg 8 bytes]
  if (buf.length === 9 && buf[5] === 0xf0 && buf[7] === 0x21) return { kind: 'mcs-disconnect-provider-ultimatum', bytes: buf.toString('hex') };
  if (buf.length < 11 || (buf[5] & 0xf0) !== 0xd0) return { kind: 'not-cc', bytes: buf.toString('hex') };
  const li = buf[4];
  if (li < 14 || buf.length < 19) return { kind: 'cc-without-neg' };
  const type = buf[11], flags = buf[12], value = buf.readUInt32LE(15);
  if (type === 0x02) return { kind: 'selected', protocol: PROTO_NAMES[value] ?? `0x${value.toString(16)}`, value, flags };
  if (type === 0x03) return { kind: 'failure', code: FAILURES[value] ?? `0x${value.toString(16)}`, value };
  return { kind: 'unknown-neg-type', type };
}

async function x224(host, port, requested) {
  const c = await connect(host, port);
  if (c.error) return { result: { kind: 'connect-error', error: c.error } };
  c.sock.write(connectionRequest(requested));
  const r = await readTpkt(c.sock);
  if (r.error) { c.sock.destroy(); return { result: { kind: 'read-error', error: r.error, bytes: r.bytes } }; }
  return { sock: c.sock, result: parseCC(r.buf) };
}

export async function probeNeg(host, port) {
  const out = {};
  for (const [name, bits] of Object.entries(PROTOCOLS)) {
    const { sock, result } = await x224(host, port, bits);
    sock?.destroy();
    out[name] = result;
  }
  return out;
}

export async function probeTls(host, port) {
  const out = {};
  let cert = null;
  for (const v of ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']) {
    // ask SSL|HYBRID so that NLA-only servers (which refuse plain SSL) also start TLS
    const { sock, result } = await x224(host, port, PROTOCOLS.hybrid);
    if (!sock || result.kind !== 'selected' || (result.value !== 1 && result.value !== 2)) { sock?.destroy(); out[v] = { ok: false, error: `x224: ${JSON.stringify(result)}` }; continue; }
    out[v] = await new Promise((resolve) => {
      const t = setTimeout(() => { s.destroy(); resolve({ ok: false, error: 'tls-timeout' }); }, TIMEOUT);
      const s = tls.connect({ socket: sock, minVersion: v, maxVersion: v, ciphers: 'DEFAULT:@SECLEVEL=0', rejectUnauthorized: false, servername: undefined });
      s.once('secureConnect', () => {
        clearTimeout(t);
        const pc = s.getPeerX509Certificate?.();
        if (pc && !cert) {
          cert = { subject: pc.subject, issuer: pc.issuer, validFrom: pc.validFrom, validTo: pc.validTo, serial: pc.serialNumber,
            fingerprint256: pc.fingerprint256, keyType: pc.publicKey.asymmetricKeyType, keyBits: pc.publicKey.asymmetricKeyDetails?.modulusLength,
            sigAlg: sigAlgOf(pc.raw) };
        }
        resolve({ ok: true, protocol: s.getProtocol(), cipher: s.getCipher().name });
        s.destroy();
      });
      s.once('error', (e) => { clearTimeout(t); resolve({ ok: false, error: e.code ?? e.message }); s.destroy(); });
    });
  }
  return { versions: out, certificate: cert };
}

// Pull the signatureAlgorithm OID out of the DER certificate (no dependencies).
function sigAlgOf(der) {
  const oids = { '2a864886f70d010105': 'sha1WithRSAEncryption', '2a864886f70d01010b': 'sha256WithRSAEncryption', '2a864886f70d01010c': 'sha384WithRSAEncryption', '2a864886f70d01010d': 'sha512WithRSAEncryption' };
  const hex = der.toString('hex');
  for (const [o, n] of Object.entries(oids)) if (hex.includes('06' + (o.length / 2).toString(16).padStart(2, '0') + o)) return n;
  return 'unknown';
}

// ---------- Standard RDP Security (MCS Connect-Initial / GCC) ----------
function berLen(n) { return n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]); }
function berTLV(tag, body) { return Buffer.concat([Buffer.from(tag), berLen(body.length), body]); }
function berInt(n) { const b = []; do { b.unshift(n & 0xff); n >>= 8; } while (n > 0); if (b[0] & 0x80) b.unshift(0); return berTLV([0x02], Buffer.from(b)); }
function domainParams(a) { return berTLV([0x30], Buffer.concat(a.map(berInt))); }
function perLen(n) { return n < 0x80 ? Buffer.from([n]) : Buffer.from([0x80 | (n >> 8), n & 0xff]); }

function clientBlocks(methods, selected) {
  const core = Buffer.alloc(216);
  let o = 0;
  core.writeUInt16LE(0xc001, o); core.writeUInt16LE(216, o + 2); o += 4;
  core.writeUInt32LE(0x00080004, o); o += 4;
  core.writeUInt16LE(1024, o); core.writeUInt16LE(768, o + 2); o += 4;
  core.writeUInt16LE(0xca01, o); core.writeUInt16LE(0xaa03, o + 2); o += 4;
  core.writeUInt32LE(0x409, o); core.writeUInt32LE(2600, o + 4); o += 8;
  core.write('lab', o, 'utf16le'); o += 32;
  core.writeUInt32LE(4, o); core.writeUInt32LE(0, o + 4); core.writeUInt32LE(12, o + 8); o += 12;
  o += 64; // imeFileName
  core.writeUInt16LE(0xca01, o); core.writeUInt16LE(1, o + 2); o += 4;
  core.writeUInt32LE(0, o); o += 4;
  core.writeUInt16LE(24, o); core.writeUInt16LE(0x0f, o + 2); core.writeUInt16LE(0x0001, o + 4); o += 6;
  o += 64; // clientDigProductId
  core[o] = 0; core[o + 1] = 0; o += 2;
  core.writeUInt32LE(selected, o); o += 4;
  const sec = Buffer.alloc(12);
  sec.writeUInt16LE(0xc002, 0); sec.writeUInt16LE(12, 2); sec.writeUInt32LE(methods, 4); sec.writeUInt32LE(0, 8);
  const netb = Buffer.alloc(8);
  netb.writeUInt16LE(0xc003, 0); netb.writeUInt16LE(8, 2); netb.writeUInt32LE(0, 4);
  return Buffer.concat([core, sec, netb]);
}

function connectInitial(methods, selected) {
  const blocks = clientBlocks(methods, selected);
  const ccrq = Buffer.concat([Buffer.from([0x00, 0x08, 0x00, 0x10, 0x00, 0x01, 0xc0, 0x00, 0x44, 0x75, 0x63, 0x61]), perLen(blocks.length), blocks]);
  const gcc = Buffer.concat([Buffer.from([0x00, 0x05, 0x00, 0x14, 0x7c, 0x00, 0x01]), perLen(ccrq.length), ccrq]);
  const body = Buffer.concat([
    berTLV([0x04], Buffer.from([1])), berTLV([0x04], Buffer.from([1])), berTLV([0x01], Buffer.from([0xff])),
    domainParams([34, 2, 0, 1, 0, 1, 0xffff, 2]), domainParams([1, 1, 1, 1, 0, 1, 0x420, 2]), domainParams([0xffff, 0xfc17, 0xffff, 1, 0, 1, 0xffff, 2]),
    berTLV([0x04], gcc),
  ]);
  const mcs = berTLV([0x7f, 0x65], body);
  const x = Buffer.concat([Buffer.from([0x02, 0xf0, 0x80]), mcs]);
  const tpkt = Buffer.from([3, 0, 0, 0]); tpkt.writeUInt16BE(4 + x.length, 2);
  return Buffer.concat([tpkt, x]);
}

const METHOD_NAMES = { 0: 'NONE', 1: '40BIT', 2: '128BIT', 8: '56BIT', 0x10: 'FIPS' };
const LEVEL_NAMES = { 0: 'NONE', 1: 'LOW', 2: 'CLIENT_COMPATIBLE', 3: 'HIGH', 4: 'FIPS' };

function parseConnectResponse(buf) {
  const i = buf.indexOf(Buffer.from('McDn', 'ascii'));
  if (i < 0) return { error: 'no-McDn', bytes: buf.subarray(0, 64).toString('hex') };
  let o = i + 4;
  o += buf[o] & 0x80 ? 2 : 1;
  const res = {};
  while (o + 4 <= buf.length) {
    const type = buf.readUInt16LE(o), len = buf.readUInt16LE(o + 2);
    if (len < 4) break;
    if (type === 0x0c02) {
      const method = buf.readUInt32LE(o + 4), level = buf.readUInt32LE(o + 8);
      res.encryptionMethod = METHOD_NAMES[method] ?? method; res.encryptionLevel = LEVEL_NAMES[level] ?? level;
      if (len > 12) {
        const randLen = buf.readUInt32LE(o + 12), certLen = buf.readUInt32LE(o + 16);
        const c = o + 20 + randLen;
        res.serverRandomLen = randLen;
        const ver = buf.readUInt32LE(c);
        res.certType = (ver & 0x7fffffff) === 1 ? 'proprietary' : (ver & 0x7fffffff) === 2 ? 'x509' : ver;
        res.certTemporary = Boolean(ver & 0x80000000);
        if (res.certType === 'proprietary') {
          const blob = c + 16; // dwVersion, dwSigAlgId, dwKeyAlgId, wBlobType, wBlobLen
          if (buf.toString('ascii', blob, blob + 4) === 'RSA1') res.rsaBits = buf.readUInt32LE(blob + 8);
        }
        res.certLen = certLen;
      }
    }
    o += len;
  }
  return res;
}

export async function probeStdSec(host, port) {
  const out = { methods: {} };
  for (const [name, m] of [['40BIT', 0x01], ['56BIT', 0x08], ['128BIT', 0x02], ['FIPS', 0x10], ['ALL', 0x1b]]) {
    const { sock, result } = await x224(host, port, PROTOCOLS.rdp);
    if (!sock || result.kind !== 'selected' || result.value !== 0) { sock?.destroy(); out.methods[name] = { error: `x224: ${JSON.stringify(result)}` }; continue; }
    sock.write(connectInitial(m, 0));
    const r = await readTpkt(sock);
    sock.destroy();
    out.methods[name] = r.error ? { error: r.error } : parseConnectResponse(r.buf);
  }
  return out;
}

async function main() {
  const [cmd, host, p] = process.argv.slice(2);
  const port = Number(p ?? 3389);
  if (!cmd || !host) { console.error('usage: probe.mjs neg|tls|stdsec|all ADDR [PORT]'); process.exit(2); }
  let r;
  if (cmd === 'neg') r = await probeNeg(host, port);
  else if (cmd === 'tls') r = await probeTls(host, port);
  else if (cmd === 'stdsec') r = await probeStdSec(host, port);
  else if (cmd === 'all') r = { address: host, neg: await probeNeg(host, port), tls: await probeTls(host, port), stdsec: await probeStdSec(host, port) };
  else { console.error('unknown command'); process.exit(2); }
  console.log(JSON.stringify(r, null, 2));
}
if (import.meta.url === `file://${process.argv[1]}`) main();
