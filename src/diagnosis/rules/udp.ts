/** RDP over UDP ([MS-RDPEUDP]): the server answered the UDP SYN on its RDP port. */
import { show } from '../evidence.js';
import type { HostRule } from '../types.js';

export const rdpUdpEnabled: HostRule = (record) => {
  const udp = record.rdp_udp ?? null;
  if (udp?.answered !== true || udp.syn_ack === null) return [];
  return [{ id: 'rdp_udp_enabled', evidence: [show('rdp_udp.answered', true), show('rdp_udp.version', udp.version)] }];
};

export const UDP_RULES: HostRule[] = [rdpUdpEnabled];
