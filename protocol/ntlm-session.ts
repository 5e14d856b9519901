import { Rc4 } from './crypto/rc4.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';
import { NTLMSSP_NEGOTIATE_128, NTLMSSP_NEGOTIATE_56, NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY, NTLMSSP_NEGOTIATE_KEY_EXCH } from './ntlm.js';
import { hmacMd5, md5 } from './ntlm-auth.js';

/**
 * NTLM session security with extended session security ([MS-NLMP] 3.4): the keys each direction signs and seals
 * with (3.4.5.2 SIGNKEY, 3.4.5.3 SEALKEY), and GSS_WrapEx / GSS_UnwrapEx (3.4.3) in the connection-oriented form
 * CredSSP uses: one RC4 handle per direction whose state carries on across messages, one sequence number per
 * direction starting at 0. CredSSP puts the 16-byte signature first and the sealed bytes after it ([MS-CSSP]
 * 3.1.5: pubKeyAuth and authInfo are the output of the NTLM EncryptMessage, signature buffer first).
 */

export type NtlmDirection = 'client-to-server' | 'server-to-client';

const magic = (s: string): Uint8Array => Uint8Array.from(Buffer.from(`${s}\0`, 'latin1'));
/** [MS-NLMP] 3.4.5.2 and 3.4.5.3: the NUL-terminated magic constants. */
const SIGN_MAGIC: Record<NtlmDirection, Uint8Array> = {
  'client-to-server': magic('session key to client-to-server signing key magic constant'),
  'server-to-client': magic('session key to server-to-client signing key magic constant'),
};
const SEAL_MAGIC: Record<NtlmDirection, Uint8Array> = {
  'client-to-server': magic('session key to client-to-server sealing key magic constant'),
  'server-to-client': magic('session key to server-to-client sealing key magic constant'),
};

/** [MS-NLMP] 3.4.5.2 SIGNKEY with extended session security: MD5(ExportedSessionKey || magic). */
export function signKey(exportedSessionKey: Uint8Array, direction: NtlmDirection): Uint8Array {
  return md5(exportedSessionKey, SIGN_MAGIC[direction]);
}

/**
 * [MS-NLMP] 3.4.5.3 SEALKEY with extended session security: the exported key cut to 16 bytes (NEGOTIATE_128),
 * 7 (NEGOTIATE_56) or 5 (40-bit), then MD5(that || magic).
 */
export function sealKey(exportedSessionKey: Uint8Array, flags: number, direction: NtlmDirection): Uint8Array {
  const n = flags & NTLMSSP_NEGOTIATE_128 ? 16 : flags & NTLMSSP_NEGOTIATE_56 ? 7 : 5;
  return md5(exportedSessionKey.subarray(0, n), SEAL_MAGIC[direction]);
}

/** [MS-NLMP] 2.2.2.9.1 NTLMSSP_MESSAGE_SIGNATURE with extended session security: 16 bytes. */
export const NTLM_SIGNATURE_LENGTH = 16;
/** Its Version field MUST be 1. */
export const NTLMSSP_MESSAGE_SIGNATURE_VERSION = 0x00000001;

/** Largest sealed message accepted from a peer (a CredSSP TSRequest field is never larger than the TSRequest). */
export const NTLM_SEALED_MAX_LENGTH = 0x10000;

/** A verified and decrypted message, or why the peer's signature did not verify (its bytes are never shown). */
export type UnsealResult = { ok: true; message: Uint8Array } | { ok: false; reason: 'bad_signature' | 'bad_sequence_number' };

interface DirectionState {
  signKey: Uint8Array;
  handle: Rc4;
  seq: number;
}

/**
 * One side of an NTLM security context: seals what it sends with its own direction's keys and unseals what it
 * receives with the other direction's. Role 'client' sends client-to-server.
 */
export class NtlmSessionSecurity {
  #out: DirectionState;
  #in: DirectionState;
  #keyExchange: boolean;

  constructor(exportedSessionKey: Uint8Array, flags: number, role: 'client' | 'server') {
    if (!(flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY)) {
      // Without it NTLMv2 has no signing key (3.4.5.2); CredSSP never negotiates that.
      throw new RangeError('NTLM session security needs NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY');
    }
    if (exportedSessionKey.length !== 16) throw new RangeError('ExportedSessionKey must be 16 bytes');
    const make = (d: NtlmDirection): DirectionState => {
      const seal = sealKey(exportedSessionKey, flags, d);
      const state = { signKey: signKey(exportedSessionKey, d), handle: new Rc4(seal), seq: 0 };
      seal.fill(0);
      return state;
    };
    const [outDir, inDir]: [NtlmDirection, NtlmDirection] = role === 'client' ? ['client-to-server', 'server-to-client'] : ['server-to-client', 'client-to-server'];
    this.#out = make(outDir);
    this.#in = make(inDir);
    this.#keyExchange = (flags & NTLMSSP_NEGOTIATE_KEY_EXCH) !== 0;
  }

