import { DecodeError } from '../errors.js';
import { Reader } from '../reader.js';
import { nameOf } from '../writer.js';
import { canGenerateKeyShare, generateKeyShare, type EphemeralKey } from './key-share.js';
import { concatBytes, readOpaque, readU16List, readU8List, readVector, u16List, u8List, uint, vector } from './wire.js';

/**
 * Hello extensions (RFC 8446 4.2, RFC 5246 7.4.1.4): struct { ExtensionType extension_type; opaque
 * extension_data<0..2^16-1>; } Extension. Type values: the IANA "TLS ExtensionType Values" registry
 * (tls-extensiontype-values-1).
 */
export const EXT_SERVER_NAME = 0; // RFC 6066 3
export const EXT_MAX_FRAGMENT_LENGTH = 1; // RFC 6066 4
export const EXT_STATUS_REQUEST = 5; // RFC 6066 8
export const EXT_SUPPORTED_GROUPS = 10; // RFC 8422 5.1.1, RFC 7919
export const EXT_EC_POINT_FORMATS = 11; // RFC 8422 5.1.2
export const EXT_SIGNATURE_ALGORITHMS = 13; // RFC 8446 4.2.3
export const EXT_HEARTBEAT = 15; // RFC 6520
export const EXT_ALPN = 16; // RFC 7301 3.1
export const EXT_SIGNED_CERTIFICATE_TIMESTAMP = 18; // RFC 6962
export const EXT_PADDING = 21; // RFC 7685
export const EXT_ENCRYPT_THEN_MAC = 22; // RFC 7366
export const EXT_EXTENDED_MASTER_SECRET = 23; // RFC 7627
export const EXT_COMPRESS_CERTIFICATE = 27; // RFC 8879
export const EXT_RECORD_SIZE_LIMIT = 28; // RFC 8449
export const EXT_SESSION_TICKET = 35; // RFC 5077, RFC 8447
export const EXT_PRE_SHARED_KEY = 41; // RFC 8446 4.2.11
export const EXT_EARLY_DATA = 42;
export const EXT_SUPPORTED_VERSIONS = 43; // RFC 8446 4.2.1
export const EXT_COOKIE = 44; // RFC 8446 4.2.2
export const EXT_PSK_KEY_EXCHANGE_MODES = 45; // RFC 8446 4.2.9
export const EXT_CERTIFICATE_AUTHORITIES = 47;
export const EXT_POST_HANDSHAKE_AUTH = 49;
export const EXT_SIGNATURE_ALGORITHMS_CERT = 50;
export const EXT_KEY_SHARE = 51; // RFC 8446 4.2.8
export const EXT_ENCRYPTED_CLIENT_HELLO = 0xfe0d;
export const EXT_RENEGOTIATION_INFO = 0xff01; // RFC 5746 3.2

export const EXTENSION_NAMES: Readonly<Record<number, string>> = {
  0: 'server_name', 1: 'max_fragment_length', 2: 'client_certificate_url', 3: 'trusted_ca_keys', 4: 'truncated_hmac',
  5: 'status_request', 6: 'user_mapping', 7: 'client_authz', 8: 'server_authz', 9: 'cert_type', 10: 'supported_groups',
  11: 'ec_point_formats', 12: 'srp', 13: 'signature_algorithms', 14: 'use_srtp', 15: 'heartbeat',
  16: 'application_layer_protocol_negotiation', 17: 'status_request_v2', 18: 'signed_certificate_timestamp',
  19: 'client_certificate_type', 20: 'server_certificate_type', 21: 'padding', 22: 'encrypt_then_mac',
  23: 'extended_master_secret', 24: 'token_binding', 25: 'cached_info', 26: 'tls_lts', 27: 'compress_certificate',
  28: 'record_size_limit', 29: 'pwd_protect', 30: 'pwd_clear', 31: 'password_salt', 32: 'ticket_pinning',
  33: 'tls_cert_with_extern_psk', 34: 'delegated_credential', 35: 'session_ticket', 36: 'TLMSP', 37: 'TLMSP_proxying',
  38: 'TLMSP_delegate', 39: 'supported_ekt_ciphers', 41: 'pre_shared_key', 42: 'early_data', 43: 'supported_versions',
  44: 'cookie', 45: 'psk_key_exchange_modes', 47: 'certificate_authorities', 48: 'oid_filters', 49: 'post_handshake_auth',
  50: 'signature_algorithms_cert', 51: 'key_share', 52: 'transparency_info', 53: 'connection_id (deprecated)',
  54: 'connection_id', 55: 'external_id_hash', 56: 'external_session_id', 57: 'quic_transport_parameters',
  58: 'ticket_request', 59: 'dnssec_chain', 60: 'sequence_number_encryption_algorithms', 61: 'rrc',
  0xfd00: 'ech_outer_extensions', 0xfe0d: 'encrypted_client_hello', 0xff01: 'renegotiation_info',
};

