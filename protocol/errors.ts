/**
 * The one error type every decoder in protocol/ throws. Callers (the probes) turn it into a
 * `protocol_error` / `malformed` result at the right stage; anything else escaping a decoder is a bug.
 */
export type Layer =
  | 'tpkt'
  | 'x224'
  | 'negotiation'
  | 'ber'
  | 'per'
  | 'mcs'
  | 'gcc'
  | 'rdp_security'
  | 'credssp'
  | 'ntlm'
  | 'certificate'
  | 'tls'
  | 'sslv2'
  | 'rdpeudp'
  | 'rdp'
  | 'licensing'
  | 'crypto';

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    /** The protocol layer whose structure was being read. */
    readonly layer: Layer,
    /** Offset of the failing read, counted from the start of the outermost buffer handed to the decoder. */
    readonly offset: number,
    /** What was wrong, in words an engineer can act on. */
    readonly reason: string,
  ) {
    super(`${layer}: ${reason} (offset ${offset})`);
  }
}
