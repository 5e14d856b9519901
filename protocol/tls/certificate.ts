import { Reader } from '../reader.js';
import { encodeHandshake, HANDSHAKE_CERTIFICATE, HANDSHAKE_CERTIFICATE_STATUS } from './handshake.js';
import { encodeExtensions, readExtensions, type TlsExtension } from './extensions.js';
import { concatBytes, readOpaque, readVector, uint, vector } from './wire.js';

/** Most certificates we accept in one chain; Windows RDP listeners send one, public CAs three or four. */
export const CERTIFICATE_MAX_COUNT = 64;

/**
 * TLS 1.0-1.2 / SSL 3.0 Certificate (RFC 5246 7.4.2, RFC 6101 5.6.2):
 *   opaque ASN.1Cert<1..2^24-1>; struct { ASN.1Cert certificate_list<0..2^24-1>; } Certificate;
 * DER certificates in the order sent (the sender's first, RFC 5246: each following one certifies the one before).
 */
export function decodeCertificate12(body: Uint8Array, base = 0): Uint8Array[] {
  const r = new Reader(body, 'tls', base);
  const list = readVector(r, 3, 'certificate_list');
  r.end('Certificate');
  const out: Uint8Array[] = [];
  while (list.remaining > 0) {
    if (out.length === CERTIFICATE_MAX_COUNT) list.fail(`more than ${CERTIFICATE_MAX_COUNT} certificates`);
    out.push(readOpaque(list, 3, `certificate ${out.length}`, 1));
  }
  return out;
}

/** The Certificate body (no handshake header). */
export function encodeCertificate12Body(ders: readonly Uint8Array[]): Uint8Array {
  return vector(3, ders.map((d) => vector(3, d, 'ASN.1Cert')), 'certificate_list');
}

export function encodeCertificate12(ders: readonly Uint8Array[]): Uint8Array {
  return encodeHandshake(HANDSHAKE_CERTIFICATE, encodeCertificate12Body(ders));
}

/**
 * TLS 1.3 Certificate (RFC 8446 4.4.2):
 *   struct { opaque cert_data<1..2^24-1>; Extension extensions<0..2^16-1>; } CertificateEntry;
 *   struct { opaque certificate_request_context<0..2^8-1>; CertificateEntry certificate_list<0..2^24-1>; } Certificate;
 * (X.509 certificate type; raw public keys, RFC 7250, are not used by the servers rdprobe looks at.)
 */
export interface Certificate13 {
  context: Uint8Array;
  entries: { data: Uint8Array; extensions: TlsExtension[] }[];
}

export function decodeCertificate13(body: Uint8Array, base = 0): Certificate13 {
  const r = new Reader(body, 'tls', base);
  const context = readOpaque(r, 1, 'certificate_request_context');
  const list = readVector(r, 3, 'certificate_list');
  r.end('Certificate');
  const entries: Certificate13['entries'] = [];
  while (list.remaining > 0) {
    if (entries.length === CERTIFICATE_MAX_COUNT) list.fail(`more than ${CERTIFICATE_MAX_COUNT} certificates`);
    const data = readOpaque(list, 3, `cert_data ${entries.length}`, 1);
    entries.push({ data, extensions: readExtensions(list, 'CertificateEntry extensions') });
  }
  return { context, entries };
}

export function encodeCertificate13(c: Certificate13): Uint8Array {
  const list = c.entries.map((e) => concatBytes([vector(3, e.data, 'cert_data'), encodeExtensions(e.extensions)]));
  return encodeHandshake(HANDSHAKE_CERTIFICATE, concatBytes([vector(1, c.context, 'certificate_request_context'), vector(3, list, 'certificate_list')]));
}

/**
 * CertificateStatus (RFC 6066 8): struct { CertificateStatusType status_type; select (status_type) { case ocsp:
 * OCSPResponse; } } with opaque OCSPResponse<1..2^24-1> (a DER OCSPResponse, RFC 6960). TLS 1.3 carries the same
 * structure in the leaf's CertificateEntry status_request extension (RFC 8446 4.4.2.1).
 */
export const CERTIFICATE_STATUS_TYPE_OCSP = 1;

export function decodeCertificateStatus(body: Uint8Array, base = 0): { statusType: number; ocspResponse: Uint8Array } {
  const r = new Reader(body, 'tls', base);
  const statusType = r.u8('status_type');
  if (statusType !== CERTIFICATE_STATUS_TYPE_OCSP) r.fail(`unknown CertificateStatusType ${statusType}`, base);
  const ocspResponse = readOpaque(r, 3, 'OCSPResponse', 1);
  r.end('CertificateStatus');
  return { statusType, ocspResponse };
}

export function encodeCertificateStatus(ocspResponse: Uint8Array): Uint8Array {
  return encodeHandshake(HANDSHAKE_CERTIFICATE_STATUS, concatBytes([uint(CERTIFICATE_STATUS_TYPE_OCSP, 1, 'status_type'), vector(3, ocspResponse, 'OCSPResponse')]));
}
