import { DecodeError } from './errors.js';
import {
  encodeClientUserData,
  encodeConferenceCreateRequest,
  readConferenceCreateResponse,
  readServerUserData,
  type ChannelDef,
  type ServerMessageChannelData,
  type ServerMultitransportChannelData,
  type ServerNetworkData,
  type UserDataBlock,
} from './gcc.js';
import { encodeMcsConnectInitial, readMcsConnectResponse, type DomainParameters } from './mcs.js';
import { Reader } from './reader.js';
import { flagNames, nameOf, Writer } from './writer.js';

/**
 * Standard RDP Security as seen in the basic settings exchange ([MS-RDPBCGR] 2.2.1.3-2.2.1.4, 5.3): what the
 * client offers (Client Security Data), what the server picks (Server Security Data: method, level, random,
 * certificate), the server's version and early capabilities (Server Core Data), and the server certificate
 * (2.2.1.4.3.1). `encodeConnectInitial` and `decodeConnectResponse` are the two calls the probe makes.
 */

// ---------------------------------------------------------------------------------------------------------------
// Encryption methods and levels (2.2.1.3.3, 2.2.1.4.3)

/** ENCRYPTION_METHOD_NONE (0x00000000), 2.2.1.4.3 */
export const ENCRYPTION_METHOD_NONE = 0x00000000;
/** ENCRYPTION_METHOD_40BIT (0x00000001), 2.2.1.3.3 */
export const ENCRYPTION_METHOD_40BIT = 0x00000001;
/** ENCRYPTION_METHOD_128BIT (0x00000002), 2.2.1.3.3 */
export const ENCRYPTION_METHOD_128BIT = 0x00000002;
/** ENCRYPTION_METHOD_56BIT (0x00000008), 2.2.1.3.3 */
export const ENCRYPTION_METHOD_56BIT = 0x00000008;
/** ENCRYPTION_METHOD_FIPS (0x00000010), 2.2.1.3.3 */
export const ENCRYPTION_METHOD_FIPS = 0x00000010;

/** Method flags by the record's names (src/record.ts EncryptionMethod); use with flagNames for offers. */
export const ENCRYPTION_METHOD_NAMES: Readonly<Record<number, string>> = {
  [ENCRYPTION_METHOD_40BIT]: '40bit',
  [ENCRYPTION_METHOD_128BIT]: '128bit',
  [ENCRYPTION_METHOD_56BIT]: '56bit',
  [ENCRYPTION_METHOD_FIPS]: 'fips',
};

/** ENCRYPTION_LEVEL_NONE (0x00000000), 2.2.1.4.3 */
export const ENCRYPTION_LEVEL_NONE = 0x00000000;
/** ENCRYPTION_LEVEL_LOW (0x00000001), 2.2.1.4.3 */
export const ENCRYPTION_LEVEL_LOW = 0x00000001;
/** ENCRYPTION_LEVEL_CLIENT_COMPATIBLE (0x00000002), 2.2.1.4.3 */
export const ENCRYPTION_LEVEL_CLIENT_COMPATIBLE = 0x00000002;
/** ENCRYPTION_LEVEL_HIGH (0x00000003), 2.2.1.4.3 */
export const ENCRYPTION_LEVEL_HIGH = 0x00000003;
/** ENCRYPTION_LEVEL_FIPS (0x00000004), 2.2.1.4.3 */
export const ENCRYPTION_LEVEL_FIPS = 0x00000004;

export const ENCRYPTION_LEVEL_NAMES: Readonly<Record<number, string>> = {
  [ENCRYPTION_LEVEL_NONE]: 'none',
  [ENCRYPTION_LEVEL_LOW]: 'low',
  [ENCRYPTION_LEVEL_CLIENT_COMPATIBLE]: 'client_compatible',
  [ENCRYPTION_LEVEL_HIGH]: 'high',
  [ENCRYPTION_LEVEL_FIPS]: 'fips',
};

/** The single method a server selected: 'none', '40bit', ... or unknown(0x..). */
export function encryptionMethodName(v: number): string {
  return v === ENCRYPTION_METHOD_NONE ? 'none' : nameOf(ENCRYPTION_METHOD_NAMES, v, 8);
}

export function encryptionLevelName(v: number): string {
  return nameOf(ENCRYPTION_LEVEL_NAMES, v, 8);
}

// ---------------------------------------------------------------------------------------------------------------
// Versions (2.2.1.3.2 / 2.2.1.4.2 version field)

