/**
 * RDP over UDP ([MS-RDPEUDP]): Windows 8 / Server 2012 and later can carry RDP on UDP 3389. One SYN shaped like a
 * real client's (SYN | CORRELATION_ID | SYNEX, MTU 1232, the highest version offered, padded to 1232 bytes) to the
 * target's port, once TCP has shown an RDP server there; the SYN+ACK says the server speaks it and which version.
 * Microsoft's guidance is to filter UDP 3389 where it is not used, and public UDP 3389 has been abused for
 * reflection.
 *
 * What no answer means differs by platform and path: an ICMP port unreachable is `refused` (on Linux and macOS;
 * Windows' network stack as Node uses it swallows it, so there it is a timeout too), and silence until the timeout
 * is only "no answer": UDP cannot tell a filtered port from a server with UDP off.
 */
import { buildSyn, decodeSynAck } from '../../protocol/rdpeudp.js';
import { DecodeError } from '../../protocol/errors.js';
import { TransportError } from '../transport/errors.js';
import type { RdpUdpResult } from '../record.js';
import type { Check } from './contract.js';
import { clientAnswered } from './protocols.js';

const SILENCE_NOTE = 'no answer within the timeout: UDP cannot tell a filtered port from a server with RDP over UDP turned off';

export const RDP_UDP: Check<RdpUdpResult> = {
  name: 'rdp_udp',
  switch: { flag: 'udp', default: true, describe: 'RDP over UDP (MS-RDPEUDP) SYN to the same port (--no-udp skips it)' },
  budget: { tcp: 0, udp: 1 },
  priority: 40,
  needs: clientAnswered,
  async run(ctx) {
    const { bytes, params } = buildSyn();
    try {
      const { response } = await ctx.udpExchange(bytes);
      const a = decodeSynAck(response, params.snInitialSequenceNumber);
      return {
        answered: true,
        version: a.versionName,
        syn_ack: {
          ack_matches: a.ack === 'matches',
          flags: a.flagNames,
          server_initial_sequence_number: a.serverInitialSequenceNumber,
          receive_window: a.receiveWindowSize,
          upstream_mtu: a.upstreamMtu,
          downstream_mtu: a.downstreamMtu,
        },
        failure: null,
      };
    } catch (e) {
      if (e instanceof DecodeError) return { answered: true, version: null, syn_ack: null, failure: { reason: 'malformed', detail: e.message } };
      const t = e instanceof TransportError ? e : new TransportError('error', String(e));
      if (t.kind === 'deadline' || t.kind === 'connection_budget') ctx.noteCut(t.kind);
      const reason = t.kind === 'refused' || t.kind === 'timeout' || t.kind === 'deadline' || t.kind === 'unreachable' ? t.kind : 'error';
      return { answered: false, version: null, syn_ack: null, failure: { reason, detail: t.kind === 'timeout' ? SILENCE_NOTE : t.detail } };
    }
  },
  section: { key: 'rdp_udp', value: (r) => r ?? null },
};
