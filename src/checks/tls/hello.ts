/**
 * The ClientHellos rdprobe sends on its own: one version at a time, a chosen list of suites and groups, with the
 * extensions a real client sends (RFC 5246 7.4.1.4, RFC 8446 4.2), so the server's answer depends on what the
 * server accepts and not on what the prober's TLS library happens to implement.
 */
import { randomBytes } from '../../../protocol/node-crypto.js';
import { encodeClientHello, type ClientHelloSpec, type EncodedClientHello } from '../../../protocol/tls/client-hello.js';
import type { ClientExtensionSpec } from '../../../protocol/tls/extensions.js';
import { FFDHE2048, FFDHE3072, FFDHE4096, FFDHE6144, FFDHE8192, SECP256R1, SECP384R1, SECP521R1, X25519, X448 } from '../../../protocol/tls/groups.js';
import { encodeSslv2ClientHello, SSL2_CIPHER_SPECS } from '../../../protocol/tls/sslv2.js';
import { cipherSuites, TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV, type CipherSuiteInfo } from '../../../protocol/tls/suites.js';
import { SSL2_VERSION, SSL3_VERSION, TLS10_VERSION, TLS11_VERSION, TLS12_VERSION, TLS13_VERSION, type ProtocolVersionKey } from '../../../protocol/tls/versions.js';
import { compareSuitesByStrength } from '../../analysis/cipher-strength.js';
import type { TlsVersionKey } from '../../record.js';

/** Record key -> wire version. */
export const WIRE_VERSION: Record<TlsVersionKey, number> = {
  'ssl2.0': SSL2_VERSION,
  'ssl3.0': SSL3_VERSION,
  'tls1.0': TLS10_VERSION,
  'tls1.1': TLS11_VERSION,
  'tls1.2': TLS12_VERSION,
  'tls1.3': TLS13_VERSION,
};

/** Record key -> the suite registry's version key. */
const REGISTRY_VERSION: Record<Exclude<TlsVersionKey, 'ssl2.0'>, ProtocolVersionKey> = {
  'ssl3.0': 'ssl3',
  'tls1.0': 'tls1.0',
  'tls1.1': 'tls1.1',
  'tls1.2': 'tls1.2',
  'tls1.3': 'tls1.3',
};

/**
 * Key exchanges and ciphers no RDP server selects without a setup of its own (pre-shared keys, SRP passwords,
 * Kerberos suites, national ciphers): leaving them out keeps the hello near the size scanners send, which every
 * server parses. Everything a Windows or OpenSSL server can pick, weak and legacy ones included, stays in.
 */
const NOT_OFFERED_KX = new Set(['PSK', 'DHE_PSK', 'RSA_PSK', 'ECDHE_PSK', 'SRP', 'SRP_RSA', 'SRP_DSS', 'KRB5', 'GOST', 'ECCPWD']);
const NOT_OFFERED_CIPHERS = new Set(['SM4', 'GOST28147', 'KUZNYECHIK', 'MAGMA', 'AEGIS-256', 'AEGIS-128L']);

function offerable(s: CipherSuiteInfo): boolean {
  return !s.scsv && !NOT_OFFERED_KX.has(s.kx) && !NOT_OFFERED_CIPHERS.has(s.cipher);
}

const candidates = new Map<TlsVersionKey, number[]>();

/**
 * Every suite rdprobe offers for a version, strongest first (a server that follows the client's order then picks
 * what a modern client would get). SSL 2.0 has cipher specs of its own (SSL2_CIPHER_SPECS).
 */
export function candidateSuites(v: Exclude<TlsVersionKey, 'ssl2.0'>): readonly number[] {
  let list = candidates.get(v);
  if (!list) {
    const key = REGISTRY_VERSION[v];
    list = [...cipherSuites().values()].filter((s) => offerable(s) && s.versions.includes(key)).map((s) => s.id);
    list.sort((a, b) => compareSuitesByStrength(b, a));
    candidates.set(v, list);
  }
  return list;
}

/** Groups offered by default, in a modern client's order, then the rest a server might still choose. */
const OFFERED_GROUPS: readonly number[] = [X25519, SECP256R1, SECP384R1, SECP521R1, X448, FFDHE2048, FFDHE3072, FFDHE4096, FFDHE6144, FFDHE8192];

