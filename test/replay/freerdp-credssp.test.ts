import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { decodeTsRequest } from '../../protocol/credssp.js';
import { decodeNtlmChallenge } from '../../protocol/ntlm.js';
import { challengeToInfo } from '../../src/analysis/ntlm-identity.js';
import { fromHex } from '../../protocol/writer.js';
import { parseConnectionAnswer } from '../../protocol/connection.js';

// The FreeRDP NLA server's real answers, recorded from the lab (captures/freerdp-nla-credssp.json): the X.224
// Confirm and, inside TLS, the TSRequest carrying the NTLM CHALLENGE that rdprobe turns into the host's identity.
const cap = JSON.parse(readFileSync(new URL('../../captures/freerdp-nla-credssp.json', import.meta.url), 'utf8')) as {
  recorded_at: string;
  connections: { flow: Record<string, string>[]; inside_tls: Record<string, string>[] }[];
};
const conn = cap.connections[0]!;

describe('FreeRDP 2.11 NLA server, recorded', () => {
  it('selects HYBRID with EXTENDED_CLIENT_DATA_SUPPORTED | DYNVC_GFX_PROTOCOL_SUPPORTED', () => {
    expect(parseConnectionAnswer(fromHex(conn.flow[1]!.server!))).toEqual({ type: 'response', flags: 0x03, selectedProtocol: 0x02 });
  });

  it('answers the anonymous NEGOTIATE with a version 6 TSRequest carrying the CHALLENGE and a nonce', () => {
    const ts = decodeTsRequest(fromHex(conn.inside_tls[1]!.server!));
    expect(ts.version).toBe(6);
    expect(ts.negoTokens).toHaveLength(1);
    expect(ts.errorCode).toBeUndefined();
    expect(ts.clientNonce?.length).toBe(32);
  });

  it('names the machine it ran on, its claimed Windows version and its clock', () => {
    const ts = decodeTsRequest(fromHex(conn.inside_tls[1]!.server!));
    const recordedAt = new Date(cap.recorded_at);
    const info = challengeToInfo(decodeNtlmChallenge(ts.negoTokens![0]!), recordedAt);
    expect(info).toMatchObject({
      target_name: 'VM',
      netbios_domain: 'VM',
      netbios_computer: 'VM',
      dns_domain: 'vm',
      dns_computer: 'vm',
      dns_tree: null,
      os_version: '6.1.7601',
    });
    // The server's FILETIME was taken within a second of our request.
    expect(Math.abs(info.clock_skew_seconds!)).toBeLessThan(1);
    expect(info.negotiate_flags).toEqual(expect.arrayContaining(['NTLMSSP_NEGOTIATE_UNICODE', 'NTLMSSP_NEGOTIATE_TARGET_INFO', 'NTLMSSP_NEGOTIATE_VERSION', 'NTLMSSP_NEGOTIATE_56']));
  });
});
