import { DecodeError } from '../errors.js';
import { Reader } from '../reader.js';
import { decodeAlert, ALERT_LEVEL_FATAL, type TlsAlert } from './alert.js';
import { decodeCertificate12, decodeCertificate13, decodeCertificateStatus } from './certificate.js';
import { readExtensions, type ServerHelloExtensions, type TlsExtension } from './extensions.js';
import {
  bodyReader,
  HandshakeReassembler,
  handshakeTypeName,
  HANDSHAKE_CERTIFICATE,
  HANDSHAKE_CERTIFICATE_REQUEST,
  HANDSHAKE_CERTIFICATE_STATUS,
  HANDSHAKE_CERTIFICATE_VERIFY,
  HANDSHAKE_ENCRYPTED_EXTENSIONS,
  HANDSHAKE_FINISHED,
  HANDSHAKE_SERVER_HELLO,
  HANDSHAKE_SERVER_HELLO_DONE,
  HANDSHAKE_SERVER_KEY_EXCHANGE,
  type HandshakeMessage,
} from './handshake.js';
import { sharedSecret, type EphemeralKey } from './key-share.js';
import {
  CONTENT_TYPE_ALERT,
  CONTENT_TYPE_APPLICATION_DATA,
  CONTENT_TYPE_CHANGE_CIPHER_SPEC,
  CONTENT_TYPE_HANDSHAKE,
  contentTypeName,
  decodeRecords,
  TLS_RECORD_HEADER_LENGTH,
} from './record.js';
import { decodeServerHello, type ServerHello } from './server-hello.js';
import { decodeServerKeyExchange, serverKeyExchangeKind, type ServerKeyExchange } from './server-key-exchange.js';
import { decodeSslv2ErrorMessage, decodeSslv2Record, decodeSslv2ServerHelloMessage, SSL2_MT_ERROR, SSL2_MT_SERVER_HELLO, type Sslv2ServerHello } from './sslv2.js';
import { decryptRecord, serverHandshakeTrafficKeys, tls13Params } from './tls13-keys.js';
import { TLS13_VERSION } from './versions.js';

/**
 * The server's first flight: everything it sends after our ClientHello and before it needs our next message.
 *   TLS 1.0-1.2 / SSL 3.0 (RFC 5246 7.3): ServerHello, Certificate*, CertificateStatus*, ServerKeyExchange*,
 *     CertificateRequest*, ServerHelloDone. Complete at ServerHelloDone.
 *   TLS 1.3 (RFC 8446 2): ServerHello, then encrypted EncryptedExtensions, Certificate, CertificateVerify,
 *     Finished. Complete at Finished when we can decrypt (our key shares are given), else at the first
 *     encrypted record; a HelloRetryRequest is complete by itself.
 *   An alert (fatal, or any alert before ServerHello) ends it; so does an SSL 2.0 SERVER-HELLO or ERROR.
 * readFirstFlight takes the bytes received so far and says whether they are complete, and decodes them into one
 * value. It is pure: the caller reads from the socket until `complete`, a timeout, or EOF.
 */
