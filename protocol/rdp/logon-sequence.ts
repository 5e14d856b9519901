import { DecodeError } from '../errors.js';
import { encodeTpkt } from '../tpkt.js';
import { encodeDataTpdu } from '../x224.js';
import { PROTOCOL_HYBRID, PROTOCOL_HYBRID_EX, PROTOCOL_SSL } from '../negotiation.js';
import {
  encodeAttachUserRequest,
  encodeChannelJoinRequest,
  encodeDisconnectProviderUltimatum,
  encodeErectDomainRequest,
  encodeSendDataRequest,
  RN_USER_REQUESTED,
} from '../mcs-domain.js';
import { CLIENT_AF_INET, encodeClientInfoPduData, PERF_MINIMAL, RDPROBE_INFO_FLAGS, TIME_ZONE_INFORMATION_LENGTH } from './client-info.js';
import { encodeConfirmActivePdu, minimalClientCapabilities } from './capabilities.js';
import { CTRLACTION_COOPERATE, CTRLACTION_GRANTED_CONTROL, CTRLACTION_REQUEST_CONTROL, encodeControlPdu, encodeFontListPdu, encodeShutdownRequestPdu, encodeSynchronizePdu } from './finalization.js';
import { ERROR_ALERT } from './licensing.js';
import { ERRINFO_NONE } from './error-info.js';
import type { LogonErrorsInfo } from './session-info.js';
import type { ServerRedirection } from './share.js';
import { decodeServerFrame, type ServerFrame, type ServerPdu } from './server-frame.js';

/**
 * The RDP connection sequence after security negotiation ([MS-RDPBCGR] 1.3.1.1 phases 4-10) as a sans-IO state
 * machine: Channel Connection (Erect Domain, Attach User, Channel Joins), Secure Settings Exchange (Client Info),
 * Licensing, Capabilities Exchange, Connection Finalization, then the logon notification (Save Session Info,
 * 2.2.10.1). It builds client frames (TPKT + X.224 Data, ready to write) and consumes whole server frames; the
 * caller owns the socket, the framing (rdpFrameLength) and every timeout. Only Enhanced RDP Security is supported
 * (TLS, CredSSP): with Standard RDP Security every PDU would need RC4 and MACs, which rdprobe does not do.
 *
 * SAFETY: a logon that gets as far as `logon_notified` has created (or reattached to) a real user session. Ending
 * the connection with Shutdown Request + Disconnect Provider Ultimatum disconnects that session, it does not log
 * it off: on Windows it stays on the server, disconnected, until the server's disconnected-session limit ends it,
 * and the account's next logon reconnects to it. Run this only where an operator opted in, with an account meant
 * for it, against servers they own.
 */

/** How far the sequence got, in order. Each phase is entered when the server message that opens it arrives. */
export const LOGON_PHASES = ['mcs_connect', 'mcs_attach', 'channel_join', 'client_info', 'licensing', 'capabilities', 'finalization', 'logon_notified'] as const;
/**
 * - mcs_connect: the caller's Connect Response was taken; Erect Domain + Attach User Request sent.
 * - mcs_attach: Attach User Confirm succeeded; channel joins under way.
 * - channel_join: every join confirmed (the Client Info PDU goes out at once, so this is brief).
 * - client_info: Client Info sent, nothing heard since.
 * - licensing: a licensing PDU arrived.
 * - capabilities: Demand Active arrived; Confirm Active and the client finalization PDUs sent.
 * - finalization: the server's Font Map arrived: the connection is finalized.
 * - logon_notified: Save Session Info with a logon notification (INFOTYPE_LOGON, _LONG or _PLAINNOTIFY) arrived.
 */
export type LogonPhase = (typeof LOGON_PHASES)[number];