/** RDP_VERSION_4 (0x00080001) */
export const RDP_VERSION_4 = 0x00080001;
/** RDP_VERSION_5_PLUS (0x00080004): RDP 5.0 to 8.1 */
export const RDP_VERSION_5_PLUS = 0x00080004;
/** RDP_VERSION_10_0 (0x00080005) */
export const RDP_VERSION_10_0 = 0x00080005;
/** RDP_VERSION_10_7 (0x0008000C) */
export const RDP_VERSION_10_7 = 0x0008000c;
/** RDP_VERSION_10_12 (0x00080011), the newest this table names */
export const RDP_VERSION_10_12 = 0x00080011;

export const SERVER_VERSION_NAMES: Readonly<Record<number, string>> = (() => {
  const m: Record<number, string> = { [RDP_VERSION_4]: 'RDP 4.0', [RDP_VERSION_5_PLUS]: 'RDP 5.0-8.1' };
  for (let v = RDP_VERSION_10_0; v <= RDP_VERSION_10_12; v++) m[v] = `RDP 10.${v - RDP_VERSION_10_0}`;
  return m;
})();

/** e.g. 'RDP 10.7', or unknown(0x0008ffff). */
export function serverVersionName(v: number): string {
  return nameOf(SERVER_VERSION_NAMES, v, 8);
}

