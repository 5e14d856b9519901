/**
 * TLS test peers: real loopback TCP listeners that do the RDP X.224 step (read the TPKT Connection Request,
 * answer a Connection Confirm selecting PROTOCOL_SSL, as lab/hostile.mjs CC_SSL does) and then answer the
 * client's hello through a pluggable responder. Every answer is built with the codec's own encoders.
 *
 * The "scripted" peers stand in for servers Debian's OpenSSL 3 can no longer be: SSL 2.0, SSL 3.0, RC4-only,
 * 3DES-only, 1024-bit DHE, compression... They are scripts that emit syntactically valid first flights, not TLS
 * implementations: no handshake ever completes with them.
 *
 * rawTlsExchange is the client side: X.224 request, our hello, then read until the first flight is complete,
 * the peer hangs up (EOF or reset), or a deadline passes. Everything is bounded in time.
 */
import net from 'node:net';
import { createSign, getDiffieHellman, randomBytes } from 'node:crypto';
import { encodeTpkt, tpktFrameLength } from '../../protocol/tpkt.js';
import { encodeConnectionRequest } from '../../protocol/x224.js';
import { encodeRdpNegReq, encodeRdpNegRsp, PROTOCOL_SSL } from '../../protocol/negotiation.js';
import { decodeClientHello, offeredVersions, type DecodedClientHello } from '../../protocol/tls/client-hello.js';
import { decodeSslv2ClientHelloMessage, decodeSslv2Record, encodeSslv2Record, encodeSslv2ServerHelloMessage, encodeSslv2ErrorMessage, SSL2_CT_X509_CERTIFICATE, SSL2_PE_NO_CIPHER, type Sslv2ClientHello } from '../../protocol/tls/sslv2.js';
import { CONTENT_TYPE_HANDSHAKE, decodeRecords, encodeRecords } from '../../protocol/tls/record.js';
import { ALERT_HANDSHAKE_FAILURE, ALERT_INAPPROPRIATE_FALLBACK, ALERT_LEVEL_FATAL, ALERT_PROTOCOL_VERSION, encodeAlertRecord } from '../../protocol/tls/alert.js';
import { encodeServerHello } from '../../protocol/tls/server-hello.js';
import { encodeCertificate12, encodeCertificateStatus } from '../../protocol/tls/certificate.js';
import { encodeServerKeyExchange, serverKeyExchangeKind } from '../../protocol/tls/server-key-exchange.js';
import { encodeHandshake, HANDSHAKE_SERVER_HELLO_DONE, HANDSHAKE_HEADER_LENGTH } from '../../protocol/tls/handshake.js';
import { clientExtensionId, EXT_EXTENDED_MASTER_SECRET, EXT_RENEGOTIATION_INFO, EXT_STATUS_REQUEST, serverExtension, type TlsExtension } from '../../protocol/tls/extensions.js';
import { readFirstFlight, type FirstFlight, type FirstFlightOptions } from '../../protocol/tls/flight.js';
import { generateKeyShare } from '../../protocol/tls/key-share.js';
import { SECP256R1 } from '../../protocol/tls/groups.js';
import { TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV } from '../../protocol/tls/suites.js';
import { TLS12_VERSION } from '../../protocol/tls/versions.js';
import { concatBytes, uint, vector } from '../../protocol/tls/wire.js';

// ------------------------------------------------------------------------------------------------ X.224

/** X.224 Connection Confirm selecting PROTOCOL_SSL ([MS-RDPBCGR] 2.2.1.2): LI 14, CC, dst 0, src 0x1234, class 0. */
export const CC_SSL = encodeTpkt(concatBytes([Uint8Array.of(0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00), encodeRdpNegRsp({ flags: 0, selectedProtocol: PROTOCOL_SSL })]));
/** The client's Connection Request asking for PROTOCOL_SSL only. */
export const CR_SSL = encodeTpkt(encodeConnectionRequest({ cookie: null, negotiation: encodeRdpNegReq({ flags: 0, requestedProtocols: PROTOCOL_SSL }) }));

// ------------------------------------------------------------------------------------------------ peers

export type ClientHelloSeen = { kind: 'tls'; hello: DecodedClientHello } | { kind: 'sslv2'; hello: Sslv2ClientHello };

/** What a peer does after the hello: send bytes, then close (FIN), reset (RST), or keep the socket open. */
export interface PeerAnswer {
  send: Uint8Array;
  then: 'close' | 'reset' | 'hold';
}
export type Responder = (hello: ClientHelloSeen) => PeerAnswer;