export interface LogonSequenceOptions {
  /**
   * selectedProtocol of RDP_NEG_RSP: PROTOCOL_SSL, PROTOCOL_HYBRID or PROTOCOL_HYBRID_EX. The caller has done TLS,
   * CredSSP and (HYBRID_EX) read the Early User Authorization Result PDU (2.2.10.2), then MCS Connect.
   */
  selectedProtocol: number;
  /** From Server Network Data (2.2.1.4.4): MCSChannelId is the I/O channel. */
  ioChannelId: number;
  /** Static virtual channel ids of Server Network Data; rdprobe requests none, so usually empty. */
  staticChannelIds?: readonly number[];
  /** From Server Message Channel Data (2.2.1.4.5), when present. */
  messageChannelId?: number | null;
  userName: string;
  domain: string;
  /** Empty after NLA (the default). Used once to build the Client Info PDU, never stored or reported. */
  password?: string;
  desktopWidth?: number;
  desktopHeight?: number;
  keyboardLayout?: number;
  /** clientAddress of the extended info (default empty). */
  clientAddress?: string;
  /** Advertise fast-path output (default true; see capabilities.ts minimalClientCapabilities). */
  fastPathOutput?: boolean;
}

/** The first licensing message the server sent. */
export interface LicensingOutcome {
  /** error, license_request, platform_challenge, ... (licensing.ts LICENSE_MESSAGE_NAMES) */
  message: string;
  errorCode: number | null;
  errorCodeName: string | null;
  stateTransition: number | null;
  stateTransitionName: string | null;
}

export interface LogonInfo {
  /** INFOTYPE_LOGON, INFOTYPE_LOGON_LONG or INFOTYPE_LOGON_PLAINNOTIFY */
  type: string;
  sessionId: number | null;
  domain: string | null;
  userName: string | null;
}

export type DisconnectEvent =
  | { by: 'ultimatum'; reason: number; reasonName: string }
  | { by: 'x224_disconnect_request' }
  /** The transport closed (the caller called closed()). */
  | { by: 'closed' };

export type StopReason =
  /** The server sent a License Request (or another MS-RDPELE exchange message): the client licensing exchange is not implemented. */
  | 'license_exchange_required'
  | 'redirected'
  | 'disconnected'
  /** A malformed PDU or a refusal (MCS result, unexpected PDU): see failure. */
  | 'failed'
  /** The caller asked for the disconnect sequence. */
  | 'client_disconnect';

export interface LogonProgress {
  reached: LogonPhase;
  userChannelId: number | null;
  joinedChannels: number[];
  licensing: LicensingOutcome | null;
  /** The last non-zero Set Error Info (ERRINFO_NONE "SHOULD be ignored", 2.2.5.1.1). */
  errorInfo: { code: number; name: string } | null;
  logonInfo: LogonInfo | null;
  /** From INFOTYPE_LOGON_EXTENDED_INFO with LOGON_EX_LOGONERRORS (asked for with INFO_LOGONERRORS). */
  logonErrors: LogonErrorsInfo | null;
  /** The server sent an auto-reconnect cookie (LOGON_EX_AUTORECONNECTCOOKIE); its random bits are not kept. */
  autoReconnectCookie: boolean;
  /**
   * The server moved this connection onto an existing session: after finalization it sent Deactivate All and
   * then a new Demand Active ([MS-RDPBCGR] 1.3.1.3: "the server can determine that the client has to be connected
   * to an existing session. To accomplish this task the server signals the client with a Deactivate All PDU",
   * then capability exchange and finalization run again). A logon error of type LOGON_MSG_RECONNECT_OPTIONS is the
   * server asking the user about it; it is kept in logonErrors, not counted here.
   */
  reconnectedExisting: boolean;
  deactivations: number;
  /** Share id of the last Demand Active. */
  shareId: number | null;
  /** sessionId of the last Demand Active (0 from servers without sessions). */
  demandActiveSessionId: number | null;
  disconnect: DisconnectEvent | null;
  redirection: ServerRedirection | null;
  failure: { phase: LogonPhase; reason: string } | null;
  stopped: StopReason | null;
  /** Frames or PDUs received that the sequence had no use for (updates, pointers, fast-path...). */
  ignored: number;
}

type Waiting = 'attach' | 'join' | 'post_client_info' | 'finalization' | 'active';

function rank(p: LogonPhase): number {
  return LOGON_PHASES.indexOf(p);
}

function frame(mcs: Uint8Array): Uint8Array {
  return encodeTpkt(encodeDataTpdu(mcs));
}