  /**
   * [MS-NLMP] 3.4.4.2 MAC with extended session security: Version 1, Checksum = first 8 bytes of
   * HMAC_MD5(SigningKey, SeqNum || Message), RC4-encrypted with the direction's handle under KEY_EXCH, SeqNum.
   */
  #mac(d: DirectionState, seq: number, message: Uint8Array): Uint8Array {
    const seqBytes = new Writer().u32le(seq, 'SeqNum').finish();
    const full = hmacMd5(d.signKey, seqBytes, message);
    const checksum = this.#keyExchange ? d.handle.update(full.subarray(0, 8)) : full.slice(0, 8);
    full.fill(0);
    return new Writer().u32le(NTLMSSP_MESSAGE_SIGNATURE_VERSION, 'Version').bytes(checksum).bytes(seqBytes).finish();
  }

  /** GSS_WrapEx ([MS-NLMP] 3.4.3 SEAL): signature (16) || RC4(message). The message is encrypted first. */
  seal(message: Uint8Array): Uint8Array {
    const d = this.#out;
    const sealed = d.handle.update(message);
    const signature = this.#mac(d, d.seq, message);
    d.seq = (d.seq + 1) >>> 0;
    const out = new Uint8Array(NTLM_SIGNATURE_LENGTH + sealed.length);
    out.set(signature, 0);
    out.set(sealed, NTLM_SIGNATURE_LENGTH);
    return out;
  }

  /**
   * GSS_UnwrapEx: decrypts `token` (signature || sealed message, as the peer sent it) and checks its signature
   * against the expected sequence number. Throws DecodeError('ntlm', ...) when the token cannot be one (too
   * short, too long, signature version not 1); returns { ok: false } when it is well formed but does not verify.
   */
  unseal(token: Uint8Array): UnsealResult {
    const r = new Reader(token, 'ntlm');
    if (token.length > NTLM_SEALED_MAX_LENGTH) r.fail(`sealed message of ${token.length} bytes (max ${NTLM_SEALED_MAX_LENGTH})`, 0);
    const versionAt = r.offset;
    const version = r.u32le('signature Version');
    if (version !== NTLMSSP_MESSAGE_SIGNATURE_VERSION) r.fail(`NTLMSSP_MESSAGE_SIGNATURE Version ${version}, expected 1`, versionAt);
    const checksum = r.bytes(8, 'signature Checksum');
    const seq = r.u32le('signature SeqNum');
    const sealed = r.rest();
    const d = this.#in;
    const message = d.handle.update(sealed);
    const expected = this.#mac(d, d.seq, message);
    const seqOk = seq === d.seq;
    d.seq = (d.seq + 1) >>> 0;
    if (!constantTimeEqual(expected.subarray(4, 12), checksum)) {
      message.fill(0);
      return { ok: false, reason: 'bad_signature' };
    }
    if (!seqOk) {
      message.fill(0);
      return { ok: false, reason: 'bad_sequence_number' };
    }
    return { ok: true, message };
  }

  /**
   * GSS_GetMICEx ([MS-NLMP] 3.4.4): the 16-byte signature of `message`, which travels in the clear. Shares the
   * direction's sequence number and RC4 handle with seal(), as connection-oriented NTLM does.
   */
  sign(message: Uint8Array): Uint8Array {
    const d = this.#out;
    const signature = this.#mac(d, d.seq, message);
    d.seq = (d.seq + 1) >>> 0;
    return signature;
  }

  /**
   * GSS_VerifyMICEx: checks a peer's signature over a clear message. Throws DecodeError('ntlm', ...) when the
   * signature is not 16 bytes or its Version is not 1.
   */
  verify(message: Uint8Array, signature: Uint8Array): UnsealResult {
    const r = new Reader(signature, 'ntlm');
    const versionAt = r.offset;
    const version = r.u32le('signature Version');
    if (version !== NTLMSSP_MESSAGE_SIGNATURE_VERSION) r.fail(`NTLMSSP_MESSAGE_SIGNATURE Version ${version}, expected 1`, versionAt);
    const checksum = r.bytes(8, 'signature Checksum');
    const seq = r.u32le('signature SeqNum');
    r.end('NTLMSSP_MESSAGE_SIGNATURE');
    const d = this.#in;
    const expected = this.#mac(d, d.seq, message);
    const seqOk = seq === d.seq;
    d.seq = (d.seq + 1) >>> 0;
    if (!constantTimeEqual(expected.subarray(4, 12), checksum)) return { ok: false, reason: 'bad_signature' };
    if (!seqOk) return { ok: false, reason: 'bad_sequence_number' };
    return { ok: true, message };
  }

  /** Zeroes the signing keys and both RC4 schedules; the object is unusable afterwards. */
  dispose(): void {
    for (const d of [this.#out, this.#in]) {
      d.signKey.fill(0);
      d.handle.dispose();
    }
  }
}

/** Compares without an early exit, so the time taken does not say where a forged checksum went wrong. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