export interface TlsPeer {
  host: string;
  port: number;
  /** The hellos this peer received, in order. */
  readonly seen: ClientHelloSeen[];
  close(): Promise<void>;
}

/** Whole hello yet? TLS: a complete handshake message in whole records; SSL 2.0: one whole record. */
function helloIn(buf: Uint8Array): ClientHelloSeen | null {
  if (buf.length === 0) return null;
  // SSL 2.0: a 2-byte header has the high bit set; a 3-byte one starts below every TLS content type (0x14).
  if (buf[0]! & 0x80 || buf[0]! < 0x14) {
    const rec = decodeSslv2Record(buf);
    return rec === null ? null : { kind: 'sslv2', hello: decodeSslv2ClientHelloMessage(rec.body, rec.headerLength) };
  }
  const { records, rest } = decodeRecords(buf);
  const stream = concatBytes(records.map((r) => r.fragment));
  if (stream.length < HANDSHAKE_HEADER_LENGTH) return null;
  const need = HANDSHAKE_HEADER_LENGTH + ((stream[1]! << 16) | (stream[2]! << 8) | stream[3]!);
  if (stream.length < need) return null;
  return { kind: 'tls', hello: decodeClientHello(buf.subarray(0, buf.length - rest.length)) };
}

export async function startTlsPeer(responder: Responder, host = '127.0.0.1'): Promise<TlsPeer> {
  const sockets = new Set<net.Socket>();
  const seen: ClientHelloSeen[] = [];
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let buf = Buffer.alloc(0);
    let stage: 'x224' | 'hello' | 'done' = 'x224';
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        if (stage === 'x224') {
          const n = tpktFrameLength(buf);
          if (n === null || buf.length < n) return;
          buf = buf.subarray(n);
          stage = 'hello';
          sock.write(CC_SSL);
        }
        if (stage === 'hello') {
          const hello = helloIn(buf);
          if (hello === null) return;
          stage = 'done';
          seen.push(hello);
          const answer = responder(hello);
          if (answer.then === 'reset') {
            if (answer.send.length > 0) sock.write(answer.send, () => sock.resetAndDestroy());
            else sock.resetAndDestroy();
          } else if (answer.then === 'close') sock.end(answer.send);
          else sock.write(answer.send);
        }
      } catch {
        sock.destroy(); // a peer never answers what it cannot parse
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    host,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// ------------------------------------------------------------------------------------------------ client

export interface Exchange {
  /** What the server sent after the Connection Confirm (possibly incomplete). */
  bytes: Uint8Array;
  /** The decoded first flight, or the DecodeError the bytes gave. */
  flight: FirstFlight | null;
  error: Error | null;
  /** How the exchange ended: flight complete, the peer closed (FIN) or reset, or our deadline. */
  ended: 'complete' | 'eof' | 'reset' | 'timeout';
}

/** X.224 step, then `hello`, then read until the first flight is complete (or EOF, reset, deadline). */
export function rawTlsExchange(host: string, port: number, hello: Uint8Array, opts: FirstFlightOptions = {}, timeoutMs = 5000): Promise<Exchange> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    let confirmed = false;
    let settled = false;
    const finish = (ended: Exchange['ended']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      let flight: FirstFlight | null = null;
      let error: Error | null = null;
      try {
        flight = readFirstFlight(buf, opts);
      } catch (e) {
        error = e as Error;
      }
      resolve({ bytes: Uint8Array.from(buf), flight, error, ended });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    sock.on('connect', () => sock.write(CR_SSL));
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!confirmed) {
        const n = tpktFrameLength(buf);
        if (n === null || buf.length < n) return;
        buf = buf.subarray(n);
        confirmed = true;
        sock.write(hello);
      }
      try {
        if (readFirstFlight(buf, opts).complete) finish('complete');
      } catch {
        finish('complete'); // undecodable: stop reading; finish() records the error
      }
    });
    sock.on('end', () => finish('eof'));
    sock.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ECONNRESET' ? 'reset' : 'eof'));
    sock.on('close', () => finish('eof'));
  });
}

// ------------------------------------------------------------------------------------------------ responders