/** Signature schemes of every TLS 1.2 and 1.3 client in use (RSA, PSS, ECDSA, EdDSA, SHA-1 for old servers). */
const SIGNATURE_SCHEMES: readonly number[] = [
  0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201, 0x0202, 0x0402, 0x0502, 0x0602,
];

export interface Offer {
  version: Exclude<TlsVersionKey, 'ssl2.0'>;
  suites: readonly number[];
  /** supported_groups (TLS 1.0+); default OFFERED_GROUPS. */
  groups?: readonly number[];
  /** TLS 1.3 key shares (must be in `groups`); default x25519 and P-256. */
  keyShares?: readonly number[];
  /** Offer DEFLATE before null (RFC 3749), to see whether the server compresses (CRIME). */
  deflate?: boolean;
  /** Add TLS_FALLBACK_SCSV (RFC 7507): this hello claims to be a retry at a lower version. */
  fallbackScsv?: boolean;
  /** server_name, for a target given by name (RFC 6066 3: never an address literal). */
  serverName: string | null;
}

/** The ClientHello for `o`, its spec (for validateServerHello) and the key shares (for a TLS 1.3 flight). */
export function buildHello(o: Offer): EncodedClientHello {
  const wire = WIRE_VERSION[o.version];
  const suites = [...o.suites];
  if (o.fallbackScsv) suites.push(TLS_FALLBACK_SCSV);
  const spec: ClientHelloSpec = {
    // A TLS 1.3 hello says 1.2 in legacy_version and 1.0 in the record, as every client does (RFC 8446 4.1.2, 5.1).
    recordVersion: o.version === 'ssl3.0' ? SSL3_VERSION : TLS10_VERSION,
    legacyVersion: o.version === 'tls1.3' ? TLS12_VERSION : wire,
    sessionId: o.version === 'tls1.3' ? Uint8Array.from(randomBytes(32)) : new Uint8Array(0),
    cipherSuites: o.version === 'ssl3.0' ? [...suites, TLS_EMPTY_RENEGOTIATION_INFO_SCSV] : suites,
    compressionMethods: o.deflate ? [1, 0] : [0],
    extensions: o.version === 'ssl3.0' ? null : extensionsFor(o),
  };
  return encodeClientHello(spec);
}

function extensionsFor(o: Offer): ClientExtensionSpec[] {
  const groups = [...(o.groups ?? OFFERED_GROUPS)];
  const ext: ClientExtensionSpec[] = [];
  if (o.serverName) ext.push({ type: 'server_name', hostName: o.serverName });
  ext.push({ type: 'renegotiation_info', renegotiatedConnection: new Uint8Array(0) });
  ext.push({ type: 'supported_groups', groups });
  ext.push({ type: 'ec_point_formats', formats: [0] });
  ext.push({ type: 'session_ticket', ticket: new Uint8Array(0) });
  // OCSP stapling is asked for on every hello, so any accepted one shows whether the server staples.
  ext.push({ type: 'status_request', responderIds: [], requestExtensions: new Uint8Array(0) });
  ext.push({ type: 'extended_master_secret' });
  // signature_algorithms exists from TLS 1.2 on (RFC 5246 7.4.1.4.1): an older hello must not carry it.
  if (o.version === 'tls1.2' || o.version === 'tls1.3') ext.push({ type: 'signature_algorithms', schemes: [...SIGNATURE_SCHEMES] });
  if (o.version === 'tls1.3') {
    const shares = (o.keyShares ?? [X25519, SECP256R1]).filter((g) => groups.includes(g));
    ext.push({ type: 'supported_versions', versions: [TLS13_VERSION] });
    ext.push({ type: 'psk_key_exchange_modes', modes: [1] });
    ext.push({ type: 'key_share', shares: shares.map((group) => ({ group })) });
  }
  return ext;
}

/** The SSL 2.0 CLIENT-HELLO offering every SSL 2.0 cipher spec (draft-hickman-netscape-ssl-00). */
export function buildSslv2Hello(): Uint8Array {
  return encodeSslv2ClientHello({ version: SSL2_VERSION, cipherSpecs: [...SSL2_CIPHER_SPECS.keys()], sessionId: new Uint8Array(0), challenge: Uint8Array.from(randomBytes(16)) });
}