/** The record's server_version_raw form: 0x0008000c. */
export function versionHex(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Server Core Data earlyCapabilityFlags (2.2.1.4.2)

/** RNS_UD_SC_EDGE_ACTIONS_SUPPORTED_V1 (0x00000001) */
export const RNS_UD_SC_EDGE_ACTIONS_SUPPORTED_V1 = 0x00000001;
/** RNS_UD_SC_DYNAMIC_DST_SUPPORTED (0x00000002) */
export const RNS_UD_SC_DYNAMIC_DST_SUPPORTED = 0x00000002;
/** RNS_UD_SC_EDGE_ACTIONS_SUPPORTED_V2 (0x00000004) */
export const RNS_UD_SC_EDGE_ACTIONS_SUPPORTED_V2 = 0x00000004;
/** RNS_UD_SC_SKIP_CHANNELJOIN_SUPPORTED (0x00000008) */
export const RNS_UD_SC_SKIP_CHANNELJOIN_SUPPORTED = 0x00000008;

export const SERVER_EARLY_CAPABILITY_NAMES: Readonly<Record<number, string>> = {
  [RNS_UD_SC_EDGE_ACTIONS_SUPPORTED_V1]: 'RNS_UD_SC_EDGE_ACTIONS_SUPPORTED_V1',
  [RNS_UD_SC_DYNAMIC_DST_SUPPORTED]: 'RNS_UD_SC_DYNAMIC_DST_SUPPORTED',
  [RNS_UD_SC_EDGE_ACTIONS_SUPPORTED_V2]: 'RNS_UD_SC_EDGE_ACTIONS_SUPPORTED_V2',
  [RNS_UD_SC_SKIP_CHANNELJOIN_SUPPORTED]: 'RNS_UD_SC_SKIP_CHANNELJOIN_SUPPORTED',
};

/** Server earlyCapabilityFlags as names, unknown bits as unknown(0x..). */
export function serverEarlyCapabilityNames(flags: number): string[] {
  return flagNames(SERVER_EARLY_CAPABILITY_NAMES, flags);
}

// ---------------------------------------------------------------------------------------------------------------
// Client Core Data values we send (2.2.1.3.2, 2.2.1.3.5)

/** colorDepth / postBeta2ColorDepth RNS_UD_COLOR_8BPP (0xCA01) */
export const RNS_UD_COLOR_8BPP = 0xca01;
/** SASSequence RNS_UD_SAS_DEL (0xAA03) */
export const RNS_UD_SAS_DEL = 0xaa03;
/** highColorDepth HIGH_COLOR_24BPP (0x0018) */
export const HIGH_COLOR_24BPP = 0x0018;
/** supportedColorDepths RNS_UD_24BPP_SUPPORT | 16BPP | 15BPP | 32BPP (0x0001|0x0002|0x0004|0x0008) */
export const RNS_UD_ALL_BPP_SUPPORT = 0x000f;
/** earlyCapabilityFlags RNS_UD_CS_SUPPORT_ERRINFO_PDU (0x0001) */
export const RNS_UD_CS_SUPPORT_ERRINFO_PDU = 0x0001;
/** keyboardType 4: IBM enhanced (101- or 102-key) */
export const KEYBOARD_TYPE_IBM_ENHANCED = 4;
/** Client Cluster Data Flags: REDIRECTION_SUPPORTED (0x01) | ServerSessionRedirectionVersionMask REDIRECTION_VERSION4 (0x03 << 2) */
export const CLUSTER_REDIRECTION_SUPPORTED_V4 = 0x01 | (0x03 << 2);

// ---------------------------------------------------------------------------------------------------------------
// Server certificate (2.2.1.4.3.1)

/** CERT_CHAIN_VERSION_1 (0x00000001): proprietary certificate, 2.2.1.4.3.1.1 */
export const CERT_CHAIN_VERSION_1 = 0x00000001;
/** CERT_CHAIN_VERSION_2 (0x00000002): X.509 certificate chain, 2.2.1.4.3.1.2 */
export const CERT_CHAIN_VERSION_2 = 0x00000002;
/** t bit of dwVersion (0x80000000): the certificate is temporary (not from a license server) */
export const CERT_TEMPORARY = 0x80000000;
/** SIGNATURE_ALG_RSA (0x00000001), 2.2.1.4.3.1.1 dwSigAlgId */
export const SIGNATURE_ALG_RSA = 0x00000001;
/** KEY_EXCHANGE_ALG_RSA (0x00000001), 2.2.1.4.3.1.1 dwKeyAlgId */
export const KEY_EXCHANGE_ALG_RSA = 0x00000001;
/** BB_RSA_KEY_BLOB (0x0006), 2.2.1.4.3.1.1 wPublicKeyBlobType */
export const BB_RSA_KEY_BLOB = 0x0006;
/** BB_RSA_SIGNATURE_BLOB (0x0008), 2.2.1.4.3.1.1 wSignatureBlobType */
export const BB_RSA_SIGNATURE_BLOB = 0x0008;
/** RSA_PUBLIC_KEY magic "RSA1" (0x31415352), 2.2.1.4.3.1.1.1 */
export const RSA1_MAGIC = 0x31415352;
/** Cap on NumCertBlobs of an X.509 chain (2.2.1.4.3.1.2.1); Windows sends 2 or 3. */
export const MAX_CERT_BLOBS = 16;
/** Cap on the total size of the certificates of a chain. */
export const MAX_CERT_CHAIN_BYTES = 0x10000;
/** RSA_PUBLIC_KEY has 8 zero bytes of padding after the modulus: keylen = bitlen / 8 + 8. */
const RSA_MODULUS_PADDING = 8;

export const CERT_CHAIN_VERSION_NAMES: Readonly<Record<number, string>> = {
  [CERT_CHAIN_VERSION_1]: 'proprietary',
  [CERT_CHAIN_VERSION_2]: 'x509',
};

/**
 * SERVER_CERTIFICATE (2.2.1.4.3.1), decoded. Proprietary: the RSA key (modulus big-endian, without the 8 padding
 * bytes) and signature. X.509: the DER certificates in wire order (the server's own certificate is the last one,
 * 2.2.1.4.3.1.2.1), left unparsed for the certificate layer.
 */
export interface ServerCertificate {
  type: 'proprietary' | 'x509';
  temporary: boolean;
  keyBits: number | null;
  exponent: number | null;
  modulus: Uint8Array | null;
  chain: Uint8Array[];
  /** Proprietary: dwSigAlgId / dwKeyAlgId (both 1, RSA) and the SignatureBlob. */
  sigAlgId: number | null;
  keyAlgId: number | null;
  signature: Uint8Array | null;
}

function readRsaPublicKey(r: Reader): { keyBits: number; exponent: number; modulus: Uint8Array } {
  const start = r.offset;
  const magic = r.u32le('RSA_PUBLIC_KEY magic');
  if (magic !== RSA1_MAGIC) r.fail(`RSA_PUBLIC_KEY magic 0x${magic.toString(16).padStart(8, '0')} is not RSA1`, start);
  const keylenAt = r.offset;
  const keylen = r.u32le('keylen');
  const bitlenAt = r.offset;
  const bitlen = r.u32le('bitlen');
  r.u32le('datalen'); // bitlen / 8 - 1 by the spec; informational only
  const exponent = r.u32le('pubExp');
  if (keylen !== r.remaining) r.fail(`keylen ${keylen} does not match the ${r.remaining} modulus bytes of the key blob`, keylenAt);
  if (bitlen === 0 || bitlen % 8 !== 0 || bitlen / 8 > keylen) r.fail(`bitlen ${bitlen} does not fit keylen ${keylen}`, bitlenAt);
  const le = r.bytes(keylen, 'modulus');
  r.end('RSA_PUBLIC_KEY');
  return { keyBits: bitlen, exponent, modulus: Uint8Array.from(le.subarray(0, bitlen / 8)).reverse() };
}

/** Reads SERVER_CERTIFICATE (2.2.1.4.3.1) filling all of `r`; errors carry layer rdp_security. */
export function readServerCertificate(r: Reader): ServerCertificate {
  const start = r.offset;
  const dwVersion = r.u32le('dwVersion');
  const temporary = (dwVersion & CERT_TEMPORARY) !== 0;
  const version = (dwVersion & ~CERT_TEMPORARY) >>> 0;
  if (version === CERT_CHAIN_VERSION_1) {
    // PROPRIETARYSERVERCERTIFICATE, 2.2.1.4.3.1.1
    const sigAlgId = r.u32le('dwSigAlgId');
    const keyAlgId = r.u32le('dwKeyAlgId');
    const typeAt = r.offset;
    const keyBlobType = r.u16le('wPublicKeyBlobType');
    if (keyBlobType !== BB_RSA_KEY_BLOB) r.fail(`wPublicKeyBlobType 0x${keyBlobType.toString(16)} is not BB_RSA_KEY_BLOB`, typeAt);
    const keyLen = r.u16le('wPublicKeyBlobLen');
    const key = readRsaPublicKey(r.sub(keyLen, 'PublicKeyBlob'));
    const sigTypeAt = r.offset;
    const sigType = r.u16le('wSignatureBlobType');
    if (sigType !== BB_RSA_SIGNATURE_BLOB) r.fail(`wSignatureBlobType 0x${sigType.toString(16)} is not BB_RSA_SIGNATURE_BLOB`, sigTypeAt);
    const sigLen = r.u16le('wSignatureBlobLen');
    const signature = r.copy(sigLen, 'SignatureBlob');
    r.end('PROPRIETARYSERVERCERTIFICATE');
    return { type: 'proprietary', temporary, ...key, chain: [], sigAlgId, keyAlgId, signature };
  }
  if (version === CERT_CHAIN_VERSION_2) {
    // X509 _CERTIFICATE_CHAIN, 2.2.1.4.3.1.2.1
    const countAt = r.offset;
    const count = r.u32le('NumCertBlobs');
    if (count === 0 || count > MAX_CERT_BLOBS) r.fail(`NumCertBlobs ${count} is outside 1..${MAX_CERT_BLOBS}`, countAt);
    const chain: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < count; i++) {
      const lenAt = r.offset;
      const len = r.u32le('cbCert');
      total += len;
      if (total > MAX_CERT_CHAIN_BYTES) r.fail(`certificate chain exceeds ${MAX_CERT_CHAIN_BYTES} bytes`, lenAt);
      chain.push(r.copy(len, 'abCert'));
    }
    // What is left is the Padding field (8 + 4 * NumCertBlobs bytes by the spec; not checked).
    r.rest();
    return { type: 'x509', temporary, keyBits: null, exponent: null, modulus: null, chain, sigAlgId: null, keyAlgId: null, signature: null };
  }
  throw new DecodeError('rdp_security', start, `unknown certificate dwVersion 0x${dwVersion.toString(16).padStart(8, '0')}`);
}

