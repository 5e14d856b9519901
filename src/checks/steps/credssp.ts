import type { TLSSocket } from 'node:tls';
import { encodeTsRequest, decodeTsRequest, tsRequestLength, TS_REQUEST_MAX_LENGTH, TS_REQUEST_VERSION_MAX_KNOWN, TOO_LARGE_REASON } from '../../../protocol/credssp.js';
import { encodeNtlmNegotiate, decodeNtlmChallenge } from '../../../protocol/ntlm.js';
import { challengeToInfo } from '../../analysis/ntlm-identity.js';
import { ntStatus } from '../../../protocol/ntstatus.js';
import { DecodeError } from '../../../protocol/errors.js';
import type { Budget } from '../../transport/clock.js';
import { FrameReader } from '../../transport/frame-reader.js';
import { closeTls } from '../../transport/tls.js';
import type { CredsspResult, Failure } from '../../record.js';
import { toFailure } from './failure.js';

/** The CredSSP version we offer ([MS-CSSP] 2.2.1: 6 is the current one, with the CVE-2018-0886 nonce). */
export const CLIENT_CREDSSP_VERSION = TS_REQUEST_VERSION_MAX_KNOWN;

export interface CredsspStepResult {
  result: CredsspResult;
  failure: Failure | null;
}

/**
 * The first CredSSP round trip without credentials ([MS-CSSP] 3.1.5): TSRequest{negoTokens: NTLM NEGOTIATE}
 * out, TSRequest{negoTokens: NTLM CHALLENGE} back. The CHALLENGE names the machine that answered (NetBIOS/DNS
 * names, build, clock). We stop there: nothing is authenticated and no credentials are ever sent.
 */
export async function credsspStep(socket: TLSSocket, budget: Budget): Promise<CredsspStepResult> {
  const result: CredsspResult = { version: null, error_code: null, ntlm: null, failure: null };
  const reader = new FrameReader(socket, { maxFrame: TS_REQUEST_MAX_LENGTH, maxTotal: 4 * TS_REQUEST_MAX_LENGTH });
  const fail = (f: Failure): CredsspStepResult => {
    result.failure = f;
    return { result, failure: f };
  };
  try {
    // One write = one TLS record: Windows rejects a TSRequest split across records.
    socket.write(encodeTsRequest({ version: CLIENT_CREDSSP_VERSION, negoTokens: [encodeNtlmNegotiate()] }));
    let frame: Uint8Array;
    try {
      frame = await reader.next(tsRequestLength, budget, 'CredSSP TSRequest');
    } catch (err) {
      if (err instanceof DecodeError && err.reason.startsWith(TOO_LARGE_REASON)) return fail({ stage: 'credssp', reason: 'too_large', detail: err.message });
      return fail(toFailure('credssp', err));
    }
    const arrived = new Date();
    const ts = decodeTsRequest(frame);
    result.version = ts.version;
    if (ts.errorCode !== undefined) result.error_code = ntStatus(ts.errorCode);
    const token = ts.negoTokens?.[0];
    if (!token) {
      if (result.error_code) return fail({ stage: 'credssp', reason: 'server_error', detail: `${result.error_code.name} (${result.error_code.hex})` });
      return fail({ stage: 'credssp', reason: 'malformed', detail: 'TSRequest without an NTLM CHALLENGE' });
    }
    result.ntlm = challengeToInfo(decodeNtlmChallenge(token), arrived);
    return { result, failure: null };
  } catch (err) {
    return fail(toFailure('credssp', err));
  } finally {
    reader.detach();
    closeTls(socket);
  }
}
