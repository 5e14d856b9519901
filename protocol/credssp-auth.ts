import { createHash } from './node-crypto.js';
import { BER_TAG_SEQUENCE, readBerInteger, readBerOctetString, readBerTlv } from './ber.js';
import { Reader } from './reader.js';
import { constantTimeEqual, type NtlmSessionSecurity } from './ntlm-session.js';
import { utf16le } from './utf16.js';

/**
 * The authenticated half of CredSSP ([MS-CSSP] 3.1.5 steps 3-5): the pubKeyAuth values that bind the NTLM
 * context to the server's TLS public key (defeating a man in the middle that terminates TLS), and the
 * TSCredentials a client delegates once the server has proved it holds that key.
 */

/** [MS-CSSP] 2.2.1 clientNonce: 32 random bytes, versions 5 and up. */
export const CREDSSP_NONCE_LENGTH = 32;
/** First TSRequest version whose pubKeyAuth is the nonce-bound SHA-256 hash (the CVE-2018-0886 fix). */
export const CREDSSP_HASHED_PUBKEYAUTH_VERSION = 5;

const nulTerminated = (s: string): Uint8Array => Uint8Array.from(Buffer.from(`${s}\0`, 'latin1'));
/** [MS-CSSP] 3.1.5: ClientServerHashMagic and ServerClientHashMagic, NUL included. */
export const CLIENT_SERVER_HASH_MAGIC = nulTerminated('CredSSP Client-To-Server Binding Hash');
export const SERVER_CLIENT_HASH_MAGIC = nulTerminated('CredSSP Server-To-Client Binding Hash');

/**
 * The pubKeyAuth scheme follows the lower of the two versions: a version 6 client talking to a version 4 server
 * uses the version 2-4 echo, as both sides compute it the same way ([MS-CSSP] 3.1.5 step 3, 2.2.1 version).
 */
export function effectiveCredsspVersion(clientVersion: number, serverVersion: number): number {
  return Math.min(clientVersion, serverVersion);
}

function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return Uint8Array.from(h.digest());
}

/**
 * What the client seals into pubKeyAuth ([MS-CSSP] 3.1.5 step 3): the server's SubjectPublicKey itself for
 * versions 2-4; SHA-256(ClientServerHashMagic || clientNonce || SubjectPublicKey) for versions 5 and up.
 */
export function clientPubKeyAuthPlaintext(version: number, subjectPublicKey: Uint8Array, clientNonce: Uint8Array | null): Uint8Array {
  // Uint8Array.from, not slice(): a Buffer's slice() is a view, and the caller zeroes what it gets back.
  if (version < CREDSSP_HASHED_PUBKEYAUTH_VERSION) return Uint8Array.from(subjectPublicKey);
  if (clientNonce === null || clientNonce.length !== CREDSSP_NONCE_LENGTH) throw new RangeError('versions 5+ need a 32-byte clientNonce');
  return sha256(CLIENT_SERVER_HASH_MAGIC, clientNonce, subjectPublicKey);
}

/**
 * What the server must seal back ([MS-CSSP] 3.1.5 step 4): the SubjectPublicKey with its first byte incremented
 * by one (modulo 256) for versions 2-4; SHA-256(ServerClientHashMagic || clientNonce || SubjectPublicKey) for 5+.
 */
export function serverPubKeyAuthPlaintext(version: number, subjectPublicKey: Uint8Array, clientNonce: Uint8Array | null): Uint8Array {
  if (version < CREDSSP_HASHED_PUBKEYAUTH_VERSION) {
    if (subjectPublicKey.length === 0) throw new RangeError('empty SubjectPublicKey');
    const out = Uint8Array.from(subjectPublicKey); // a copy even of a Buffer: the increment must not reach the caller's key
    out[0] = (out[0]! + 1) & 0xff;
    return out;
  }
  if (clientNonce === null || clientNonce.length !== CREDSSP_NONCE_LENGTH) throw new RangeError('versions 5+ need a 32-byte clientNonce');
  return sha256(SERVER_CLIENT_HASH_MAGIC, clientNonce, subjectPublicKey);
}

/**
 * Whether a peer proved it holds the NTLM session (its seal verifies) and the TLS key (the plaintext is the
 * expected one). Every way of not proving it is a failure with a reason; there is no "could not tell".
 */
export type PubKeyAuthCheck =
  | { ok: true }
  | { ok: false; reason: 'bad_signature' | 'bad_sequence_number' | 'wrong_public_key' };

/**
 * Unseals a peer's pubKeyAuth with `security` and compares it with `expected` (client: serverPubKeyAuthPlaintext;
 * scripted server: clientPubKeyAuthPlaintext). Throws DecodeError('ntlm', ...) when the token is no sealed message.
 */
export function checkPubKeyAuth(security: NtlmSessionSecurity, pubKeyAuth: Uint8Array, expected: Uint8Array): PubKeyAuthCheck {
  const u = security.unseal(pubKeyAuth);
  if (!u.ok) return u;
  const same = constantTimeEqual(u.message, expected);
  u.message.fill(0);
  return same ? { ok: true } : { ok: false, reason: 'wrong_public_key' };
}

// ---------------------------------------------------------------- TSCredentials

/** [MS-CSSP] 2.2.1.2 credType values. */
export const TS_CRED_TYPE_PASSWORD = 1;
export const TS_CRED_TYPE_SMARTCARD = 2;
export const TS_CRED_TYPE_REMOTE_GUARD = 6;