export function decodeServerCertificate(bytes: Uint8Array): ServerCertificate {
  return readServerCertificate(new Reader(bytes, 'rdp_security'));
}

/** SERVER_CERTIFICATE encoder, for tests and fake servers (proprietary: modulus big-endian, padded as 2.2.1.4.3.1.1.1). */
export function encodeServerCertificate(c: ServerCertificate): Uint8Array {
  const w = new Writer().u32le(((c.type === 'proprietary' ? CERT_CHAIN_VERSION_1 : CERT_CHAIN_VERSION_2) | (c.temporary ? CERT_TEMPORARY : 0)) >>> 0, 'dwVersion');
  if (c.type === 'proprietary') {
    const modulus = c.modulus ?? new Uint8Array(0);
    const keyBits = c.keyBits ?? modulus.length * 8;
    const keylen = keyBits / 8 + RSA_MODULUS_PADDING;
    const le = new Uint8Array(keylen);
    le.set(Uint8Array.from(modulus).reverse());
    const signature = c.signature ?? new Uint8Array(0);
    w.u32le(c.sigAlgId ?? SIGNATURE_ALG_RSA, 'dwSigAlgId').u32le(c.keyAlgId ?? KEY_EXCHANGE_ALG_RSA, 'dwKeyAlgId');
    w.u16le(BB_RSA_KEY_BLOB).u16le(20 + keylen, 'wPublicKeyBlobLen');
    w.u32le(RSA1_MAGIC).u32le(keylen).u32le(keyBits).u32le(keyBits / 8 - 1).u32le(c.exponent ?? 65537).bytes(le);
    w.u16le(BB_RSA_SIGNATURE_BLOB).u16le(signature.length, 'wSignatureBlobLen').bytes(signature);
  } else {
    w.u32le(c.chain.length, 'NumCertBlobs');
    for (const der of c.chain) w.u32le(der.length, 'cbCert').bytes(der);
    w.bytes(new Uint8Array(8 + 4 * c.chain.length));
  }
  return w.finish();
}

