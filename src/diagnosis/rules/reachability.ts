/** Rules for hosts the prober could not talk RDP to at all, or that broke off part-way (record.status). */
import type { Certainty, Failure } from '../../record.js';
import { catalog } from '../catalog.js';
import { rankCauses, show } from '../evidence.js';
import type { HostRule } from '../types.js';
import { probes } from './negotiation.js';

function failureEvidence(f: Failure | null): string[] {
  if (f === null) return [];
  const out = [show('failure.stage', f.stage), show('failure.reason', f.reason)];
  if (f.detail !== null) out.push(show('failure.detail', f.detail));
  return out;
}

export const unreachable: HostRule = (record) => {
  if (record.status !== 'unreachable') return [];
  const f = record.failure;
  const evidence = [show('status', record.status), ...failureEvidence(f)];
  const entry = catalog.unreachable;
  // A refusal (RST) comes from the host itself: nothing listens. Silence is what a dropping firewall looks like.
  let order: Array<[string, Certainty]> = [];
  if (f?.stage === 'dns') order = [['dns', 'likely']];
  else if (f?.reason === 'refused') order = [['disabled', 'likely'], ['port_moved', 'likely'], ['firewall', 'possible']];
  else if (f?.reason === 'timeout' || f?.reason === 'deadline') order = [['firewall', 'likely'], ['host_down', 'likely'], ['disabled', 'possible']];
  else if (f?.reason === 'unreachable') order = [['host_down', 'likely'], ['firewall', 'possible']];
  const drop = f?.stage === 'tcp' ? ['dns'] : []; // the name resolved, so DNS is not it
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
  if (record.status !== 'error') return [];
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

export const REACHABILITY_RULES: HostRule[] = [unreachable, notRdp, protocolError];