export function extensionName(t: number): string {
  return nameOf(EXTENSION_NAMES, t, 4);
}

export interface TlsExtension {
  type: number;
  data: Uint8Array;
}

/** Most extensions we accept in one hello; real clients send about 20, servers fewer than 10. */
export const MAX_EXTENSIONS = 128;

/**
 * extensions<0..2^16-1> (the length prefix included). RFC 8446 4.2 / RFC 5246 7.4.1.4: at most one extension
 * of each type; a duplicate is a decode error.
 */
export function readExtensions(r: Reader, field: string): TlsExtension[] {
  const v = readVector(r, 2, field);
  const out: TlsExtension[] = [];
  const seen = new Set<number>();
  while (v.remaining > 0) {
    const at = v.offset;
    if (out.length === MAX_EXTENSIONS) v.fail(`more than ${MAX_EXTENSIONS} extensions`);
    const type = v.u16be('extension type');
    if (seen.has(type)) v.fail(`duplicate extension ${extensionName(type)}`, at);
    seen.add(type);
    out.push({ type, data: readOpaque(v, 2, `${extensionName(type)} data`) });
  }
  return out;
}

/** The extensions block with its 2-byte length prefix. */
export function encodeExtensions(list: readonly TlsExtension[]): Uint8Array {
  return vector(2, list.map((e) => concatBytes([uint(e.type, 2, 'extension type'), vector(2, e.data, extensionName(e.type))])), 'extensions');
}

// ---------------------------------------------------------------------------------- ClientHello extensions

/** One KeyShareEntry to send: verbatim bytes, or a share generated (or derived from privateKey) here. */
export interface KeyShareSpec {
  group: number;
  /** key_exchange bytes to send as they are (a recorded client's share; no private key is then known). */
  keyExchange?: Uint8Array;
  /** Raw private key to derive the share from (deterministic tests); otherwise a fresh key is generated. */
  privateKey?: Uint8Array;
}

/**
 * A ClientHello extension as plain data. The list of these, in order, is the extensions block, so a spec can
 * say exactly what a given real client sends; `raw` carries anything else (and anything whose bytes the
 * structured form would not reproduce).
 */
export type ClientExtensionSpec =
  | { type: 'server_name'; hostName: string }
  | { type: 'supported_versions'; versions: number[] }
  | { type: 'supported_groups'; groups: number[] }
  | { type: 'ec_point_formats'; formats: number[] }
  | { type: 'signature_algorithms'; schemes: number[] }
  | { type: 'key_share'; shares: KeyShareSpec[] }
  /** RFC 5746 3.2: empty renegotiated_connection on an initial handshake. */
  | { type: 'renegotiation_info'; renegotiatedConnection: Uint8Array }
  /** RFC 5077 3.2: empty ticket = "I support tickets". */
  | { type: 'session_ticket'; ticket: Uint8Array }
  | { type: 'extended_master_secret' }
  /** RFC 6066 8: status_type ocsp(1) with responder ids and request extensions (both empty in practice). */
  | { type: 'status_request'; responderIds: Uint8Array[]; requestExtensions: Uint8Array }
  | { type: 'encrypt_then_mac' }
  | { type: 'alpn'; protocols: string[] }
  | { type: 'psk_key_exchange_modes'; modes: number[] }
  /** RFC 7685: `length` zero bytes. */
  | { type: 'padding'; length: number }
  | { type: 'raw'; id: number; data: Uint8Array };

const STATUS_TYPE_OCSP = 1; // RFC 6066 8 CertificateStatusType
const NAME_TYPE_HOST_NAME = 0; // RFC 6066 3

const SPEC_IDS: Readonly<Record<Exclude<ClientExtensionSpec['type'], 'raw'>, number>> = {
  server_name: EXT_SERVER_NAME,
  supported_versions: EXT_SUPPORTED_VERSIONS,
  supported_groups: EXT_SUPPORTED_GROUPS,
  ec_point_formats: EXT_EC_POINT_FORMATS,
  signature_algorithms: EXT_SIGNATURE_ALGORITHMS,
  key_share: EXT_KEY_SHARE,
  renegotiation_info: EXT_RENEGOTIATION_INFO,
  session_ticket: EXT_SESSION_TICKET,
  extended_master_secret: EXT_EXTENDED_MASTER_SECRET,
  status_request: EXT_STATUS_REQUEST,
  encrypt_then_mac: EXT_ENCRYPT_THEN_MAC,
  alpn: EXT_ALPN,
  psk_key_exchange_modes: EXT_PSK_KEY_EXCHANGE_MODES,
  padding: EXT_PADDING,
};

