/**
 * The ClientHello a profile's client sends, as a codec spec (protocol/tls/client-hello.ts), for the handshake
 * simulation: a recorded hello when the profile has one (its exact suites, groups, extensions and order; only
 * what a real client makes fresh for every connection is new: random, session id, key shares, and the server name
 * it is pointed at), else one built from the profile's facts in the order they give. Facts a profile does not know
 * are filled with the defaults below, and the verdict then says "likely" (src/analysis/client-compat.ts).
 */
import { randomBytes } from '../../protocol/node-crypto.js';
import { decodeClientHello, type ClientHelloSpec } from '../../protocol/tls/client-hello.js';
import {
  EXT_ENCRYPT_THEN_MAC,
  EXT_EC_POINT_FORMATS,
  EXT_EXTENDED_MASTER_SECRET,
  EXT_KEY_SHARE,
  EXT_PSK_KEY_EXCHANGE_MODES,
  EXT_RENEGOTIATION_INFO,
  EXT_SERVER_NAME,
  EXT_SESSION_TICKET,
  EXT_SIGNATURE_ALGORITHMS,
  EXT_STATUS_REQUEST,
  EXT_SUPPORTED_GROUPS,
  EXT_SUPPORTED_VERSIONS,
  type ClientExtensionSpec,
} from '../../protocol/tls/extensions.js';
import { canGenerateKeyShare } from '../../protocol/tls/key-share.js';
import { SSL3_VERSION, TLS10_VERSION, TLS11_VERSION, TLS12_VERSION, TLS13_VERSION } from '../../protocol/tls/versions.js';
import { fromHex } from '../../protocol/writer.js';
import type { ClientProfile, TlsVersion } from './profile.js';

export const TLS_VERSION_NUMBERS: Readonly<Record<TlsVersion, number>> = {
  ssl3: SSL3_VERSION,
  'tls1.0': TLS10_VERSION,
  'tls1.1': TLS11_VERSION,
  'tls1.2': TLS12_VERSION,
  'tls1.3': TLS13_VERSION,
};

/**
 * Stand-ins for facts a profile does not know, from the one recorded Windows 10 Schannel hello
 * (captures/windows-client-win10-schannel.json): its extension order and signature schemes; x25519, P-256, P-384
 * ("TLS Elliptic Curves in Windows 10 version 1607 and later"). A TLS 1.3 hello adds supported_versions, key_share
 * and psk_key_exchange_modes (RFC 8446 4.2: required to offer 1.3) and the RSA-PSS schemes (RFC 8446 4.2.3).
 */
export const DEFAULT_EXTENSIONS = [EXT_SUPPORTED_GROUPS, EXT_EC_POINT_FORMATS, EXT_SIGNATURE_ALGORITHMS, EXT_SESSION_TICKET, EXT_EXTENDED_MASTER_SECRET, EXT_RENEGOTIATION_INFO];
export const DEFAULT_GROUPS = [0x001d, 0x0017, 0x0018];
export const DEFAULT_SIGNATURE_ALGORITHMS = [0x0401, 0x0501, 0x0201, 0x0403, 0x0503, 0x0203, 0x0202, 0x0601, 0x0603];
const TLS13_EXTENSIONS = [EXT_SUPPORTED_VERSIONS, EXT_KEY_SHARE, EXT_PSK_KEY_EXCHANGE_MODES];
const RSA_PSS_SCHEMES = [0x0804, 0x0805, 0x0806];
/** psk_dhe_ke (RFC 8446 4.2.9): the only mode clients offer without a PSK. */
const PSK_DHE_KE = 1;

/** The hello's parts that are the profile's own facts, or null where the profile gives none. */
export interface HelloFacts {
  versions: TlsVersion[];
  suites: number[];
  groups: number[] | null;
  signatureAlgorithms: number[] | null;
  extensions: number[] | null;
}

const hexIds = (list: readonly string[] | null): number[] | null => (list === null ? null : list.map((s) => Number.parseInt(s, 16)));

/**
 * The ClientHello spec of `profile` for a connection to `serverName` (the name or address the user typed; clients
 * put it in server_name whether or not it is an address), or null when the profile does not say enough to build
 * one (no TLS versions or no cipher suites known): the simulation then cannot tell what the server would answer.
 */
export function profileClientHello(profile: ClientProfile, serverName: string): ClientHelloSpec | null {
  const recorded = profile.tls.client_hello_hex?.value;
  if (recorded) return freshen(decodeClientHello(fromHex(recorded)).spec, serverName);
  const versions = profile.tls.versions.value;
  const suites = profile.tls.cipher_suites.value;
  if (!versions || versions.length === 0 || !suites || suites.length === 0) return null;
  return helloFromFacts(
    {
      versions,
      suites: hexIds(suites)!,
      groups: hexIds(profile.tls.groups.value),
      signatureAlgorithms: hexIds(profile.tls.signature_algorithms.value),
      extensions: profile.tls.extensions.value,
    },
    serverName,
  );
}

