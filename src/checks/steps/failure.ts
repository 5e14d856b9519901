import { DecodeError } from '../../../protocol/errors.js';
import { NOT_TPKT_REASON } from '../../../protocol/tpkt.js';
import { TransportError } from '../../transport/errors.js';
import type { Failure, Stage } from '../../record.js';

/**
 * Turns whatever a step threw into the record's Failure. Anything that is neither a transport nor a decode
 * error is a bug in rdprobe; it still becomes a result (reason `internal_error`) so one host never costs a scan.
 */
export function toFailure(stage: Stage, err: unknown): Failure {
  if (err instanceof TransportError) {
    return { stage, reason: err.kind === 'too_large' ? 'too_large' : err.kind, detail: err.detail };
  }
  if (err instanceof DecodeError) {
    const notOurs = err.layer === 'tpkt' && err.reason.startsWith(NOT_TPKT_REASON);
    return { stage, reason: notOurs ? 'not_tpkt' : 'malformed', detail: err.message };
  }
  const e = err as Error;
  return { stage, reason: 'internal_error', detail: String(e?.stack ?? e?.message ?? err).split('\n').slice(0, 3).join(' | ') };
}

/** Printable preview of bytes a non-RDP service sent (e.g. `HTTP/1.1 400 Bad Request`), for failure details. */
export function preview(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('latin1');
  const printable = text.replace(/[^\x20-\x7e]/g, '.');
  const hex = Buffer.from(bytes.subarray(0, 16)).toString('hex');
  return `first bytes ${hex} "${printable.slice(0, 40)}"`;
}