/**
 * Replays a recorded Windows first flight, only to a hello that offers the flight's version and suite.
 *
 * Otherwise it refuses the way a Windows RDP listener does. What Schannel behind TermService does, from the
 * tls_prober fingerprints of real RDP listeners (WestpointLtd/tls_prober, fingerprints/microsoft-rdp-71-2008r2-
 * sp1-schannel-61760117514.fp and microsoft-rdp-81-2012r2-schannel-63960016384.fp): a hello with no usable cipher
 * suite (NoCiphers) and a hello whose version it does not accept (ZeroHelloVersion) both end in a TCP reset, no
 * alert: `refusal: 'reset'`, the default. Schannel in IIS on the same systems answers the cipher case with a
 * fatal handshake_failure alert (microsoft-iis-75.fp NoCiphers; Schannel event 36888 "fatal alert 40, error state
 * 1205", win-acme/win-acme#479): `refusal: 'alert'` sends handshake_failure (40) for no common suite and
 * protocol_version (70) for the version, as RFC 5246 7.2.2 / E.1 prescribe (no Windows capture shows a 70).
 */
export function windowsFlightReplay(flight: Uint8Array, refusal: 'reset' | 'alert' = 'reset'): Responder {
  const f = readFirstFlight(flight);
  if (!f.complete || f.version === null || f.cipherSuite === null) throw new Error('not a complete recorded flight');
  const version = f.version;
  const suite = f.cipherSuite;
  return (seen) => {
    if (seen.kind !== 'tls') return { send: new Uint8Array(0), then: 'reset' };
    const hello = seen.hello.spec;
    const refuse = (alert: number): PeerAnswer =>
      refusal === 'reset' ? { send: new Uint8Array(0), then: 'reset' } : { send: encodeAlertRecord(ALERT_LEVEL_FATAL, alert, Math.min(hello.legacyVersion, version)), then: 'close' };
    if (!offeredVersions(hello).includes(version)) return refuse(ALERT_PROTOCOL_VERSION);
    if (!hello.cipherSuites.includes(suite)) return refuse(ALERT_HANDSHAKE_FAILURE);
    return { send: flight, then: 'hold' };
  };
}

/** Options of a scripted SSL 3.0 / TLS 1.0-1.2 server. */
export interface ScriptedServer {
  /** Versions it accepts (<= TLS 1.2). */
  versions: number[];
  /** Suites it accepts, in its own preference order. */
  suites: number[];
  /** 'server': first of its suites the client offers; 'client': first of the client's suites it accepts. */
  preference: 'server' | 'client';
  certificate: { der: Uint8Array; privateKey: import('node:crypto').KeyObject };
  /** DHE prime size: 1024 (RFC 2409 group 2) or 2048 (RFC 3526 group 14). */
  dhBits?: 1024 | 2048;
  /** Compression method it selects when the client offers it (1 = DEFLATE, RFC 3749). */
  compression?: number;
  /** Answer renegotiation_info (RFC 5746) when the client signals it. Default true. */
  renegotiationInfo?: boolean;
  /** Staple this OCSP response when the client sends status_request. */
  ocspResponse?: Uint8Array;
  /** TLS_FALLBACK_SCSV in a hello below our best version: 'reject' sends inappropriate_fallback (RFC 7507 3). */
  fallback?: 'ignore' | 'reject';
  /** Select this suite whatever the client offered (a protocol error the client must catch). */
  forceSuite?: number;
}

function signParams(s: ScriptedServer, version: number, clientRandom: Uint8Array, serverRandom: Uint8Array, params: Uint8Array) {
  // RFC 5246 7.4.3: the signature covers client_random + server_random + params; TLS 1.2 names the algorithm.
  const signer = createSign(version >= TLS12_VERSION ? 'sha256' : 'md5-sha1');
  signer.update(concatBytes([clientRandom, serverRandom, params]));
  const signature = Uint8Array.from(signer.sign(s.certificate.privateKey));
  return { algorithm: version >= TLS12_VERSION ? 0x0401 : null, signature };
}