/** A recorded hello as the client would send it now: new random, session id and key shares; our server's name. */
function freshen(spec: ClientHelloSpec, serverName: string): ClientHelloSpec {
  const { random: _random, ...rest } = spec;
  return {
    ...rest,
    sessionId: spec.sessionId.length > 0 ? Uint8Array.from(randomBytes(spec.sessionId.length)) : spec.sessionId,
    extensions:
      spec.extensions?.map((e): ClientExtensionSpec => {
        if (e.type === 'server_name') return { type: 'server_name', hostName: serverName };
        if (e.type === 'key_share') return { type: 'key_share', shares: e.shares.map((s) => (canGenerateKeyShare(s.group) ? { group: s.group } : s)) };
        return e;
      }) ?? null,
  };
}

function helloFromFacts(f: HelloFacts, serverName: string): ClientHelloSpec {
  const numbers = f.versions.map((v) => TLS_VERSION_NUMBERS[v]).sort((a, b) => b - a);
  const highest = numbers[0]!;
  const offers13 = highest === TLS13_VERSION;
  // Without supported_versions a hello offers every version up to client_version (RFC 5246 E.1): a client whose
  // lowest version is above SSL 3.0 can only say so with the extension, as OpenSSL does for TLS 1.2-1.3.
  const needsSupportedVersions = offers13 || Math.min(...numbers) > TLS10_VERSION;
  const groups = f.groups ?? DEFAULT_GROUPS;
  const schemes = f.signatureAlgorithms ?? (offers13 ? [...DEFAULT_SIGNATURE_ALGORITHMS, ...RSA_PSS_SCHEMES] : DEFAULT_SIGNATURE_ALGORITHMS);
  const ids = [...(f.extensions ?? DEFAULT_EXTENSIONS)];
  if (needsSupportedVersions && !ids.includes(EXT_SUPPORTED_VERSIONS)) ids.push(EXT_SUPPORTED_VERSIONS);
  if (offers13) for (const id of TLS13_EXTENSIONS) if (!ids.includes(id)) ids.push(id);
  const shareGroup = groups.find(canGenerateKeyShare);
  const extensions = ids.flatMap((id): ClientExtensionSpec[] => {
    switch (id) {
      case EXT_SERVER_NAME:
        return [{ type: 'server_name', hostName: serverName }];
      case EXT_STATUS_REQUEST:
        return [{ type: 'status_request', responderIds: [], requestExtensions: new Uint8Array(0) }];
      case EXT_SUPPORTED_GROUPS:
        return [{ type: 'supported_groups', groups }];
      case EXT_EC_POINT_FORMATS:
        return [{ type: 'ec_point_formats', formats: [0] }];
      case EXT_SIGNATURE_ALGORITHMS:
        // TLS 1.0 and 1.1 have no signature_algorithms (RFC 5246 7.4.1.4.1 is TLS 1.2's).
        return highest >= TLS12_VERSION ? [{ type: 'signature_algorithms', schemes }] : [];
      case EXT_SESSION_TICKET:
        return [{ type: 'session_ticket', ticket: new Uint8Array(0) }];
      case EXT_EXTENDED_MASTER_SECRET:
        return [{ type: 'extended_master_secret' }];
      case EXT_ENCRYPT_THEN_MAC:
        return [{ type: 'encrypt_then_mac' }];
      case EXT_RENEGOTIATION_INFO:
        return [{ type: 'renegotiation_info', renegotiatedConnection: new Uint8Array(0) }];
      case EXT_SUPPORTED_VERSIONS:
        return needsSupportedVersions ? [{ type: 'supported_versions', versions: numbers }] : [];
      case EXT_PSK_KEY_EXCHANGE_MODES:
        return offers13 ? [{ type: 'psk_key_exchange_modes', modes: [PSK_DHE_KE] }] : [];
      case EXT_KEY_SHARE:
        return offers13 && shareGroup !== undefined ? [{ type: 'key_share', shares: [{ group: shareGroup }] }] : [];
      default:
        // An extension the profile lists without its content: sent empty, as its presence is what was recorded.
        return [{ type: 'raw', id, data: new Uint8Array(0) }];
    }
  });
  const legacy = Math.min(highest, TLS12_VERSION);
  return {
    recordVersion: legacy,
    legacyVersion: legacy,
    // A TLS 1.3 client sends a 32-byte session id in compatibility mode (RFC 8446 D.4), as Schannel and OpenSSL do.
    sessionId: offers13 ? Uint8Array.from(randomBytes(32)) : new Uint8Array(0),
    cipherSuites: f.suites,
    compressionMethods: [0],
    extensions,
  };
}

/**
 * What makes two hellos the same offer: everything but the parts a client draws fresh for each connection (random,
 * session id bytes, key share values). Profiles whose hellos have the same identity share one connection.
 */
export function helloIdentity(spec: ClientHelloSpec): string {
  return JSON.stringify({
    record: spec.recordVersion,
    legacy: spec.legacyVersion,
    session: spec.sessionId.length,
    suites: spec.cipherSuites,
    compression: spec.compressionMethods,
    extensions: spec.extensions?.map((e) =>
      e.type === 'key_share' ? { type: e.type, groups: e.shares.map((s) => s.group) } : e.type === 'raw' ? { id: e.id, data: Buffer.from(e.data).toString('hex') } : e,
    ) ?? null,
  }, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
}
