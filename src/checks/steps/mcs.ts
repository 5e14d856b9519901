import { decodeTpkt, encodeTpkt } from '../../../protocol/tpkt.js';
import { decodeDataTpdu, encodeDataTpdu } from '../../../protocol/x224.js';
import {
  decodeConnectResponse,
  encodeConnectInitial,
  ENCRYPTION_METHOD_40BIT,
  ENCRYPTION_METHOD_56BIT,
  ENCRYPTION_METHOD_128BIT,
  ENCRYPTION_METHOD_FIPS,
  encryptionLevelName,
  serverVersionName,
  serverEarlyCapabilityNames,
  encryptionMethodName,
  type ServerCertificate,
} from '../../../protocol/rdp-security.js';
import { requestedProtocolNames } from '../../../protocol/negotiation.js';
import { analyzeCertificate } from '../../analysis/certificate.js';
import type { Budget } from '../../transport/clock.js';
import type { RdpConnection } from '../../transport/rdp-connection.js';
import type { EncryptionMethod, Failure, RdpSecurityResult, RdpServerCertificate } from '../../record.js';
import { toFailure } from './failure.js';

/** Enumeration order: weakest first, so the rdp protocol probe (which carries the first) answers the key question. */
export const ENCRYPTION_METHOD_KEYS: EncryptionMethod[] = ['40bit', '56bit', '128bit', 'fips'];

const METHOD_FLAGS: Record<EncryptionMethod, number> = {
  '40bit': ENCRYPTION_METHOD_40BIT,
  '56bit': ENCRYPTION_METHOD_56BIT,
  '128bit': ENCRYPTION_METHOD_128BIT,
  fips: ENCRYPTION_METHOD_FIPS,
};

/** What one MCS Connect Response told us. */
export interface ConnectFacts {
  encryptionMethod: number;
  encryptionLevel: number;
  serverVersion: number | null;
  clientRequestedProtocols: number | null;
  earlyCapabilityFlags: number | null;
  certificate: ServerCertificate | null;
}

export type McsOutcome = { ok: true; facts: ConnectFacts } | { ok: false; failure: Failure };

/**
 * Basic Settings Exchange ([MS-RDPBCGR] 1.3.1.1, 2.2.1.3, 2.2.1.4): MCS Connect Initial with the GCC client data
 * blocks, offering only `methods`; the server's Connect Response carries its security data (method it picked,
 * level, server random, certificate). We stop there: no security exchange, no session.
 */
export async function mcsStep(conn: RdpConnection, selectedProtocol: number, methods: EncryptionMethod[], budget: Budget): Promise<McsOutcome> {
  try {
    const encryptionMethods = methods.reduce((acc, m) => acc | METHOD_FLAGS[m], 0);
    conn.send(encodeTpkt(encodeDataTpdu(encodeConnectInitial({ serverSelectedProtocol: selectedProtocol, encryptionMethods }))));
    const packet = await conn.readTpkt(budget, 'MCS Connect Response');
    const r = decodeConnectResponse(decodeDataTpdu(decodeTpkt(packet), 4));
    if (r.result !== 0) return { ok: false, failure: { stage: 'mcs', reason: 'server_error', detail: `MCS Connect Response result ${r.resultName}` } };
    const sec = r.serverSecurity;
    if (!sec) return { ok: false, failure: { stage: 'mcs', reason: 'malformed', detail: 'Connect Response without Server Security Data' } };
    return {
      ok: true,
      facts: {
        encryptionMethod: sec.encryptionMethod,
        encryptionLevel: sec.encryptionLevel,
        serverVersion: r.serverCore?.version ?? null,
        clientRequestedProtocols: r.serverCore?.clientRequestedProtocols ?? null,
        earlyCapabilityFlags: r.serverCore?.earlyCapabilityFlags ?? null,
        certificate: sec.certificate,
      },
    };
  } catch (err) {
    return { ok: false, failure: toFailure('mcs', err) };
  }
}

/** Folds the per-method outcomes (and the client-like connection's, method 'all') into the record's rdp_security. */
export async function rdpSecurityResult(entries: { outcome: McsOutcome; method: EncryptionMethod | 'all' }[], now: Date): Promise<RdpSecurityResult> {
  const tested = { '40bit': null, '56bit': null, '128bit': null, fips: null } as Record<EncryptionMethod, boolean | null>;
  for (const { outcome, method } of entries) {
    if (method === 'all') continue;
    if (outcome.ok) tested[method] = outcome.facts.encryptionMethod === METHOD_FLAGS[method];
    // A server that hangs up or answers with an MCS error when offered only this method has refused it;
    // a timeout, a TCP failure or an answer our decoder rejected says nothing about the method.
    else if (['closed', 'reset', 'server_error'].includes(outcome.failure.reason) && outcome.failure.stage === 'mcs') tested[method] = false;
  }
  const ok = entries.filter((e) => e.outcome.ok).sort((a, b) => (a.method === 'all' ? -1 : b.method === 'all' ? 1 : 0));
  const best = ok[0]?.outcome.ok ? ok[0].outcome.facts : null;
  const certFacts = ok.map((e) => (e.outcome.ok ? e.outcome.facts.certificate : null)).find((c) => c) ?? null;
  const firstFailure = entries.find((e) => !e.outcome.ok);
  const all = entries.find((e) => e.method === 'all');
  const allMethods = all?.outcome.ok ? all.outcome.facts : null;
  return {
    encryption_level: best ? (encryptionLevelName(best.encryptionLevel) as RdpSecurityResult['encryption_level']) : null,
    encryption_methods: ENCRYPTION_METHOD_KEYS.filter((m) => tested[m] === true),
    selected_method: allMethods ? (encryptionMethodName(allMethods.encryptionMethod) as RdpSecurityResult['selected_method']) : null,
    methods_tested: tested,
    server_version: best?.serverVersion != null ? serverVersionName(best.serverVersion) : null,
    server_version_raw: best?.serverVersion != null ? `0x${best.serverVersion.toString(16).padStart(8, '0')}` : null,
    client_requested_protocols: best?.clientRequestedProtocols != null ? requestedProtocolNames(best.clientRequestedProtocols) : null,
    early_capability_flags: best?.earlyCapabilityFlags != null ? serverEarlyCapabilityNames(best.earlyCapabilityFlags) : null,
    server_certificate: certFacts ? await serverCertificate(certFacts, now) : null,
    failure: best ? null : firstFailure && !firstFailure.outcome.ok ? firstFailure.outcome.failure : null,
  };
}

async function serverCertificate(c: ServerCertificate, now: Date): Promise<RdpServerCertificate> {
  if (c.type === 'proprietary') return { type: 'proprietary', temporary: c.temporary, key_bits: c.keyBits, exponent: c.exponent, chain_length: null, leaf: null };
  const leafDer = c.chain[c.chain.length - 1];
  let leaf = null;
  if (leafDer) {
    try {
      leaf = await analyzeCertificate(leafDer, c.chain.length, now);
    } catch {
      leaf = null;
    }
  }
  return { type: 'x509', temporary: c.temporary, key_bits: leaf?.key_bits ?? c.keyBits ?? null, exponent: null, chain_length: c.chain.length, leaf };
}