// ---------------------------------------------------------------------------------------------------------------
// The probe's two calls

export interface ConnectInitialOptions {
  /** selectedProtocol of the server's RDP_NEG_RSP; 0 (PROTOCOL_RDP) for Standard RDP Security. */
  serverSelectedProtocol: number;
  /** ENCRYPTION_METHOD_* flags offered (offer one per connection to enumerate, 5.3.2). */
  encryptionMethods: number;
  /** Used only by French-locale clients when encryptionMethods is 0 (2.2.1.3.3); default 0. */
  extEncryptionMethods?: number;
  /** Default 'RDPROBE'. */
  clientName?: string;
  /** Default RDP_VERSION_5_PLUS (0x00080004), which every server since RDP 5 accepts. */
  version?: number;
  desktopWidth?: number;
  desktopHeight?: number;
  keyboardLayout?: number;
  clientBuild?: number;
  highColorDepth?: number;
  supportedColorDepths?: number;
  earlyCapabilityFlags?: number;
  /** Static virtual channels to request (CS_NET); default none. */
  channels?: ChannelDef[];
  /** CS_CLUSTER Flags; default REDIRECTION_SUPPORTED with redirection version 4 (0x0d), as mstsc sends. */
  clusterFlags?: number;
}

/**
 * MCS Connect-Initial carrying a GCC Conference Create Request with CS_CORE, CS_SECURITY, CS_NET and CS_CLUSTER
 * ([MS-RDPBCGR] 2.2.1.3). Returns the MCS PDU only: the caller wraps it in X.224 Data (02 f0 80) and TPKT.
 */
export function encodeConnectInitial(o: ConnectInitialOptions): Uint8Array {
  const userData = encodeClientUserData({
    core: {
      version: o.version ?? RDP_VERSION_5_PLUS,
      desktopWidth: o.desktopWidth ?? 1024,
      desktopHeight: o.desktopHeight ?? 768,
      colorDepth: RNS_UD_COLOR_8BPP,
      sasSequence: RNS_UD_SAS_DEL,
      keyboardLayout: o.keyboardLayout ?? 0x00000409,
      clientBuild: o.clientBuild ?? 2600,
      clientName: o.clientName ?? 'RDPROBE',
      keyboardType: KEYBOARD_TYPE_IBM_ENHANCED,
      keyboardSubType: 0,
      keyboardFunctionKey: 12,
      imeFileName: '',
      postBeta2ColorDepth: RNS_UD_COLOR_8BPP,
      clientProductId: 1,
      serialNumber: 0,
      highColorDepth: o.highColorDepth ?? HIGH_COLOR_24BPP,
      supportedColorDepths: o.supportedColorDepths ?? RNS_UD_ALL_BPP_SUPPORT,
      earlyCapabilityFlags: o.earlyCapabilityFlags ?? RNS_UD_CS_SUPPORT_ERRINFO_PDU,
      clientDigProductId: '',
      connectionType: 0,
      pad1octet: 0,
      serverSelectedProtocol: o.serverSelectedProtocol,
    },
    security: { encryptionMethods: o.encryptionMethods, extEncryptionMethods: o.extEncryptionMethods ?? 0 },
    network: { channels: o.channels ?? [] },
    cluster: { flags: o.clusterFlags ?? CLUSTER_REDIRECTION_SUPPORTED_V4, redirectedSessionId: 0 },
  });
  return encodeMcsConnectInitial({ userData: encodeConferenceCreateRequest(userData) });
}

