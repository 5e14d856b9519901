/** Rules for hosts the prober could not talk RDP to at all, or that broke off part-way (record.status). */
import type { Certainty, Failure } from '../../record.js';
import { catalog } from '../catalog.js';
import { rankCauses, show } from '../evidence.js';
import type { HostRule } from '../types.js';
import { probes } from './negotiation.js';

/** The failure, short (its detail stays in the record's own `failure`). */
function failureEvidence(f: Failure | null): string[] {
  return f === null ? [] : [show('failure.stage', f.stage), show('failure.reason', f.reason)];
}

export const unreachable: HostRule = (record) => {
  if (record.status !== 'unreachable') return [];
  const f = record.failure;
  // The reason says it all for a TCP failure (stage tcp is what unreachable means); a DNS failure says so.
  const evidence = f === null ? [] : f.stage === 'tcp' ? [show('failure.reason', f.reason)] : failureEvidence(f);
  const entry = catalog.unreachable;
  // A refusal (RST) comes from the host itself: nothing listens. Silence is what a dropping firewall looks like.
  let order: Array<[string, Certainty]> = [];
  if (f?.stage === 'dns') order = [['dns', 'likely']];
  else if (f?.reason === 'refused') order = [['disabled', 'likely'], ['port_moved', 'likely'], ['firewall', 'possible']];
  else if (f?.reason === 'timeout' || f?.reason === 'deadline') order = [['firewall', 'likely'], ['host_down', 'likely'], ['disabled', 'possible']];
  else if (f?.reason === 'unreachable') order = [['host_down', 'likely'], ['firewall', 'possible']];
  // The name resolved, so DNS is not it; a refusal (RST) came from the host or a device answering for it, so the
  // host is not down.
  const drop = f?.stage === 'tcp' ? (f.reason === 'refused' ? ['dns', 'host_down'] : ['dns']) : [];
  return [{ id: entry.id, evidence, causes: rankCauses(entry, order, drop) }];
};

export const notRdp: HostRule = (record) => {
  if (record.status !== 'not_rdp') return [];
  const evidence = [show('status', record.status), ...failureEvidence(record.failure)];
  for (const [k, r] of probes(record)) {
    if (r.response === 'not_tpkt' || r.response === 'malformed') {
      evidence.push(show(`protocols.${k}.response`, r.response));
      if (r.detail !== null) evidence.push(show(`protocols.${k}.detail`, r.detail));
      break; // one probe is enough to show what answers
    }
  }
  return [{ id: 'not_rdp', evidence }];
};

export const protocolError: HostRule = (record) => {
  // rdprobe's own deadline cut the handshake: that is probe_incomplete, not the server breaking off.
  if (record.status !== 'error' || record.failure?.reason === 'deadline') return [];
  const f = record.failure;
  const evidence = [show('status', record.status), ...failureEvidence(f)];
  const entry = catalog.protocol_error;
  let order: Array<string | [string, Certainty]> = [];
  if (f?.reason === 'deadline' || f?.reason === 'timeout') order = [['slow', 'likely']];
  switch (f?.stage) {
    case 'x224':
    case 'negotiation':
      order = [...order, 'middlebox', 'listener'];
      break;
    case 'tls':
      order = [...order, ['tls_policy', 'likely'], 'middlebox'];
      break;
    case 'credssp':
      order = [...order, ['credssp', 'likely']];
      break;
    case 'mcs':
      order = [...order, ['encryption_level', 'likely'], 'listener'];
      break;
    default:
      break;
  }
  return [{ id: entry.id, evidence, causes: rankCauses(entry, order) }];
};

/** A check that was due and cut off by rdprobe's own deadline or budget: the verdict on this host is incomplete. */
export const probeIncomplete: HostRule = (record) => {
  const cut = Object.entries(record.not_measured ?? {});
  if (cut.length === 0) return [];
  const evidence = cut.map(([check, why]) => show(`not_measured.${check}`, why));
  if (record.failure?.reason === 'deadline') evidence.push(...failureEvidence(record.failure));
  return [{ id: 'probe_incomplete', evidence }];
};

export const REACHABILITY_RULES: HostRule[] = [unreachable, notRdp, protocolError, probeIncomplete];