export class LogonSequence {
  private readonly p: LogonProgress = {
    reached: 'mcs_connect',
    userChannelId: null,
    joinedChannels: [],
    licensing: null,
    errorInfo: null,
    logonInfo: null,
    logonErrors: null,
    autoReconnectCookie: false,
    reconnectedExisting: false,
    deactivations: 0,
    shareId: null,
    demandActiveSessionId: null,
    disconnect: null,
    redirection: null,
    failure: null,
    stopped: null,
    ignored: 0,
  };
  private waiting: Waiting = 'attach';
  private channelsToJoin: number[] = [];
  private started = false;
  private finalized = false;
  private deactivatedAfterFinalization = false;
  /** Held only until the Client Info PDU is built. */
  private password: string | null;
  private readonly o: Required<Omit<LogonSequenceOptions, 'password' | 'messageChannelId'>> & { messageChannelId: number | null };

  constructor(options: LogonSequenceOptions) {
    const { selectedProtocol } = options;
    if (selectedProtocol !== PROTOCOL_SSL && selectedProtocol !== PROTOCOL_HYBRID && selectedProtocol !== PROTOCOL_HYBRID_EX) {
      // Standard RDP Security (PROTOCOL_RDP) would need encrypted PDUs; RDSTLS / RDSAAD have their own exchanges.
      throw new RangeError(`selectedProtocol 0x${selectedProtocol.toString(16)}: only SSL, HYBRID and HYBRID_EX are supported`);
    }
    this.password = options.password ?? '';
    this.o = {
      selectedProtocol,
      ioChannelId: options.ioChannelId,
      staticChannelIds: options.staticChannelIds ?? [],
      messageChannelId: options.messageChannelId ?? null,
      userName: options.userName,
      domain: options.domain,
      desktopWidth: options.desktopWidth ?? 1024,
      desktopHeight: options.desktopHeight ?? 768,
      keyboardLayout: options.keyboardLayout ?? 0x409,
      clientAddress: options.clientAddress ?? '',
      fastPathOutput: options.fastPathOutput ?? true,
    };
  }

  /** A copy of what is known so far. Never contains the password. */
  get progress(): LogonProgress {
    return structuredClone(this.p);
  }

  /** True once nothing more will be sent: stopped for a reason in progress.stopped. */
  get done(): boolean {
    return this.p.stopped !== null;
  }

  /** Channel Connection begins: Erect Domain Request and Attach User Request (2.2.1.5, 2.2.1.6), sent together. */
  start(): Uint8Array[] {
    if (this.started) throw new Error('start() called twice');
    this.started = true;
    return [frame(encodeErectDomainRequest()), frame(encodeAttachUserRequest())];
  }

  /**
   * Consumes one whole server frame (rdpFrameLength cuts them) and returns the client frames to write, in order.
   * A malformed frame or a refusal stops the sequence (progress.failure); after a stop, frames are still read for
   * Set Error Info and Disconnect Provider Ultimatum but nothing more is sent.
   */
  receive(bytes: Uint8Array): Uint8Array[] {
    let decoded: ServerFrame;
    try {
      decoded = decodeServerFrame(bytes);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.fail(`malformed server frame: ${e.message}`);
      return [];
    }
    const out: Uint8Array[] = [];
    if (decoded.kind === 'fast_path') {
      this.p.ignored++;
      return out;
    }
    if (decoded.kind === 'x224_disconnect_request') {
      this.p.disconnect ??= { by: 'x224_disconnect_request' };
      this.stop('disconnected');
      return out;
    }
    if (decoded.kind === 'mcs') {
      const pdu = decoded.pdu;
      if (pdu.kind === 'disconnect_provider_ultimatum') {
        this.p.disconnect ??= { by: 'ultimatum', reason: pdu.reason, reasonName: pdu.reasonName };
        this.stop('disconnected');
      } else if (pdu.kind === 'attach_user_confirm' && this.waiting === 'attach' && !this.done) {
        if (pdu.result !== 0 || pdu.initiator === null) return this.fail(`Attach User Confirm: ${pdu.resultName}${pdu.initiator === null ? ' without initiator' : ''}`);
        this.p.userChannelId = pdu.initiator;
        this.advance('mcs_attach');
        this.channelsToJoin = [pdu.initiator, this.o.ioChannelId, ...(this.o.messageChannelId !== null ? [this.o.messageChannelId] : []), ...this.o.staticChannelIds];
        this.waiting = 'join';
        out.push(this.nextJoin());
      } else if (pdu.kind === 'channel_join_confirm' && this.waiting === 'join' && !this.done) {
        const wanted = this.channelsToJoin[this.p.joinedChannels.length]!;
        if (pdu.result !== 0) return this.fail(`Channel Join Confirm for channel ${wanted}: ${pdu.resultName}`);
        if (pdu.requested !== wanted || (pdu.channelId !== null && pdu.channelId !== wanted)) {
          return this.fail(`Channel Join Confirm for channel ${pdu.channelId ?? pdu.requested}, expected ${wanted}`);
        }
        this.p.joinedChannels.push(wanted);
        if (this.p.joinedChannels.length < this.channelsToJoin.length) out.push(this.nextJoin());
        else {
          this.advance('channel_join');
          out.push(this.clientInfo());
          this.advance('client_info');
          this.waiting = 'post_client_info';
        }
      } else {
        if (!this.done) return this.fail(`unexpected MCS ${pdu.kind === 'other' ? pdu.name : pdu.kind} while waiting for ${this.waiting}`);
        this.p.ignored++;
      }
      return out;
    }
    for (const pdu of decoded.pdus) out.push(...this.onSharePdu(pdu));
    return this.done ? [] : out;
  }