export interface FirstFlight {
  complete: boolean;
  /** 'tls' (SSL 3.0 and TLS records), 'sslv2', or 'empty' (no byte yet). */
  kind: 'tls' | 'sslv2' | 'empty';
  /** Record-layer version of the first record. */
  recordVersion: number | null;
  serverHello: ServerHello | null;
  /** The negotiated version (supported_versions for TLS 1.3), cipher suite, and parsed extensions. */
  version: number | null;
  cipherSuite: number | null;
  extensions: ServerHelloExtensions | null;
  helloRetryRequest: boolean;
  /** DER certificates in the order sent (leaf first, as servers send them). */
  certificates: Uint8Array[];
  /** TLS 1.3: each CertificateEntry's extensions (status_request, signed_certificate_timestamp...). */
  certificateEntryExtensions: TlsExtension[][];
  /** The stapled OCSPResponse (CertificateStatus, or the TLS 1.3 leaf's status_request entry extension). */
  ocspResponse: Uint8Array | null;
  serverKeyExchange: ServerKeyExchange | null;
  /** DHE prime size in bits (ServerKeyExchange), when the suite is DHE. */
  dhBits: number | null;
  /** The key exchange group: ECDHE namedcurve (ServerKeyExchange) or the TLS 1.3 key_share group. */
  group: number | null;
  certificateRequested: boolean;
  serverHelloDone: boolean;
  /** TLS <= 1.2 ChangeCipherSpec in the first flight: an abbreviated (resumed) handshake. */
  resumed: boolean;
  alert: TlsAlert | null;
  /** Handshake message types in the order received (decrypted TLS 1.3 ones included). */
  messages: number[];
  tls13: { encryptedRecords: number; decrypted: boolean; encryptedExtensions: TlsExtension[] | null } | null;
  sslv2: Sslv2ServerHello | null;
  sslv2Error: { code: number; name: string } | null;
  /** Bytes of `bytes` that made up the flight (the rest, if any, was left unread). */
  consumed: number;
}

export interface FirstFlightOptions {
  /** The ClientHello handshake message we sent (EncodedClientHello.handshake): TLS 1.3 transcript. */
  clientHello?: Uint8Array;
  /** Private keys of our key shares (EncodedClientHello.keyShares): to decrypt a TLS 1.3 flight. */
  keyShares?: readonly EphemeralKey[];
}

function empty(kind: FirstFlight['kind']): FirstFlight {
  return {
    complete: false, kind, recordVersion: null, serverHello: null, version: null, cipherSuite: null, extensions: null,
    helloRetryRequest: false, certificates: [], certificateEntryExtensions: [], ocspResponse: null, serverKeyExchange: null,
    dhBits: null, group: null, certificateRequested: false, serverHelloDone: false, resumed: false, alert: null, messages: [],
    tls13: null, sslv2: null, sslv2Error: null, consumed: 0,
  };
}

/** An SSL 2.0 answer starts with a 2-byte record header (high bit set); TLS content types never have it. */
function readSslv2(bytes: Uint8Array): FirstFlight {
  const f = empty('sslv2');
  const rec = decodeSslv2Record(bytes);
  if (rec === null) return f;
  const type = rec.body[0];
  if (type === SSL2_MT_SERVER_HELLO) f.sslv2 = decodeSslv2ServerHelloMessage(rec.body, rec.headerLength);
  else if (type === SSL2_MT_ERROR) f.sslv2Error = decodeSslv2ErrorMessage(rec.body, rec.headerLength);
  else throw new DecodeError('sslv2', rec.headerLength, `expected SERVER-HELLO or ERROR, got SSL 2.0 message type ${type ?? 'none'}`);
  f.version = 0x0002;
  f.complete = true;
  f.consumed = rec.length;
  return f;
}