/** Server Core Data with its names. */
export interface ServerCoreInfo {
  version: number;
  /** e.g. RDP 10.7 */
  versionName: string;
  /** e.g. 0x0008000c */
  versionRaw: string;
  clientRequestedProtocols: number | null;
  earlyCapabilityFlags: number | null;
  earlyCapabilityFlagNames: string[] | null;
}

/** Server Security Data with names and the decoded certificate. */
export interface ServerSecurityInfo {
  encryptionMethod: number;
  /** none, 40bit, 56bit, 128bit, fips or unknown(0x..) */
  encryptionMethodName: string;
  encryptionLevel: number;
  /** none, low, client_compatible, high, fips or unknown(0x..) */
  encryptionLevelName: string;
  serverRandom: Uint8Array | null;
  certificate: ServerCertificate | null;
}

export interface ConnectResponse {
  /** MCS Connect-Response result (T.125). */
  result: number;
  resultName: string;
  calledConnectId: number;
  domainParameters: DomainParameters;
  /** GCC ConferenceCreateResponse header; null when the server sent empty userData (e.g. a refusal). */
  gcc: { nodeId: number; tag: number; result: number; resultName: string } | null;
  serverCore?: ServerCoreInfo;
  serverSecurity?: ServerSecurityInfo;
  serverNetwork?: ServerNetworkData;
  serverMessageChannel?: ServerMessageChannelData;
  serverMultitransport?: ServerMultitransportChannelData;
  /** Blocks we do not decode, kept as sent. */
  otherBlocks: UserDataBlock[];
}

/**
 * MCS Connect-Response -> GCC Conference Create Response -> server user data blocks -> certificate
 * ([MS-RDPBCGR] 2.2.1.4). `mcsBytes` is the PDU after TPKT and X.224 Data. A non-successful MCS result is returned,
 * not thrown. Every structural problem is a DecodeError whose offset counts from mcsBytes[0].
 */
export function decodeConnectResponse(mcsBytes: Uint8Array): ConnectResponse {
  const { response, userData } = readMcsConnectResponse(new Reader(mcsBytes, 'mcs'));
  const out: ConnectResponse = {
    result: response.result,
    resultName: response.resultName,
    calledConnectId: response.calledConnectId,
    domainParameters: response.domainParameters,
    gcc: null,
    otherBlocks: [],
  };
  if (userData.length === 0) return out;
  const ccr = readConferenceCreateResponse(userData);
  const { nodeId, tag, result, resultName } = ccr.response;
  out.gcc = { nodeId, tag, result, resultName };
  const { userData: blocks, serverCertificate } = readServerUserData(ccr.userData);
  out.otherBlocks = blocks.otherBlocks;
  if (blocks.core) {
    const c = blocks.core;
    out.serverCore = {
      version: c.version,
      versionName: serverVersionName(c.version),
      versionRaw: versionHex(c.version),
      clientRequestedProtocols: c.clientRequestedProtocols ?? null,
      earlyCapabilityFlags: c.earlyCapabilityFlags ?? null,
      earlyCapabilityFlagNames: c.earlyCapabilityFlags === undefined ? null : serverEarlyCapabilityNames(c.earlyCapabilityFlags),
    };
  }
  if (blocks.security) {
    const s = blocks.security;
    let certificate: ServerCertificate | null = null;
    // The reader keeps absolute offsets: a broken certificate's error points at its byte in mcsBytes.
    if (serverCertificate !== null && serverCertificate.length > 0) certificate = readServerCertificate(serverCertificate);
    out.serverSecurity = {
      encryptionMethod: s.encryptionMethod,
      encryptionMethodName: encryptionMethodName(s.encryptionMethod),
      encryptionLevel: s.encryptionLevel,
      encryptionLevelName: encryptionLevelName(s.encryptionLevel),
      serverRandom: s.serverRandom,
      certificate,
    };
  }
  if (blocks.network) out.serverNetwork = blocks.network;
  if (blocks.messageChannel) out.serverMessageChannel = blocks.messageChannel;
  if (blocks.multitransport) out.serverMultitransport = blocks.multitransport;
  return out;
}