  /** The transport closed (EOF or reset). */
  closed(): void {
    this.p.disconnect ??= { by: 'closed' };
    this.stop('disconnected');
  }

  /**
   * The client disconnect sequence ([MS-RDPBCGR] 1.3.1.4.1): Shutdown Request (2.2.2.1) when a share exists, then
   * MCS Disconnect Provider Ultimatum with rn-user-requested (2.2.2.3, 3.1.5.1.1). The caller writes both and
   * closes; a server that answers Shutdown Request Denied gets the ultimatum anyway.
   */
  disconnect(): Uint8Array[] {
    const out: Uint8Array[] = [];
    const user = this.p.userChannelId;
    if (this.p.shareId !== null && user !== null && rank(this.p.reached) >= rank('capabilities')) {
      out.push(this.send(encodeShutdownRequestPdu(this.p.shareId, user)));
    }
    out.push(frame(encodeDisconnectProviderUltimatum(RN_USER_REQUESTED)));
    this.stop('client_disconnect');
    return out;
  }

  // -------------------------------------------------------------------------------------------------------------

  private onSharePdu(pdu: ServerPdu): Uint8Array[] {
    switch (pdu.type) {
      case 'licensing': {
        const l = pdu.licensing;
        if (this.p.licensing === null) {
          this.p.licensing = {
            message: l.message,
            errorCode: l.error?.errorCode ?? null,
            errorCodeName: l.error?.errorCodeName ?? null,
            stateTransition: l.error?.stateTransition ?? null,
            stateTransitionName: l.error?.stateTransitionName ?? null,
          };
        }
        if (this.waiting === 'post_client_info') this.advance('licensing');
        // A License Request (or any other [MS-RDPELE] exchange message) means the server wants the client
        // licensing exchange: stop here. An error alert either ends licensing (STATUS_VALID_CLIENT, or
        // ST_NO_TRANSITION: carry on, as FreeRDP does) or aborts it (ST_TOTAL_ABORT: the server disconnects, and
        // its Set Error Info and ultimatum are still worth reading), so the sequence keeps waiting either way.
        if (l.msgType !== ERROR_ALERT) this.stop('license_exchange_required');
        return [];
      }
      case 'demand_active':
        return this.onDemandActive(pdu.demandActive.shareId, pdu.demandActive.sessionId);
      case 'deactivate_all':
        this.p.deactivations++;
        if (this.finalized) this.deactivatedAfterFinalization = true;
        // Only an active (or activating) share can be deactivated; before the Client Info PDU it means nothing.
        if (!this.done && (this.waiting === 'finalization' || this.waiting === 'active')) this.waiting = 'post_client_info';
        return [];
      case 'redirection':
        this.p.redirection = pdu.redirection;
        this.stop('redirected');
        return [];
      case 'data':
        return this.onData(pdu);
      default:
        this.p.ignored++;
        return [];
    }
  }