export function readFirstFlight(bytes: Uint8Array, opts: FirstFlightOptions = {}): FirstFlight {
  if (bytes.length === 0) return empty('empty');
  if (bytes[0]! & 0x80) return readSslv2(bytes);
  const f = empty('tls');
  const { records } = decodeRecords(bytes);
  f.recordVersion = records[0]?.version ?? null;
  const plain = new HandshakeReassembler();
  const inner = new HandshakeReassembler();
  let seq = 0n;
  let keys: { key: Uint8Array; iv: Uint8Array } | null = null;
  const isTls13 = () => f.serverHello !== null && !f.helloRetryRequest && f.version === TLS13_VERSION;

  const onMessage = (m: HandshakeMessage, encrypted: boolean) => {
    f.messages.push(m.type);
    const r = bodyReader(m);
    if (f.serverHello === null) {
      if (m.type !== HANDSHAKE_SERVER_HELLO) r.fail(`expected server_hello first, got ${handshakeTypeName(m.type)}`, m.offset);
      const sh = decodeServerHello(m.body, m.offset + 4);
      f.serverHello = sh;
      f.version = sh.version;
      f.cipherSuite = sh.cipherSuite;
      f.extensions = sh.parsed;
      f.helloRetryRequest = sh.helloRetryRequest;
      if (sh.helloRetryRequest) {
        f.group = sh.parsed.selectedGroup;
        f.complete = true;
      } else if (isTls13()) {
        f.group = sh.parsed.keyShare?.group ?? null;
        f.tls13 = { encryptedRecords: 0, decrypted: false, encryptedExtensions: null };
        keys = tls13Keys(sh, m, opts);
        if (keys) f.tls13.decrypted = true;
      }
      return;
    }
    if (isTls13()) {
      if (!encrypted) r.fail(`TLS 1.3 ${handshakeTypeName(m.type)} sent unencrypted after ServerHello`, m.offset);
      switch (m.type) {
        case HANDSHAKE_ENCRYPTED_EXTENSIONS: {
          f.tls13!.encryptedExtensions = readExtensions(r, 'EncryptedExtensions extensions');
          r.end('EncryptedExtensions');
          return;
        }
        case HANDSHAKE_CERTIFICATE: {
          const c = decodeCertificate13(m.body, m.offset + 4);
          f.certificates = c.entries.map((e) => e.data);
          f.certificateEntryExtensions = c.entries.map((e) => e.extensions);
          const status = c.entries[0]?.extensions.find((x) => x.type === 5);
          if (status) f.ocspResponse = decodeCertificateStatus(status.data, m.offset + 4).ocspResponse;
          return;
        }
        case HANDSHAKE_CERTIFICATE_REQUEST:
          f.certificateRequested = true;
          return;
        case HANDSHAKE_CERTIFICATE_VERIFY:
          return;
        case HANDSHAKE_FINISHED:
          f.complete = true;
          return;
        default:
          r.fail(`unexpected ${handshakeTypeName(m.type)} in a TLS 1.3 server flight`, m.offset);
      }
    }
    switch (m.type) {
      case HANDSHAKE_CERTIFICATE:
        if (f.certificates.length > 0) r.fail('second Certificate message', m.offset);
        f.certificates = decodeCertificate12(m.body, m.offset + 4);
        return;
      case HANDSHAKE_CERTIFICATE_STATUS:
        f.ocspResponse = decodeCertificateStatus(m.body, m.offset + 4).ocspResponse;
        return;
      case HANDSHAKE_SERVER_KEY_EXCHANGE: {
        if (serverKeyExchangeKind(f.cipherSuite!) === null) r.fail(`ServerKeyExchange for a suite that has none we read (0x${f.cipherSuite!.toString(16).padStart(4, '0')})`, m.offset);
        const ske = decodeServerKeyExchange(m.body, f.cipherSuite!, f.version!, m.offset + 4);
        f.serverKeyExchange = ske;
        if (ske.kind === 'dhe') f.dhBits = ske.primeBits;
        if (ske.kind === 'ecdhe') f.group = ske.group;
        return;
      }
      case HANDSHAKE_CERTIFICATE_REQUEST:
        f.certificateRequested = true;
        return;
      case HANDSHAKE_SERVER_HELLO_DONE:
        r.end('ServerHelloDone');
        f.serverHelloDone = true;
        f.complete = true;
        return;
      default:
        r.fail(`unexpected ${handshakeTypeName(m.type)} in a server's first flight`, m.offset);
    }
  };

  for (const rec of records) {
    if (f.complete) break;
    const body = new Reader(rec.fragment, 'tls', rec.offset + TLS_RECORD_HEADER_LENGTH);
    // RFC 8446 5.1 / RFC 5246 6.2.1: a handshake message split over records must not be interleaved with others.
    if (rec.type !== CONTENT_TYPE_HANDSHAKE && plain.pending > 0) body.fail(`${contentTypeName(rec.type)} record inside a fragmented handshake message`, rec.offset);
    switch (rec.type) {
      case CONTENT_TYPE_HANDSHAKE:
        if (rec.fragment.length === 0) body.fail('empty handshake record (RFC 8446 5.1)', rec.offset);
        for (const m of plain.push(rec.fragment, rec.offset + TLS_RECORD_HEADER_LENGTH)) {
          onMessage(m, false);
          if (f.complete) break;
        }
        break;
      case CONTENT_TYPE_ALERT: {
        f.alert = decodeAlert(rec.fragment, rec.offset + TLS_RECORD_HEADER_LENGTH);
        if (f.alert.level === ALERT_LEVEL_FATAL || f.serverHello === null) f.complete = true;
        break;
      }
      case CONTENT_TYPE_CHANGE_CIPHER_SPEC:
        if (rec.fragment.length !== 1 || rec.fragment[0] !== 1) body.fail('ChangeCipherSpec must be the single byte 0x01', rec.offset);
        if (f.serverHello === null) body.fail('ChangeCipherSpec before ServerHello', rec.offset);
        // TLS 1.3 middlebox compatibility mode (RFC 8446 D.4) sends one after ServerHello; TLS <= 1.2 only in
        // an abbreviated handshake, after which everything is encrypted with keys we do not have.
        if (!isTls13() && !f.helloRetryRequest) {
          f.resumed = true;
          f.complete = true;
        }
        break;
      case CONTENT_TYPE_APPLICATION_DATA: {
        if (!isTls13()) body.fail('application_data record in a server first flight before any key exchange', rec.offset);
        f.tls13!.encryptedRecords++;
        if (keys === null) {
          f.complete = true; // without our keys the encrypted part cannot be read; that it started is all we know
          break;
        }
        const p = tls13Params(f.cipherSuite!, rec.offset);
        const plainInner = decryptRecord(p, keys, seq++, rec);
        const base = rec.offset + TLS_RECORD_HEADER_LENGTH;
        if (plainInner.type === CONTENT_TYPE_HANDSHAKE) {
          if (plainInner.content.length === 0) body.fail('empty encrypted handshake record', rec.offset);
          for (const m of inner.push(plainInner.content, base)) {
            onMessage(m, true);
            if (f.complete) break;
          }
        } else if (plainInner.type === CONTENT_TYPE_ALERT) {
          f.alert = decodeAlert(plainInner.content, base);
          f.complete = true;
        } else {
          body.fail(`encrypted ${contentTypeName(plainInner.type)} record in the server's handshake flight`, rec.offset);
        }
        break;
      }
      default:
        body.fail(`unexpected ${contentTypeName(rec.type)} record in a server's first flight`, rec.offset);
    }
    f.consumed = rec.offset + TLS_RECORD_HEADER_LENGTH + rec.fragment.length;
  }
  return f;
}

/** Handshake traffic keys from our share for the server's group, or null when we were not given keys. */
function tls13Keys(sh: ServerHello, m: HandshakeMessage, opts: FirstFlightOptions): { key: Uint8Array; iv: Uint8Array } | null {
  if (opts.clientHello === undefined || opts.keyShares === undefined) return null;
  const share = sh.parsed.keyShare;
  const at = m.offset + 4;
  if (share === null) throw new DecodeError('tls', at, 'TLS 1.3 ServerHello without key_share (PSK-only handshakes are never offered)');
  const own = opts.keyShares.find((k) => k.group === share.group);
  if (own === undefined) throw new DecodeError('tls', at, `server key_share group 0x${share.group.toString(16).padStart(4, '0')} is not one we sent a share for`);
  const p = tls13Params(sh.cipherSuite, at);
  return serverHandshakeTrafficKeys(p, sharedSecret(own, share.keyExchange, at), opts.clientHello, m.raw);
}