/** The extension type value a spec entry encodes to. */
export function clientExtensionId(e: ClientExtensionSpec): number {
  return e.type === 'raw' ? e.id : SPEC_IDS[e.type];
}

/**
 * Encodes one spec entry. Key shares without keyExchange are generated (or derived from privateKey) and their
 * private keys appended to `keys`; `resolved` is the entry with every share's keyExchange filled in.
 */
export function encodeClientExtension(e: ClientExtensionSpec, keys: EphemeralKey[]): { ext: TlsExtension; resolved: ClientExtensionSpec } {
  const ext = (data: Uint8Array, resolved: ClientExtensionSpec = e) => ({ ext: { type: clientExtensionId(e), data }, resolved });
  switch (e.type) {
    case 'server_name': {
      const name = Buffer.from(e.hostName, 'ascii');
      return ext(vector(2, concatBytes([uint(NAME_TYPE_HOST_NAME, 1, 'name type'), vector(2, name, 'HostName')]), 'server_name_list'));
    }
    case 'supported_versions':
      return ext(vector(1, u16List(e.versions, 'version'), 'versions'));
    case 'supported_groups':
      return ext(vector(2, u16List(e.groups, 'group'), 'named_group_list'));
    case 'ec_point_formats':
      return ext(vector(1, u8List(e.formats, 'point format'), 'ec_point_format_list'));
    case 'signature_algorithms':
      return ext(vector(2, u16List(e.schemes, 'scheme'), 'supported_signature_algorithms'));
    case 'key_share': {
      const shares: KeyShareSpec[] = [];
      const entries = e.shares.map((s) => {
        let keyExchange = s.keyExchange;
        if (keyExchange === undefined) {
          if (!canGenerateKeyShare(s.group)) throw new RangeError(`key_share: no generator for group 0x${s.group.toString(16)}; give keyExchange`);
          const k = generateKeyShare(s.group, s.privateKey);
          keys.push(k);
          keyExchange = k.publicKey;
        }
        shares.push({ group: s.group, keyExchange });
        return concatBytes([uint(s.group, 2, 'group'), vector(2, keyExchange, 'key_exchange')]);
      });
      return ext(vector(2, entries, 'client_shares'), { type: 'key_share', shares });
    }
    case 'renegotiation_info':
      return ext(vector(1, e.renegotiatedConnection, 'renegotiated_connection'));
    case 'session_ticket':
      return ext(e.ticket);
    case 'extended_master_secret':
    case 'encrypt_then_mac':
      return ext(new Uint8Array(0));
    case 'status_request':
      return ext(concatBytes([uint(STATUS_TYPE_OCSP, 1, 'status_type'), vector(2, e.responderIds.map((id) => vector(2, id, 'ResponderID')), 'responder_id_list'), vector(2, e.requestExtensions, 'request_extensions')]));
    case 'alpn':
      return ext(vector(2, e.protocols.map((p) => vector(1, Buffer.from(p, 'latin1'), 'ProtocolName')), 'protocol_name_list'));
    case 'psk_key_exchange_modes':
      return ext(vector(1, u8List(e.modes, 'mode'), 'ke_modes'));
    case 'padding':
      return ext(new Uint8Array(e.length));
    case 'raw':
      return ext(e.data);
  }
}