  private onDemandActive(shareId: number, sessionId: number | null): Uint8Array[] {
    if (this.done || this.p.userChannelId === null || (this.waiting !== 'post_client_info' && this.waiting !== 'active' && this.waiting !== 'finalization')) {
      if (!this.done) return this.fail(`Demand Active while waiting for ${this.waiting}`);
      this.p.ignored++;
      return [];
    }
    if (this.deactivatedAfterFinalization) this.p.reconnectedExisting = true;
    this.p.shareId = shareId;
    this.p.demandActiveSessionId = sessionId;
    this.advance('capabilities');
    this.waiting = 'finalization';
    this.finalized = false;
    const user = this.p.userChannelId!;
    const caps = minimalClientCapabilities({ desktopWidth: this.o.desktopWidth, desktopHeight: this.o.desktopHeight, keyboardLayout: this.o.keyboardLayout, fastPathOutput: this.o.fastPathOutput });
    // Client finalization (1.3.1.1 phase 10) follows Confirm Active without waiting for the server.
    return [
      this.send(encodeConfirmActivePdu(shareId, user, caps)),
      this.send(encodeSynchronizePdu(shareId, user)),
      this.send(encodeControlPdu(shareId, user, CTRLACTION_COOPERATE)),
      this.send(encodeControlPdu(shareId, user, CTRLACTION_REQUEST_CONTROL)),
      this.send(encodeFontListPdu(shareId, user)),
    ];
  }

  private onData(pdu: Extract<ServerPdu, { type: 'data' }>): Uint8Array[] {
    const d = pdu.data;
    switch (d.pdu) {
      case 'set_error_info':
        if (d.errorInfo.errorInfo !== ERRINFO_NONE) this.p.errorInfo = { code: d.errorInfo.errorInfo, name: d.errorInfo.name };
        return [];
      case 'font_map':
        // The last PDU of server finalization (2.2.1.22): the connection is now finalized.
        if (this.waiting === 'finalization') {
          this.finalized = true;
          this.waiting = 'active';
          this.advance('finalization');
        } else this.p.ignored++;
        return [];
      case 'save_session_info': {
        const info = d.info;
        if (info.logonNotification) {
          this.p.logonInfo = { type: info.infoTypeName, sessionId: info.sessionId, domain: info.domain, userName: info.userName };
          this.advance('logon_notified');
        }
        if (info.logonErrors) this.p.logonErrors = info.logonErrors;
        if (info.autoReconnectLogonId !== null) this.p.autoReconnectCookie = true;
        return [];
      }
      case 'synchronize':
      case 'control':
        // Server Synchronize, Cooperate and Granted Control (2.2.1.19-21) carry nothing we act on.
        if (d.pdu === 'control' && d.control.action !== CTRLACTION_COOPERATE && d.control.action !== CTRLACTION_GRANTED_CONTROL) this.p.ignored++;
        return [];
      default:
        this.p.ignored++;
        return [];
    }
  }

  private nextJoin(): Uint8Array {
    return frame(encodeChannelJoinRequest(this.p.userChannelId!, this.channelsToJoin[this.p.joinedChannels.length]!));
  }

  private clientInfo(): Uint8Array {
    const data = encodeClientInfoPduData({
      codePage: 0,
      flags: RDPROBE_INFO_FLAGS,
      domain: this.o.domain,
      userName: this.o.userName,
      password: this.password ?? '',
      alternateShell: '',
      workingDir: '',
      extra: {
        clientAddressFamily: CLIENT_AF_INET,
        clientAddress: this.o.clientAddress,
        clientDir: 'C:\\Windows\\System32\\mstscax.dll',
        clientTimeZone: new Uint8Array(TIME_ZONE_INFORMATION_LENGTH),
        clientSessionId: 0,
        performanceFlags: PERF_MINIMAL,
        autoReconnectCookieLength: 0,
      },
    });
    this.password = null;
    return frame(encodeSendDataRequest(this.p.userChannelId!, this.o.ioChannelId, data));
  }

  /** A share PDU on the I/O channel in a Send Data Request. */
  private send(sharePdu: Uint8Array): Uint8Array {
    return frame(encodeSendDataRequest(this.p.userChannelId!, this.o.ioChannelId, sharePdu));
  }

  private advance(to: LogonPhase): void {
    if (rank(to) > rank(this.p.reached)) this.p.reached = to;
  }

  private stop(reason: StopReason): void {
    this.p.stopped ??= reason;
    this.password = null;
  }

  private fail(reason: string): [] {
    if (this.p.failure === null) this.p.failure = { phase: this.p.reached, reason };
    this.stop('failed');
    return [];
  }
}
