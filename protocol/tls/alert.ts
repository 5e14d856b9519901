import { Reader } from '../reader.js';
import { nameOf } from '../writer.js';
import { tlsAlertName } from '../tls-alerts.js';
import { CONTENT_TYPE_ALERT, encodeRecord } from './record.js';
import { concatBytes, uint } from './wire.js';

/**
 * Alert protocol (RFC 5246 7.2, RFC 8446 6): struct { AlertLevel level; AlertDescription description; }.
 * Descriptions are named by protocol/tls-alerts.ts (one map for the whole project).
 */
export const ALERT_LEVEL_WARNING = 1;
export const ALERT_LEVEL_FATAL = 2;
export const ALERT_LEVEL_NAMES: Readonly<Record<number, string>> = { [ALERT_LEVEL_WARNING]: 'warning', [ALERT_LEVEL_FATAL]: 'fatal' };

// The descriptions the codec and the test peers use by name (values: RFC 8446 6, RFC 7507 2).
export const ALERT_CLOSE_NOTIFY = 0;
export const ALERT_UNEXPECTED_MESSAGE = 10;
export const ALERT_HANDSHAKE_FAILURE = 40;
export const ALERT_ILLEGAL_PARAMETER = 47;
export const ALERT_DECODE_ERROR = 50;
export const ALERT_PROTOCOL_VERSION = 70;
export const ALERT_INSUFFICIENT_SECURITY = 71;
export const ALERT_INTERNAL_ERROR = 80;
export const ALERT_INAPPROPRIATE_FALLBACK = 86;
export const ALERT_UNSUPPORTED_EXTENSION = 110;

export interface TlsAlert {
  level: number;
  description: number;
  /** `fatal` / `warning` / `unknown(0x..)`. */
  levelName: string;
  /** `handshake_failure`, ..., `unknown(0x..)`. */
  name: string;
}

export function decodeAlert(fragment: Uint8Array, base = 0): TlsAlert {
  const r = new Reader(fragment, 'tls', base);
  const level = r.u8('alert level');
  const description = r.u8('alert description');
  r.end('alert');
  return { level, description, levelName: nameOf(ALERT_LEVEL_NAMES, level), name: tlsAlertName(description) };
}

export function encodeAlert(level: number, description: number): Uint8Array {
  return concatBytes([uint(level, 1, 'alert level'), uint(description, 1, 'alert description')]);
}

/** A whole alert record, as a peer sends it. */
export function encodeAlertRecord(level: number, description: number, recordVersion: number): Uint8Array {
  return encodeRecord(CONTENT_TYPE_ALERT, recordVersion, encodeAlert(level, description));
}
