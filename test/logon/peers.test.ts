/**
 * The sans-IO LogonSequence over real loopback TCP + TLS against SCRIPTED peers (test/helpers/logon-peer.ts):
 * one scenario per branch a real server can take after the Client Info PDU. The peers record what the client sent,
 * so each test checks both sides: what the sequence concluded, and the PDUs it put on the wire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveLogon, type DriveOptions } from '../helpers/logon-driver.js';
import { makeSelfSignedCert, PEER_SHARE_ID, PEER_USER_CHANNEL, startLogonPeer, type LogonPeer, type PeerCert, type PeerScript, type Received } from '../helpers/logon-peer.js';
import { ERR_NO_LICENSE_SERVER, ST_NO_TRANSITION, ST_TOTAL_ABORT, STATUS_VALID_CLIENT } from '../../protocol/rdp/licensing.js';
import { ERRINFO_LICENSE_NO_LICENSE_SERVER, ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES } from '../../protocol/rdp/error-info.js';
import { LOGON_FAILED_OTHER, LOGON_MSG_SESSION_CONTINUE } from '../../protocol/rdp/session-info.js';
import { INFO_AUTOLOGON, INFO_LOGONNOTIFY, INFO_UNICODE } from '../../protocol/rdp/client-info.js';
import { CAPSTYPE_GENERAL, CAPSTYPE_INPUT } from '../../protocol/rdp/capabilities.js';
import { PROTOCOL_SSL } from '../../protocol/negotiation.js';

let cert: PeerCert;
const peers: LogonPeer[] = [];

beforeAll(() => {
  cert = makeSelfSignedCert();
});
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
});

const VALID_CLIENT = { send: 'license_error', errorCode: STATUS_VALID_CLIENT, stateTransition: ST_NO_TRANSITION } as const;
const ACTIVATE = [{ send: 'demand_active' }, { send: 'server_finalization' }] as const;

async function run(script: PeerScript, o: Partial<DriveOptions> = {}) {
  const peer = await startLogonPeer(script, cert);
  peers.push(peer);
  const result = await driveLogon({ host: peer.host, port: peer.port, sequence: { userName: 'labuser', domain: 'LAB' }, timeoutMs: 5000, ...o });
  // Let the peer read the client's last frames (disconnect sequence) before looking at its log.
  const clientHungUp = result.progress.disconnect === null;
  for (let i = 0; clientHungUp && i < 50 && !peer.sessions[0]?.some((r) => r.pdu === 'disconnect_provider_ultimatum'); i++) await new Promise((r) => setTimeout(r, 20));
  return { ...result, received: peer.sessions[0] ?? [] };
}

const names = (received: Received[]) => received.map((r) => r.pdu);

describe('logon sequence against scripted peers (loopback TCP + TLS)', () => {
  it('full sequence up to Save Session Info: logon notified, then a clean disconnect', async () => {
    const r = await run({ steps: [VALID_CLIENT, ...ACTIVATE, { send: 'save_session_info', info: { type: 'logon_long', domain: 'LAB', userName: 'labuser', sessionId: 3 } }] });
    expect(r.ended).toBe('stop_condition');
    expect(r.progress.reached).toBe('logon_notified');
    expect(r.progress.licensing).toEqual({ message: 'error', errorCode: STATUS_VALID_CLIENT, errorCodeName: 'STATUS_VALID_CLIENT', stateTransition: ST_NO_TRANSITION, stateTransitionName: 'ST_NO_TRANSITION' });
    expect(r.progress.logonInfo).toEqual({ type: 'INFOTYPE_LOGON_LONG', sessionId: 3, domain: 'LAB', userName: 'labuser' });
    expect(r.progress.userChannelId).toBe(PEER_USER_CHANNEL);
    expect(r.progress.joinedChannels).toEqual([PEER_USER_CHANNEL, 1003]);
    expect(r.progress.shareId).toBe(PEER_SHARE_ID);
    expect(r.progress.reconnectedExisting).toBe(false);
    expect(r.progress.failure).toBeNull();
    // What the client put on the wire, in order.
    expect(names(r.received)).toEqual([
      'x224_connection_request', 'mcs_connect_initial', 'erect_domain_request', 'attach_user_request',
      'channel_join_request', 'channel_join_request', 'client_info',
      'confirm_active', 'synchronize', 'control', 'control', 'font_list',
      'shutdown_request', 'disconnect_provider_ultimatum',
    ]);
    const x224 = r.received[0] as Extract<Received, { pdu: 'x224_connection_request' }>;
    expect(x224.requestedProtocols).toBe(PROTOCOL_SSL);
    const info = r.received.find((x) => x.pdu === 'client_info') as Extract<Received, { pdu: 'client_info' }>;
    expect(info.securityFlags).toBe(0x0040); // SEC_INFO_PKT
    expect(info.info.userName).toBe('labuser');
    expect(info.info.domain).toBe('LAB');
    expect(info.info.password).toBe(''); // NLA-style: credentials were delegated, nothing here
    expect(info.info.flags & (INFO_AUTOLOGON | INFO_LOGONNOTIFY | INFO_UNICODE)).toBe(INFO_AUTOLOGON | INFO_LOGONNOTIFY | INFO_UNICODE);
    expect(info.info.extra?.autoReconnectCookieLength).toBe(0);
    const ca = r.received.find((x) => x.pdu === 'confirm_active') as Extract<Received, { pdu: 'confirm_active' }>;
    expect(ca.shareId).toBe(PEER_SHARE_ID);
    expect(ca.originatorId).toBe(0x03ea);
    expect(ca.capabilitySets).toContain(CAPSTYPE_GENERAL);
    expect(ca.capabilitySets).toContain(CAPSTYPE_INPUT);
    const controls = r.received.filter((x) => x.pdu === 'control').map((x) => (x as { action: string }).action);
    expect(controls).toEqual(['CTRLACTION_COOPERATE', 'CTRLACTION_REQUEST_CONTROL']);
    expect(r.received.at(-1)).toEqual({ pdu: 'disconnect_provider_ultimatum', reasonName: 'rn-user-requested' });
  });

  it('licensing error ERR_NO_LICENSE_SERVER / ST_TOTAL_ABORT, then Set Error Info ERRINFO_LICENSE_NO_LICENSE_SERVER and an ultimatum', async () => {
    const r = await run({
      steps: [
        { send: 'license_error', errorCode: ERR_NO_LICENSE_SERVER, stateTransition: ST_TOTAL_ABORT },
        { send: 'set_error_info', code: ERRINFO_LICENSE_NO_LICENSE_SERVER },
        { send: 'ultimatum' },
        { close: true },
      ],
    });
    expect(r.progress.reached).toBe('licensing');
    expect(r.progress.licensing).toEqual({ message: 'error', errorCode: 6, errorCodeName: 'ERR_NO_LICENSE_SERVER', stateTransition: 1, stateTransitionName: 'ST_TOTAL_ABORT' });
    expect(r.progress.errorInfo).toEqual({ code: 0x101, name: 'ERRINFO_LICENSE_NO_LICENSE_SERVER' });
    expect(r.progress.disconnect).toEqual({ by: 'ultimatum', reason: 1, reasonName: 'rn-provider-initiated' });
    expect(r.progress.stopped).toBe('disconnected');
    // The client sent nothing after its Client Info: no Confirm Active, no disconnect of its own.
    expect(names(r.received).slice(6)).toEqual(['client_info']);
  });

  it('a License Request: the server wants the client licensing exchange, so the sequence stops there', async () => {
    const r = await run({ steps: [{ send: 'license_request' }] });
    expect(r.ended).toBe('sequence_done');
    expect(r.progress.reached).toBe('licensing');
    expect(r.progress.stopped).toBe('license_exchange_required');
    expect(r.progress.licensing?.message).toBe('license_request');
    expect(r.progress.licensing?.errorCodeName).toBeNull();
    // The driver hangs up with an ultimatum only (no share exists yet, so no Shutdown Request).
    expect(names(r.received).slice(-2)).toEqual(['client_info', 'disconnect_provider_ultimatum']);
  });

  it('Set Error Info ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES after finalization, then the server closes', async () => {
    const r = await run({ steps: [VALID_CLIENT, ...ACTIVATE, { send: 'set_error_info', code: ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES }, { close: true }] });
    expect(r.ended).toBe('server_closed');
    expect(r.progress.reached).toBe('finalization');
    expect(r.progress.errorInfo).toEqual({ code: 9, name: 'ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES' });
    expect(r.progress.disconnect).toEqual({ by: 'closed' });
    expect(r.progress.logonInfo).toBeNull();
  });

  it('silence after finalization: no logon notification, the caller times out and disconnects cleanly', async () => {
    const r = await run({ steps: [VALID_CLIENT, ...ACTIVATE] }, { timeoutMs: 1500 });
    expect(r.ended).toBe('timeout');
    expect(r.progress.reached).toBe('finalization');
    expect(r.progress.logonInfo).toBeNull();
    expect(r.progress.stopped).toBeNull(); // the sequence itself has no clock
    expect(names(r.received).slice(-2)).toEqual(['shutdown_request', 'disconnect_provider_ultimatum']);
  });

  it('reconnection to an existing session: Deactivate All after finalization, a new Demand Active, then the logon', async () => {
    const r = await run({
      steps: [
        VALID_CLIENT,
        ...ACTIVATE,
        { send: 'deactivate_all' },
        { send: 'demand_active', sessionId: 7 },
        { send: 'server_finalization' },
        { send: 'save_session_info', info: { type: 'logon', domain: 'LAB', userName: 'labuser', sessionId: 7 } },
      ],
    });
    expect(r.progress.reached).toBe('logon_notified');
    expect(r.progress.reconnectedExisting).toBe(true);
    expect(r.progress.deactivations).toBe(1);
    expect(r.progress.demandActiveSessionId).toBe(7);
    expect(r.progress.logonInfo).toEqual({ type: 'INFOTYPE_LOGON', sessionId: 7, domain: 'LAB', userName: 'labuser' });
    expect(names(r.received).filter((n) => n === 'confirm_active')).toHaveLength(2);
  });

  it('plain logon notification with extended info (logon errors, auto-reconnect cookie) and a denied shutdown', async () => {
    const r = await run({
      denyShutdown: true,
      steps: [
        VALID_CLIENT,
        ...ACTIVATE,
        { send: 'save_session_info', info: { type: 'extended', autoReconnect: { logonId: 5 }, logonErrors: { type: LOGON_MSG_SESSION_CONTINUE, data: 5 } } },
        { send: 'save_session_info', info: { type: 'plain_notify' } },
      ],
    });
    expect(r.progress.reached).toBe('logon_notified');
    expect(r.progress.logonInfo).toEqual({ type: 'INFOTYPE_LOGON_PLAINNOTIFY', sessionId: null, domain: null, userName: null });
    expect(r.progress.autoReconnectCookie).toBe(true);
    expect(r.progress.logonErrors).toEqual({ errorNotificationType: LOGON_MSG_SESSION_CONTINUE, errorNotificationTypeName: 'LOGON_MSG_SESSION_CONTINUE', errorNotificationData: 5, errorNotificationDataName: null });
    // The ultimatum follows the Shutdown Request whatever the server answers.
    expect(names(r.received).slice(-2)).toEqual(['shutdown_request', 'disconnect_provider_ultimatum']);
  });

  it('a logon error before any notification is kept by name', async () => {
    const r = await run({ steps: [VALID_CLIENT, ...ACTIVATE, { send: 'save_session_info', info: { type: 'extended', logonErrors: { type: 0xc000006d, data: LOGON_FAILED_OTHER } } }, { close: true }] });
    expect(r.progress.reached).toBe('finalization');
    expect(r.progress.logonErrors).toEqual({ errorNotificationType: 0xc000006d, errorNotificationTypeName: 'ntstatus(0xc000006d)', errorNotificationData: 2, errorNotificationDataName: 'LOGON_FAILED_OTHER' });
  });

  it('a Server Redirection PDU is recognised and stops the sequence', async () => {
    const r = await run({ steps: [VALID_CLIENT, { send: 'redirection', sessionId: 12, redirFlags: 0x00000001 | 0x00000004 }] });
    expect(r.progress.stopped).toBe('redirected');
    expect(r.progress.redirection).toEqual({ sessionId: 12, redirFlags: 5, redirFlagNames: ['LB_TARGET_NET_ADDRESS', 'LB_USERNAME'], length: 12 });
  });

  it('a password, when one is given, reaches the Client Info PDU and nothing else', async () => {
    const secret = 'Sup3r-Secr3t!';
    const r = await run({ steps: [VALID_CLIENT, { send: 'set_error_info', code: 0x10d3 }, { close: true }] }, { sequence: { userName: 'labuser', domain: 'LAB', password: secret } });
    const info = r.received.find((x) => x.pdu === 'client_info') as Extract<Received, { pdu: 'client_info' }>;
    expect(info.info.password).toBe(secret);
    expect(r.progress.errorInfo?.name).toBe('ERRINFO_CONNECTFAILED');
    expect(JSON.stringify(r.progress)).not.toContain(secret);
  });
});