/** Parses a known client extension strictly into its structured form. Throws DecodeError on bad structure. */
function parseClientExtension(x: TlsExtension, base: number): ClientExtensionSpec {
  const r = new Reader(x.data, 'tls', base);
  let out: ClientExtensionSpec;
  switch (x.type) {
    case EXT_SERVER_NAME: {
      const list = readVector(r, 2, 'server_name_list', 1);
      if (list.u8('name type') !== NAME_TYPE_HOST_NAME) list.fail('server_name: not a host_name');
      const name = readOpaque(list, 2, 'HostName', 1);
      list.end('server_name_list'); // more than one name is legal but unseen; keep it raw
      if (name.some((b) => b < 0x21 || b > 0x7e)) r.fail('server_name: not printable ASCII');
      out = { type: 'server_name', hostName: Buffer.from(name).toString('ascii') };
      break;
    }
    case EXT_SUPPORTED_VERSIONS:
      out = { type: 'supported_versions', versions: readU16List(r, 1, 'versions', 2, 254) };
      break;
    case EXT_SUPPORTED_GROUPS:
      out = { type: 'supported_groups', groups: readU16List(r, 2, 'named_group_list', 2) };
      break;
    case EXT_EC_POINT_FORMATS:
      out = { type: 'ec_point_formats', formats: readU8List(r, 1, 'ec_point_format_list', 1) };
      break;
    case EXT_SIGNATURE_ALGORITHMS:
      out = { type: 'signature_algorithms', schemes: readU16List(r, 2, 'supported_signature_algorithms', 2) };
      break;
    case EXT_KEY_SHARE: {
      const v = readVector(r, 2, 'client_shares');
      const shares: KeyShareSpec[] = [];
      while (v.remaining > 0) shares.push({ group: v.u16be('group'), keyExchange: readOpaque(v, 2, 'key_exchange', 1) });
      out = { type: 'key_share', shares };
      break;
    }
    case EXT_RENEGOTIATION_INFO:
      out = { type: 'renegotiation_info', renegotiatedConnection: readOpaque(r, 1, 'renegotiated_connection') };
      break;
    case EXT_SESSION_TICKET:
      out = { type: 'session_ticket', ticket: Uint8Array.from(r.rest()) };
      break;
    case EXT_EXTENDED_MASTER_SECRET:
      out = { type: 'extended_master_secret' };
      break;
    case EXT_ENCRYPT_THEN_MAC:
      out = { type: 'encrypt_then_mac' };
      break;
    case EXT_STATUS_REQUEST: {
      if (r.u8('status_type') !== STATUS_TYPE_OCSP) r.fail('status_request: not ocsp');
      const ids = readVector(r, 2, 'responder_id_list');
      const responderIds: Uint8Array[] = [];
      while (ids.remaining > 0) responderIds.push(readOpaque(ids, 2, 'ResponderID', 1));
      out = { type: 'status_request', responderIds, requestExtensions: readOpaque(r, 2, 'request_extensions') };
      break;
    }
    case EXT_ALPN: {
      const v = readVector(r, 2, 'protocol_name_list', 2);
      const protocols: string[] = [];
      while (v.remaining > 0) protocols.push(Buffer.from(readOpaque(v, 1, 'ProtocolName', 1)).toString('latin1'));
      out = { type: 'alpn', protocols };
      break;
    }
    case EXT_PSK_KEY_EXCHANGE_MODES:
      out = { type: 'psk_key_exchange_modes', modes: readU8List(r, 1, 'ke_modes', 1) };
      break;
    case EXT_PADDING:
      out = { type: 'padding', length: x.data.length };
      if (x.data.some((b) => b !== 0)) r.fail('padding: non-zero bytes');
      r.rest();
      break;
    default:
      return { type: 'raw', id: x.type, data: Uint8Array.from(x.data) };
  }
  r.end(extensionName(x.type));
  return out;
}

/**
 * The spec entry for an extension a real client sent: the structured form when it re-encodes to exactly the
 * same bytes, else `raw` (so decoding a recorded hello and encoding it again is byte-identical).
 */
export function decodeClientExtension(x: TlsExtension, base = 0): ClientExtensionSpec {
  let parsed: ClientExtensionSpec;
  try {
    parsed = parseClientExtension(x, base);
  } catch (e) {
    if (e instanceof DecodeError) return { type: 'raw', id: x.type, data: Uint8Array.from(x.data) };
    throw e;
  }
  if (parsed.type === 'raw') return parsed;
  const again = encodeClientExtension(parsed, []).ext.data;
  return Buffer.from(again).equals(Buffer.from(x.data)) ? parsed : { type: 'raw', id: x.type, data: Uint8Array.from(x.data) };
}

// ---------------------------------------------------------------------------------- ServerHello extensions

/** What a ServerHello's (or HelloRetryRequest's) extensions say, each read strictly. */
export interface ServerHelloExtensions {
  /** supported_versions selected_version (RFC 8446 4.2.1), or null when absent. */
  supportedVersion: number | null;
  /** key_share KeyShareEntry of a ServerHello (RFC 8446 4.2.8). */
  keyShare: { group: number; keyExchange: Uint8Array } | null;
  /** key_share selected_group of a HelloRetryRequest (RFC 8446 4.2.8). */
  selectedGroup: number | null;
  /** cookie of a HelloRetryRequest (RFC 8446 4.2.2). */
  cookie: Uint8Array | null;
  /** renegotiation_info renegotiated_connection (empty on an initial handshake), or null when absent (RFC 5746). */
  renegotiationInfo: Uint8Array | null;
  extendedMasterSecret: boolean;
  encryptThenMac: boolean;
  /** An empty status_request: the server will send CertificateStatus (RFC 6066 8). */
  statusRequest: boolean;
  sessionTicket: boolean;
  /** The protocol ALPN selected (RFC 7301 3.1). */
  alpn: string | null;
  ecPointFormats: number[] | null;
  /** An empty server_name: the server used the name we sent (RFC 6066 3). */
  serverName: boolean;
}