/**
 * [MS-CSSP] 2.2.1.2.1 TSPasswordCreds, strings as UTF-16LE bytes (no terminator):
 *   TSPasswordCreds ::= SEQUENCE { domainName [0] OCTET STRING, userName [1] OCTET STRING, password [2] OCTET STRING }
 */
export interface TsPasswordCreds {
  domainName: Uint8Array;
  userName: Uint8Array;
  /** UTF-16LE password: secret. */
  password: Uint8Array;
}

function derHeader(tag: number, len: number): number[] {
  if (len < 0x80) return [tag, len];
  const out: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [tag, 0x80 | out.length, ...out];
}

/** A DER tree written once into one buffer, so the password is copied exactly once (into the output). */
type DerNode = { tag: number; bytes: Uint8Array } | { tag: number; children: DerNode[] };
function contentLength(n: DerNode): number {
  return 'bytes' in n ? n.bytes.length : n.children.reduce((s, c) => s + derHeader(c.tag, contentLength(c)).length + contentLength(c), 0);
}
function writeDer(n: DerNode, out: Uint8Array, at: number): number {
  const len = contentLength(n);
  const head = derHeader(n.tag, len);
  out.set(head, at);
  let p = at + head.length;
  if ('bytes' in n) {
    out.set(n.bytes, p);
    return p + n.bytes.length;
  }
  for (const c of n.children) p = writeDer(c, out, p);
  return p;
}
function derOf(n: DerNode): Uint8Array {
  const len = contentLength(n);
  const out = new Uint8Array(derHeader(n.tag, len).length + len);
  writeDer(n, out, 0);
  return out;
}

const OCTET_STRING = 0x04;
const INTEGER = 0x02;
const ctx = (n: number): number => 0xa0 | n;
const octets = (n: number, bytes: Uint8Array): DerNode => ({ tag: ctx(n), children: [{ tag: OCTET_STRING, bytes }] });

/**
 * [MS-CSSP] 2.2.1.2 TSCredentials ::= SEQUENCE { credType [0] INTEGER, credentials [1] OCTET STRING } with
 * credType 1 and credentials the DER of TSPasswordCreds. The caller seals it into authInfo and zeroes it.
 */
export function encodeTsPasswordCredentials(c: TsPasswordCreds): Uint8Array {
  const inner = derOf({ tag: BER_TAG_SEQUENCE, children: [octets(0, c.domainName), octets(1, c.userName), octets(2, c.password)] });
  try {
    return derOf({
      tag: BER_TAG_SEQUENCE,
      children: [{ tag: ctx(0), children: [{ tag: INTEGER, bytes: Uint8Array.of(TS_CRED_TYPE_PASSWORD) }] }, octets(1, inner)],
    });
  } finally {
    inner.fill(0);
  }
}

/** TSPasswordCreds from text (user, domain) and the password's UTF-16LE bytes. */
export function passwordCreds(userName: string, domainName: string, passwordUtf16: Uint8Array): TsPasswordCreds {
  return { domainName: utf16le(domainName), userName: utf16le(userName), password: passwordUtf16 };
}

export interface TsCredentials {
  credType: number;
  credentials: Uint8Array;
}

/** Largest TSCredentials accepted (the scripted server reads what a client sealed). */
export const TS_CREDENTIALS_MAX_LENGTH = 0x4000;

/** Decodes TSCredentials (the scripted server side). Throws DecodeError ('credssp', or 'ber' for encoding rules). */
export function decodeTsCredentials(bytes: Uint8Array): TsCredentials {
  const outer = new Reader(bytes, 'credssp');
  if (bytes.length > TS_CREDENTIALS_MAX_LENGTH) outer.fail(`TSCredentials of ${bytes.length} bytes (max ${TS_CREDENTIALS_MAX_LENGTH})`, 0);
  const seq = readBerTlv(outer, [BER_TAG_SEQUENCE], 'TSCredentials');
  outer.end('TSCredentials');
  const t0 = readBerTlv(seq, [ctx(0)], 'credType [0]');
  const credType = readBerInteger(t0, 'credType');
  t0.end('credType [0]');
  const t1 = readBerTlv(seq, [ctx(1)], 'credentials [1]');
  const credentials = readBerOctetString(t1, 'credentials');
  t1.end('credentials [1]');
  seq.end('TSCredentials');
  return { credType, credentials };
}

/** Decodes TSPasswordCreds (credType 1). Throws DecodeError. */
export function decodeTsPasswordCreds(bytes: Uint8Array): TsPasswordCreds {
  const outer = new Reader(bytes, 'credssp');
  const seq = readBerTlv(outer, [BER_TAG_SEQUENCE], 'TSPasswordCreds');
  outer.end('TSPasswordCreds');
  const field = (n: number, name: string): Uint8Array => {
    const t = readBerTlv(seq, [ctx(n)], `${name} [${n}]`);
    const v = readBerOctetString(t, name);
    t.end(`${name} [${n}]`);
    if (v.length % 2 !== 0) t.fail(`${name}: odd length ${v.length} for a UTF-16 string`);
    return v;
  };
  const domainName = field(0, 'domainName');
  const userName = field(1, 'userName');
  const password = field(2, 'password');
  seq.end('TSPasswordCreds');
  return { domainName, userName, password };
}
