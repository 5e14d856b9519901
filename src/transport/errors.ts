/**
 * How a connection-level step ended badly. Probes map these onto the record's Failure (stage + reason);
 * the kinds are the fixed vocabulary documented in src/record.ts.
 */
export type TransportErrorKind =
  | 'refused'
  | 'timeout'
  | 'deadline'
  | 'unreachable'
  | 'not_found'
  | 'closed'
  | 'reset'
  | 'too_large'
  /** The probe's per-host connection budget (MAX_CONNECTIONS) is spent: the check was not made. */
  | 'connection_budget'
  | 'error';

export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly kind: TransportErrorKind;
  readonly detail: string | null;

  constructor(kind: TransportErrorKind, detail: string | null = null) {
    // One of these is made for every refused or silent host of a sweep and its stack is never read:
    // capturing it was a measurable share of a closed-range scan.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(detail ? `${kind}: ${detail}` : kind);
    Error.stackTraceLimit = limit;
    this.kind = kind;
    this.detail = detail;
  }
}

const KNOWN_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** Maps a Node socket error onto our vocabulary (ECONNREFUSED -> refused, ...). */
export function classifySocketError(err: unknown): TransportError {
  if (err instanceof TransportError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? '';
  // The code says it all for the common cases ("connect ECONNREFUSED 10.0.0.5:3389" repeats the record's own
  // address); an unknown error keeps its message.
  const detail = code ? (KNOWN_CODES.has(code) ? code : `${code}${e.message ? `: ${e.message}` : ''}`) : String(e?.message ?? err);
  switch (code) {
    case 'ECONNREFUSED':
      return new TransportError('refused', detail);
    case 'ETIMEDOUT':
      return new TransportError('timeout', detail);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
    case 'EADDRNOTAVAIL':
      return new TransportError('unreachable', detail);
    case 'ENOTFOUND':
    case 'EAI_NONAME':
    case 'EAI_NODATA':
    case 'EAI_AGAIN':
      return new TransportError('not_found', detail);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return new TransportError('reset', detail);
    default:
      return new TransportError('error', detail);
  }
}
