/** Rules on the certificate the server presents in the TLS handshake. */
import type { CertificateInfo } from '../../record.js';
import { catalog } from '../catalog.js';
import { certificateCovers, certificateNames } from '../../analysis/certificate-names.js';
import { firstLabel, isIpLiteral, rankCauses, show } from '../evidence.js';
import type { HostRule, ResolvedOptions } from '../types.js';

const DAY_MS = 86_400_000;

interface Validity {
  expired: boolean;
  notYetValid: boolean;
  daysRemaining: number;
  /** What the verdict rests on: the record's own fields, or not_after/not_before against `now`. */
  expiryEvidence: string[];
  startEvidence: string[];
}

/**
 * The record judges validity at scan time. With the `now` option the dates are judged again at that time
 * (re-reading an old record); a date that does not parse falls back to the record's verdict.
 */
function validity(cert: CertificateInfo, opts: ResolvedOptions): Validity {
  const notAfter = Date.parse(cert.not_after);
  const notBefore = Date.parse(cert.not_before);
  if (opts.now !== null && !Number.isNaN(notAfter) && !Number.isNaN(notBefore)) {
    const now = opts.now.getTime();
    const daysRemaining = Math.floor((notAfter - now) / DAY_MS);
    const at = `(judged at ${opts.now.toISOString()}, ${daysRemaining} days remaining)`;
    return {
      expired: notAfter < now,
      notYetValid: notBefore > now,
      daysRemaining,
      expiryEvidence: [`${show('certificate.not_after', cert.not_after)} ${at}`],
      startEvidence: [`${show('certificate.not_before', cert.not_before)} (judged at ${opts.now.toISOString()})`],
    };
  }
  return {
    expired: cert.expired,
    notYetValid: cert.not_yet_valid,
    daysRemaining: cert.days_remaining,
    expiryEvidence: [
      ...(cert.expired ? [show('certificate.expired', true)] : []),
      show('certificate.days_remaining', cert.days_remaining),
      show('certificate.not_after', cert.not_after),
    ],
    startEvidence: [show('certificate.not_yet_valid', true), show('certificate.not_before', cert.not_before)],
  };
}

export const certExpired: HostRule = (record, opts) => {
  const cert = record.certificate;
  if (cert === null) return [];
  const v = validity(cert, opts);
  if (!v.expired) return [];
  const entry = catalog.cert_expired;
  const evidence = [...v.expiryEvidence, show('certificate.self_signed', cert.self_signed)];
  const causes = cert.self_signed
    ? rankCauses(entry, ['renewal_failed', ['not_renewed', 'possible']])
    : rankCauses(entry, ['not_renewed', ['renewal_failed', 'possible']]);
  return [{ id: entry.id, evidence, causes }];
};

export const certNotYetValid: HostRule = (record, opts) => {
  const cert = record.certificate;
  if (cert === null) return [];
  const v = validity(cert, opts);
  return v.notYetValid ? [{ id: 'cert_not_yet_valid', evidence: v.startEvidence }] : [];
};

export const certExpiringSoon: HostRule = (record, opts) => {
  const cert = record.certificate;
  if (cert === null) return [];
  const v = validity(cert, opts);
  if (v.expired || v.daysRemaining < 0 || v.daysRemaining > opts.certExpiryDays) return [];
  const evidence = [...v.expiryEvidence, `threshold certExpiryDays = ${opts.certExpiryDays}`];
  return [{ id: 'cert_expiring_soon', evidence }];
};

export const certSelfSigned: HostRule = (record) =>
  record.certificate?.self_signed === true ? [{ id: 'cert_self_signed', evidence: [show('certificate.self_signed', true)] }] : [];

export const certWeakKey: HostRule = (record) => {
  const cert = record.certificate;
  if (cert === null || cert.key_bits === null || !/rsa/i.test(cert.key_type) || cert.key_bits >= 2048) return [];
  return [{ id: 'cert_weak_key', evidence: [show('certificate.key_type', cert.key_type), show('certificate.key_bits', cert.key_bits)] }];
};

/**
 * SHA-1 or MD5 (and MD2/MD4) in any spelling: sha1WithRSAEncryption, ecdsa-with-SHA1, SHA-1, md5WithRSA, and
 * the OIDs an unknown(...) name would carry.
 */
const WEAK_SIGNATURE = /sha-?1(?!\d)|md[245](?!\d)/i;
const WEAK_SIGNATURE_OIDS = ['1.2.840.113549.1.1.2', '1.2.840.113549.1.1.4', '1.2.840.113549.1.1.5', '1.3.14.3.2.29', '1.2.840.10040.4.3', '1.2.840.10045.4.1'];

export function isWeakSignature(algorithm: string): boolean {
  const oid = /(?:^|[^\d.])(\d+(?:\.\d+)+)/.exec(algorithm)?.[1];
  return WEAK_SIGNATURE.test(algorithm) || (oid !== undefined && WEAK_SIGNATURE_OIDS.includes(oid));
}

export const certWeakSignature: HostRule = (record) => {
  const cert = record.certificate;
  if (cert === null || !isWeakSignature(cert.signature_algorithm)) return [];
  const evidence = [show('certificate.signature_algorithm', cert.signature_algorithm)];
  if (cert.self_signed) evidence.push(show('certificate.self_signed', true));
  return [{ id: 'cert_weak_signature', evidence }];
};

export const certNameMismatch: HostRule = (record) => {
  const cert = record.certificate;
  if (cert === null) return [];
  const hostIsIp = isIpLiteral(record.host);
  const dnsComputer = record.credssp?.ntlm?.dns_computer ?? null;
  const wanted: Array<[string, string]> = [];
  if (record.host !== '') wanted.push(['host', record.host]);
  if (dnsComputer) wanted.push(['credssp.ntlm.dns_computer', dnsComputer]);
  if (hostIsIp && !dnsComputer) return []; // a bare address with no name to compare: nothing to say

  if (wanted.some(([, name]) => certificateCovers(cert, name))) return [];
  const names = certificateNames(cert);
  const evidence = [
    show('certificate.subject_cn', cert.subject_cn),
    show('certificate.san', cert.san),
    ...wanted.map(([path, value]) => show(path, value)),
  ];
  const entry = catalog.cert_name_mismatch;
  const shortName = !hostIsIp && !record.host.includes('.') && names.some((n) => firstLabel(n) === firstLabel(record.host));
  // A self-signed certificate names the machine that made it: if it names another machine, it was renamed.
  const causes = shortName
    ? rankCauses(entry, ['short_name'])
    : cert.self_signed
      ? rankCauses(entry, [['renamed', 'likely']], ['short_name', 'wrong_cert'])
      : rankCauses(entry, [], ['short_name']);
  return [{ id: entry.id, evidence, causes }];
};

export const CERTIFICATE_RULES: HostRule[] = [
  certExpired,
  certNotYetValid,
  certExpiringSoon,
  certSelfSigned,
  certWeakKey,
  certWeakSignature,
  certNameMismatch,
];
