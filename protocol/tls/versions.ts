import { nameOf } from '../writer.js';

/**
 * Protocol version numbers as they appear on the wire: ProtocolVersion {major, minor} (RFC 6101 5.1,
 * RFC 5246 6.2.1, RFC 8446 4.1.2 / 4.2.1 supported_versions). SSL 2.0 uses 0x0002 in its CLIENT-HELLO
 * (draft-hickman-netscape-ssl-00, "SSL 2.0 protocol version").
 */
export const SSL2_VERSION = 0x0002;
export const SSL3_VERSION = 0x0300; // RFC 6101 5.1
export const TLS10_VERSION = 0x0301; // RFC 2246 6.2.1
export const TLS11_VERSION = 0x0302; // RFC 4346 6.2.1
export const TLS12_VERSION = 0x0303; // RFC 5246 6.2.1
export const TLS13_VERSION = 0x0304; // RFC 8446 4.2.1 (legacy_version stays 0x0303)

export type ProtocolVersionKey = 'ssl2' | 'ssl3' | 'tls1.0' | 'tls1.1' | 'tls1.2' | 'tls1.3';

export const PROTOCOL_VERSION_KEYS: Readonly<Record<number, ProtocolVersionKey>> = {
  [SSL2_VERSION]: 'ssl2',
  [SSL3_VERSION]: 'ssl3',
  [TLS10_VERSION]: 'tls1.0',
  [TLS11_VERSION]: 'tls1.1',
  [TLS12_VERSION]: 'tls1.2',
  [TLS13_VERSION]: 'tls1.3',
};

export const PROTOCOL_VERSION_NAMES: Readonly<Record<number, string>> = {
  [SSL2_VERSION]: 'SSL 2.0',
  [SSL3_VERSION]: 'SSL 3.0',
  [TLS10_VERSION]: 'TLS 1.0',
  [TLS11_VERSION]: 'TLS 1.1',
  [TLS12_VERSION]: 'TLS 1.2',
  [TLS13_VERSION]: 'TLS 1.3',
};

export function protocolVersionName(v: number): string {
  return nameOf(PROTOCOL_VERSION_NAMES, v, 4);
}

export function protocolVersionKey(v: number): ProtocolVersionKey | null {
  return PROTOCOL_VERSION_KEYS[v] ?? null;
}