/** A scripted SSL 3.0 / TLS <= 1.2 server (see the file comment): ServerHello, Certificate, [CertificateStatus], [ServerKeyExchange], ServerHelloDone. */
export function scriptedServer(s: ScriptedServer): Responder {
  return (seen) => {
    if (seen.kind !== 'tls') return { send: new Uint8Array(0), then: 'close' };
    const hello = seen.hello.spec;
    const offered = offeredVersions(hello);
    const common = s.versions.filter((v) => offered.includes(v));
    const best = Math.max(...s.versions);
    const recordVersion = Math.min(hello.legacyVersion, best);
    const alert = (d: number): PeerAnswer => ({ send: encodeAlertRecord(ALERT_LEVEL_FATAL, d, recordVersion), then: 'close' });
    if (common.length === 0) return alert(ALERT_PROTOCOL_VERSION);
    const version = Math.max(...common);
    if (s.fallback === 'reject' && hello.cipherSuites.includes(TLS_FALLBACK_SCSV) && version < best) return alert(ALERT_INAPPROPRIATE_FALLBACK);
    const suite =
      s.forceSuite ??
      (s.preference === 'server' ? s.suites.find((x) => hello.cipherSuites.includes(x)) : hello.cipherSuites.find((x) => s.suites.includes(x)));
    if (suite === undefined) return alert(ALERT_HANDSHAKE_FAILURE);
    const sent = new Set((hello.extensions ?? []).map(clientExtensionId));
    const exts: TlsExtension[] = [];
    const wantsSecureReneg = sent.has(EXT_RENEGOTIATION_INFO) || hello.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    if ((s.renegotiationInfo ?? true) && wantsSecureReneg) exts.push(serverExtension.renegotiationInfo());
    if (sent.has(EXT_EXTENDED_MASTER_SECRET)) exts.push(serverExtension.extendedMasterSecret());
    const staple = s.ocspResponse !== undefined && sent.has(EXT_STATUS_REQUEST);
    if (staple) exts.push(serverExtension.statusRequest());
    const compression = s.compression !== undefined && hello.compressionMethods.includes(s.compression) ? s.compression : 0;
    const random = Uint8Array.from(randomBytes(32));
    const messages = [
      encodeServerHello({ legacyVersion: version, random, sessionId: Uint8Array.from(randomBytes(32)), cipherSuite: suite, compressionMethod: compression, extensions: exts.length > 0 || version > 0x0300 ? exts : null }),
      encodeCertificate12([s.certificate.der]),
    ];
    if (staple) messages.push(encodeCertificateStatus(s.ocspResponse!));
    const kind = serverKeyExchangeKind(suite);
    if (kind === 'dhe') {
      const dh = getDiffieHellman(s.dhBits === 2048 ? 'modp14' : 'modp2');
      dh.generateKeys();
      const p = Uint8Array.from(dh.getPrime());
      const g = Uint8Array.from(dh.getGenerator());
      const ys = Uint8Array.from(dh.getPublicKey());
      const params = concatBytes([vector(2, p, 'p'), vector(2, g, 'g'), vector(2, ys, 'Ys')]);
      messages.push(encodeServerKeyExchange({ kind, p, g, ys, primeBits: 0, signature: signParams(s, version, hello.random!, random, params) }));
    } else if (kind === 'ecdhe') {
      const point = generateKeyShare(SECP256R1).publicKey;
      const params = concatBytes([uint(3, 1, 'curve_type'), uint(SECP256R1, 2, 'group'), vector(1, point, 'point')]);
      messages.push(encodeServerKeyExchange({ kind, curveType: 3, group: SECP256R1, groupName: 'secp256r1', point, signature: signParams(s, version, hello.random!, random, params) }));
    }
    messages.push(encodeHandshake(HANDSHAKE_SERVER_HELLO_DONE, new Uint8Array(0)));
    return { send: encodeRecords(CONTENT_TYPE_HANDSHAKE, version, concatBytes(messages)), then: 'hold' };
  };
}

/**
 * A scripted SSL 2.0 server: answers an SSL 2.0 CLIENT-HELLO with a SERVER-HELLO carrying its certificate and the
 * cipher specs both sides have (or ERROR NO-CIPHER); closes on anything else, as an SSL 2.0-only server would.
 */
export function scriptedSslv2Server(certificate: Uint8Array, cipherSpecs: number[]): Responder {
  return (seen) => {
    if (seen.kind !== 'sslv2') return { send: new Uint8Array(0), then: 'close' };
    const common = cipherSpecs.filter((c) => seen.hello.cipherSpecs.includes(c));
    if (common.length === 0) return { send: encodeSslv2Record(encodeSslv2ErrorMessage(SSL2_PE_NO_CIPHER)), then: 'close' };
    const body = encodeSslv2ServerHelloMessage({ sessionIdHit: 0, certificateType: SSL2_CT_X509_CERTIFICATE, version: 0x0002, certificate, cipherSpecs: common, connectionId: Uint8Array.from(randomBytes(16)) });
    return { send: encodeSslv2Record(body), then: 'hold' };
  };
}
