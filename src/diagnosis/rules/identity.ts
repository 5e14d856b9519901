/** Rules comparing the names a host goes by: the scanned name, its NTLM names and its self-signed certificate. */
import { catalog } from '../catalog.js';
import { firstLabel, isIpLiteral, rankCauses, show } from '../evidence.js';
import type { HostRule } from '../types.js';

interface NameSource {
  path: string;
  value: string;
  label: string;
  /** NetBIOS names are cut to 15 characters: compare the others on as many. */
  netbios: boolean;
  /** Reported by the server itself (as opposed to the name we were given). */
  fromServer: boolean;
}

const NETBIOS_MAX = 15;
const HOSTNAME_LIKE = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/i;

function sameMachine(a: NameSource, b: NameSource): boolean {
  if (a.netbios || b.netbios) return a.label.slice(0, NETBIOS_MAX) === b.label.slice(0, NETBIOS_MAX);
  return a.label === b.label;
}

export const hostIdentityMismatch: HostRule = (record) => {
  const sources: NameSource[] = [];
  const add = (path: string, value: string | null | undefined, netbios: boolean, fromServer: boolean): void => {
    if (!value || !HOSTNAME_LIKE.test(value)) return;
    sources.push({ path, value, label: firstLabel(value), netbios, fromServer });
  };
  if (!isIpLiteral(record.host) && record.host.toLowerCase() !== 'localhost') add('host', record.host, false, false);
  const ntlm = record.credssp?.ntlm ?? null;
  add('credssp.ntlm.netbios_computer', ntlm?.netbios_computer, true, true);
  add('credssp.ntlm.dns_computer', ntlm?.dns_computer, false, true);
  // Only Windows' own self-signed certificate is sure to carry the computer name; a CA-issued one may name a
  // farm or an alias (cert_name_mismatch covers that).
  const cert = record.certificate;
  if (cert?.self_signed) add('certificate.subject_cn', cert.subject_cn, false, true);

  if (sources.length < 2) return [];
  const disagree = sources.some((a, i) => sources.slice(i + 1).some((b) => !sameMachine(a, b)));
  if (!disagree) return [];

  const server = sources.filter((s) => s.fromServer);
  const serverDisagrees = server.some((a, i) => server.slice(i + 1).some((b) => !sameMachine(a, b)));
  const entry = catalog.host_identity_mismatch;
  const evidence = sources.map((s) => show(s.path, s.value));
  // If the server agrees with itself, only the scanned name is off: an alias or a stale DNS record.
  const causes = serverDisagrees
    ? rankCauses(entry, ['renamed'])
    : rankCauses(entry, [['alias', 'likely'], ['stale_dns', 'likely'], ['renamed', 'possible']]);
  return [{ id: entry.id, evidence, causes }];
};

export const IDENTITY_RULES: HostRule[] = [hostIdentityMismatch];
