/**
 * Recorded lab sessions replayed without the servers (the Go crypto/tls testdata idea): the server frames of each
 * capture go into a fresh LogonSequence, which must answer with exactly the client frames that were recorded, and
 * end where the live run ended. A change to any client encoder or to the state machine shows up here as a byte diff.
 */
import { describe, expect, it } from 'vitest';
import { LogonSequence } from '../../protocol/rdp/logon-sequence.js';
import { PROTOCOL_SSL } from '../../protocol/negotiation.js';
import { toHex } from '../../protocol/writer.js';
import { logonCapture } from '../helpers/logon-captures.js';

function replay(name: Parameters<typeof logonCapture>[0]) {
  const frames = logonCapture(name);
  const seq = new LogonSequence({ selectedProtocol: PROTOCOL_SSL, ioChannelId: 1003, userName: 'labuser', domain: '' });
  const sent: string[] = seq.start().map(toHex);
  for (const f of frames) if (f.from === 'server') sent.push(...seq.receive(f.bytes).map(toHex));
  return { seq, sent, recorded: frames.filter((f) => f.from === 'client').map((f) => toHex(f.bytes)) };
}

describe('recorded logon flows replay byte for byte', () => {
  it('FreeRDP 2.11 shadow: finalized, no logon notification; the recorded timeout ended it with Shutdown Request + ultimatum', () => {
    const { seq, sent, recorded } = replay('freerdp-shadow-2.11');
    const p = seq.progress;
    expect(p.reached).toBe('finalization');
    expect(p.licensing?.errorCodeName).toBe('STATUS_VALID_CLIENT');
    expect(p.userChannelId).toBe(1004);
    expect(p.ignored).toBe(2); // the two fast-path updates after Font Map
    expect(seq.done).toBe(false);
    sent.push(...seq.disconnect().map(toHex));
    expect(sent).toEqual(recorded);
  });

  it('xrdp 0.9.21 TLS: License Request, stop, ultimatum', () => {
    const { seq, sent, recorded } = replay('xrdp-0.9.21-tls');
    expect(seq.progress.reached).toBe('licensing');
    expect(seq.progress.stopped).toBe('license_exchange_required');
    sent.push(...seq.disconnect().map(toHex));
    expect(sent).toEqual(recorded);
  });
});
