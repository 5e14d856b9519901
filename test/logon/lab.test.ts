/**
 * The logon sequence against the real lab servers (lab/README.md), gated by RDPROBE_LAB=1. Each test asserts what
 * the server actually did when this was written, and says why. X.224 asks for PROTOCOL_SSL, TLS accepts any
 * certificate, user "labuser", domain "" and no password (nothing here authenticates: 127.0.20.2 runs -auth).
 */
import { describe, expect, it } from 'vitest';
import { driveLogon } from '../helpers/logon-driver.js';

const LAB = process.env['RDPROBE_LAB'] === '1';
const sequence = { userName: 'labuser', domain: '' };

describe.skipIf(!LAB)('logon sequence against the lab', () => {
  it('FreeRDP 2.11 shadow (127.0.20.2): finalized, licensing STATUS_VALID_CLIENT, never a logon notification', async () => {
    const r = await driveLogon({ host: '127.0.20.2', sequence, timeoutMs: 3000 });
    // The shadow server walks the whole sequence: Attach/Join, Client Info, a License Error PDU with
    // STATUS_VALID_CLIENT / ST_NO_TRANSITION, Demand Active, and Synchronize / Cooperate / Granted Control / Font Map.
    expect(r.progress.reached).toBe('finalization');
    expect(r.progress.licensing).toMatchObject({ message: 'error', errorCodeName: 'STATUS_VALID_CLIENT', stateTransitionName: 'ST_NO_TRANSITION' });
    expect(r.progress.failure).toBeNull();
    // It implements no Save Session Info: after finalization it sends fast-path screen updates and then nothing,
    // so the caller's deadline ends the run (xfreerdp 2.11 gets exactly as far: CONNECTION_STATE_ACTIVE, no logon
    // notification). rdprobe then disconnects cleanly.
    expect(r.ended).toBe('timeout');
    expect(r.progress.logonInfo).toBeNull();
    expect(r.progress.errorInfo).toBeNull();
  });

  it('FreeRDP 2.11 shadow without fast-path output: it hangs up at its first screen update', async () => {
    const r = await driveLogon({ host: '127.0.20.2', sequence: { ...sequence, fastPathOutput: false }, timeoutMs: 3000 });
    // Its log says "client does not support fast path output" / "BitmapUpdate failed", and it closes the
    // connection without Set Error Info or an ultimatum: why the sequence advertises fast-path output by default.
    expect(r.progress.reached).toBe('finalization');
    expect(r.ended).toBe('server_closed');
    expect(r.progress.disconnect).toEqual({ by: 'closed' });
    expect(r.progress.errorInfo).toBeNull();
  });

  it('xrdp 0.9.21 TLS (127.0.10.2): answers Client Info with a License Request, where the sequence stops', async () => {
    const r = await driveLogon({ host: '127.0.10.2', sequence, timeoutMs: 3000 });
    // xrdp always starts the [MS-RDPELE] exchange (SERVER_LICENSE_REQUEST, preamble version 2) instead of sending
    // STATUS_VALID_CLIENT; a real client answers with a New License Request. rdprobe does not implement licensing,
    // so it stops here and sends the ultimatum. (A real session would stop later anyway: no xrdp-sesman runs in
    // the lab, so xrdp could not start a session after its login screen.)
    expect(r.ended).toBe('sequence_done');
    expect(r.progress.reached).toBe('licensing');
    expect(r.progress.stopped).toBe('license_exchange_required');
    expect(r.progress.licensing).toEqual({ message: 'license_request', errorCode: null, errorCodeName: null, stateTransition: null, stateTransitionName: null });
    expect(r.progress.joinedChannels).toEqual([r.progress.userChannelId, 1003]);
  });
});