export function parseServerHelloExtensions(list: readonly TlsExtension[], helloRetryRequest: boolean, base = 0): ServerHelloExtensions {
  const out: ServerHelloExtensions = {
    supportedVersion: null, keyShare: null, selectedGroup: null, cookie: null, renegotiationInfo: null,
    extendedMasterSecret: false, encryptThenMac: false, statusRequest: false, sessionTicket: false, alpn: null,
    ecPointFormats: null, serverName: false,
  };
  for (const x of list) {
    // Offsets are approximate for extensions (base is the start of the extension block); exact enough to find them.
    const r = new Reader(x.data, 'tls', base);
    const empty = (what: string) => {
      if (x.data.length !== 0) r.fail(`${what} in ServerHello must be empty, has ${x.data.length} byte(s)`);
      return true;
    };
    switch (x.type) {
      case EXT_SUPPORTED_VERSIONS:
        out.supportedVersion = r.u16be('selected_version');
        break;
      case EXT_KEY_SHARE:
        if (helloRetryRequest) out.selectedGroup = r.u16be('selected_group');
        else out.keyShare = { group: r.u16be('group'), keyExchange: readOpaque(r, 2, 'key_exchange', 1) };
        break;
      case EXT_COOKIE:
        out.cookie = readOpaque(r, 2, 'cookie', 1);
        break;
      case EXT_RENEGOTIATION_INFO:
        out.renegotiationInfo = readOpaque(r, 1, 'renegotiated_connection');
        break;
      case EXT_EXTENDED_MASTER_SECRET:
        out.extendedMasterSecret = empty('extended_master_secret');
        break;
      case EXT_ENCRYPT_THEN_MAC:
        out.encryptThenMac = empty('encrypt_then_mac');
        break;
      case EXT_STATUS_REQUEST:
        out.statusRequest = empty('status_request');
        break;
      case EXT_SESSION_TICKET:
        out.sessionTicket = empty('session_ticket');
        break;
      case EXT_SERVER_NAME:
        out.serverName = empty('server_name');
        break;
      case EXT_ALPN: {
        const v = readVector(r, 2, 'protocol_name_list', 2);
        out.alpn = Buffer.from(readOpaque(v, 1, 'ProtocolName', 1)).toString('latin1');
        v.end('protocol_name_list (the server selects exactly one)');
        break;
      }
      case EXT_EC_POINT_FORMATS:
        out.ecPointFormats = readU8List(r, 1, 'ec_point_format_list', 1);
        break;
      default:
        r.rest(); // extensions we do not interpret are kept raw in the ServerHello's list
    }
    r.end(extensionName(x.type));
  }
  return out;
}

/** Encoders for the server side of the extensions above (test peers build ServerHellos with these). */
export const serverExtension = {
  supportedVersions: (v: number): TlsExtension => ({ type: EXT_SUPPORTED_VERSIONS, data: uint(v, 2, 'selected_version') }),
  keyShare: (group: number, keyExchange: Uint8Array): TlsExtension => ({ type: EXT_KEY_SHARE, data: concatBytes([uint(group, 2, 'group'), vector(2, keyExchange, 'key_exchange')]) }),
  renegotiationInfo: (conn: Uint8Array = new Uint8Array(0)): TlsExtension => ({ type: EXT_RENEGOTIATION_INFO, data: vector(1, conn, 'renegotiated_connection') }),
  extendedMasterSecret: (): TlsExtension => ({ type: EXT_EXTENDED_MASTER_SECRET, data: new Uint8Array(0) }),
  encryptThenMac: (): TlsExtension => ({ type: EXT_ENCRYPT_THEN_MAC, data: new Uint8Array(0) }),
  statusRequest: (): TlsExtension => ({ type: EXT_STATUS_REQUEST, data: new Uint8Array(0) }),
  sessionTicket: (): TlsExtension => ({ type: EXT_SESSION_TICKET, data: new Uint8Array(0) }),
  ecPointFormats: (formats: number[]): TlsExtension => ({ type: EXT_EC_POINT_FORMATS, data: vector(1, u8List(formats, 'format'), 'ec_point_format_list') }),
  alpn: (protocol: string): TlsExtension => ({ type: EXT_ALPN, data: vector(2, vector(1, Buffer.from(protocol, 'latin1'), 'ProtocolName'), 'protocol_name_list') }),
};
