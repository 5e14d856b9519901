/**
 * Which clients get in, and why not: the one home of the client-compatibility judgement. Input: what the server
 * answered to a client's own handshake (client-handshake.ts) and the record's facts for what one connection cannot
 * show (the server's CredSSP version, its certificate). Output: the record's `clients` entry for that client.
 *
 * Every profile fact the verdict rests on is noted; one that is inferred or unknown makes the verdict "likely"
 * (docs/clients.md), so a gate never passes on a guess. A fact counts only where another value would change the
 * verdict (completes_versions when the server picked a version it excludes, the certificate handling when the
 * certificate has that problem, ...).
 */
import { cipherSuiteName } from '../../protocol/tls/suites.js';
import { protocolVersionKey } from '../../protocol/tls/versions.js';
import type { ServerHelloProblem } from '../../protocol/tls/validate.js';
import { factAt, type CertificateAction, type ClientProfile, type FactPath, type OptionalFactPath, type TlsVersion } from '../clients/profile.js';
import type { CertificateInfo, ClientFailure, ClientVerdict, CredsspResult, Stage, TlsResult } from '../record.js';
import { certificateCovers, isIpLiteral } from './certificate-names.js';
import { CREDSSP_PROTOCOLS, selectionRequested, serverTlsVersions, TLS_PROTOCOLS, type HandshakeSeen, type McsSeen, type NegotiationSeen, type TlsSeen } from './client-handshake.js';
import { clientFix, versionsText, type FixKey } from './client-fixes.js';

/** The record's facts a verdict reads beside the handshake. */
export interface VerdictContext {
  /** The name or address the user connects to (record.host): what the certificate must name. */
  host: string;
  certificate: CertificateInfo | null;
  credssp: CredsspResult | null;
  /** For the wording only: which versions the server accepted when offered alone. */
  tls: TlsResult | null;
}

/** CredSSP TSRequest version 5 brought the CVE-2018-0886 fix ([MS-CSSP] 2.2.1, clientNonce). */
const CREDSSP_PATCHED_VERSION = 5;

type Path = FactPath | OptionalFactPath;

/** Collects what a verdict rests on while it is worked out. */
class Judgement {
  readonly warnings: string[] = [];
  private readonly used = new Set<Path>();
  private unsure = false;
  protocol: string | null = null;
  tlsVersion: string | null = null;
  cipher: string | null = null;

  constructor(readonly profile: ClientProfile) {}

  /** The value of a fact the verdict rests on (noted for its certainty). */
  fact<T>(path: Path): T {
    this.used.add(path);
    return factAt(this.profile, path)?.value as T;
  }

  /** Something the verdict cannot know (a measurement missing): it is "likely" at best. */
  uncertain(warning: string): void {
    this.unsure = true;
    this.warnings.push(warning);
  }

  private inferred(): string[] {
    return [...this.used].filter((p) => {
      const f = factAt(this.profile, p);
      return f === undefined || f.value === null || f.source.kind === 'inference';
    });
  }

  private base(): Omit<ClientVerdict, 'connects' | 'fails_at' | 'fix'> {
    const inferred = this.inferred();
    return {
      name: this.profile.name,
      protocol: this.protocol,
      tls_version: this.tlsVersion,
      cipher: this.cipher,
      warnings: this.warnings,
      certainty: this.unsure || inferred.length > 0 ? 'likely' : 'measured',
      inferred,
    };
  }

  connects(): ClientVerdict {
    return { ...this.base(), connects: true, fails_at: null, fix: null };
  }

  unknown(why: string): ClientVerdict {
    this.warnings.push(why);
    return { ...this.base(), connects: null, fails_at: null, fix: null, certainty: 'likely' };
  }

  lockedOut(stage: Stage, reason: string, detail: string, fix: FixKey, ctx: VerdictContext): ClientVerdict {
    const failure: ClientFailure = { stage, reason, detail };
    return { ...this.base(), connects: false, fails_at: failure, fix: clientFix(fix, this.profile, ctx) };
  }
}

/** The verdict for one client. `seen` null: its handshake was never tried (the check was cut, or did not run). */
export function clientVerdict(profile: ClientProfile, seen: HandshakeSeen | null, ctx: VerdictContext): ClientVerdict {
  const j = new Judgement(profile);
  if (seen === null) return j.unknown('not measured: the simulated handshake did not run (rdprobe\'s own deadline or connection budget)');
  const requested = j.fact<string[]>('requested_protocols');
  const asked = requested.length === 0 ? 'no RDP_NEG_REQ (Standard RDP Security only)' : requested.join('|');
  const neg = seen.negotiation;
  switch (neg.kind) {
    case 'broken':
      return j.unknown(`not measured: the simulated connection ended at ${neg.stage} (${neg.reason}${neg.detail ? `: ${neg.detail}` : ''})`);
    case 'disconnect':
      return j.lockedOut('negotiation', 'disconnect', `asks for ${asked}; the server broke the exchange off instead of answering (${neg.detail ?? 'disconnect'})`, 'disconnect', ctx);
    case 'refused':
      return refused(j, neg.code, asked, seen, ctx);
    case 'selected':
      return selected(j, neg.protocol, requested, seen, ctx);
  }
}

function refused(j: Judgement, code: string, asked: string, seen: HandshakeSeen, ctx: VerdictContext): ClientVerdict {
  if (code === 'SSL_NOT_ALLOWED_BY_SERVER') {
    // The server wants Standard RDP Security: a client that speaks it asks again for PROTOCOL_RDP alone.
    const supported = j.fact<boolean | null>('standard_rdp_security.supported');
    if (supported === null) return j.unknown('the server allows only Standard RDP Security; whether this client falls back to it is not known');
    if (supported && seen.fallback) return fallback(j, seen.fallback.negotiation, seen.fallback.mcs, ctx);
    if (supported) return j.unknown('the server allows only Standard RDP Security; the retry with PROTOCOL_RDP was not measured');
    return j.lockedOut('negotiation', code, `asks for ${asked}; the server allows only Standard RDP Security (SSL_NOT_ALLOWED_BY_SERVER), which this client does not speak`, 'standard_only', ctx);
  }
  const why: Record<string, [string, FixKey]> = {
    HYBRID_REQUIRED_BY_SERVER: [`asks for ${asked}, without CredSSP; the server requires NLA (HYBRID_REQUIRED_BY_SERVER)`, 'needs_credssp'],
    SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER: [`asks for ${asked}; the server requires TLS with user authentication (SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER)`, 'needs_credssp'],
    SSL_REQUIRED_BY_SERVER: [`asks for ${asked}; the server requires TLS (SSL_REQUIRED_BY_SERVER), which this client does not ask for`, 'needs_tls'],
    SSL_CERT_NOT_ON_SERVER: [`asks for ${asked}; the server has no usable certificate (SSL_CERT_NOT_ON_SERVER)`, 'server_certificate'],
  };
  const [detail, fix] = why[code] ?? [`asks for ${asked}; the server refused it (${code})`, 'refused_other'];
  return j.lockedOut('negotiation', code, detail, fix, ctx);
}

function selected(j: Judgement, protocol: string, requested: string[], seen: HandshakeSeen, ctx: VerdictContext): ClientVerdict {
  if (!selectionRequested(requested, protocol)) {
    return j.lockedOut('negotiation', 'protocol_mismatch', `asks for ${requested.join('|') || 'Standard RDP Security'}; the server selected ${protocol}, which it did not ask for: the client aborts`, 'protocol_mismatch', ctx);
  }
  if (protocol === 'rdp') {
    const supported = j.fact<boolean | null>('standard_rdp_security.supported');
    if (supported === null) return j.unknown('the server selected Standard RDP Security; whether this client speaks it is not known');
    if (!supported) return j.lockedOut('negotiation', 'standard_rdp_security_unsupported', 'the server selected Standard RDP Security (no TLS), which this client does not speak', 'standard_only', ctx);
    j.protocol = 'rdp';
    return standardSecurity(j, seen.mcs, ctx);
  }
  if (!TLS_PROTOCOLS.includes(protocol)) return j.unknown(`the server selected ${protocol}, which rdprobe does not simulate`);
  j.protocol = protocol;
  if (!CREDSSP_PROTOCOLS.includes(protocol) && j.fact<boolean>('insists_on_nla')) {
    return j.lockedOut('negotiation', 'client_requires_nla', `the server selected ${protocol} without NLA; this client requires NLA (CredSSP) and aborts`, 'client_requires_nla', ctx);
  }
  if (seen.tls === null) return j.unknown('the server selected TLS; what this client offers in TLS (its cipher suites) is not known, so its hello was not sent');
  const tls = afterHello(j, seen.tls, ctx);
  if (tls) return tls;
  const cert = certificate(j, ctx);
  if (cert) return cert;
  if (CREDSSP_PROTOCOLS.includes(protocol)) {
    const credssp = credsspStep(j, ctx);
    if (credssp) return credssp;
  }
  return j.connects();
}

/** The hello's answer; null when the handshake goes on. */
function afterHello(j: Judgement, t: TlsSeen, ctx: VerdictContext): ClientVerdict | null {
  const offered = j.fact<TlsVersion[] | null>('tls.versions') ?? [];
  if (j.profile.tls.client_hello_hex) j.fact('tls.client_hello_hex');
  else for (const p of ['tls.cipher_suites', 'tls.groups', 'tls.signature_algorithms', 'tls.extensions'] as const) j.fact(p);
  const offers = `offers ${versionsText(offered)}`;
  switch (t.kind) {
    case 'cut':
      return j.unknown(`not measured: rdprobe's host deadline ran out waiting for the answer to this client's ClientHello`);
    case 'not_tls':
      return j.lockedOut('tls', 'not_tls', `${offers}; the server answered its ClientHello with bytes that are not TLS (${t.detail ?? 'malformed'})`, 'tls_broken', ctx);
    case 'ended':
    case 'alert':
      return refusedHello(j, t, offered, ctx);
    case 'answered':
      break;
  }
  const version = protocolVersionKey(t.version);
  j.tlsVersion = version;
  j.cipher = cipherSuiteName(t.suite);
  if (t.problems.length > 0) {
    const [reason, text] = problemText(t.problems[0]!);
    return j.lockedOut('tls', reason, `${offers}; the server's ServerHello ${text}: the client aborts the handshake (RFC 8446 4.1.3 / RFC 5246 7.4.1.3)`, 'tls_broken', ctx);
  }
  if (version === null || version === 'ssl2' || !offered.includes(version)) {
    return j.lockedOut('tls', 'version_not_offered', `${offers}; the server picked ${version ?? 'an unknown version'}`, 'tls_refused', ctx);
  }
  if (t.helloRetry) j.uncertain(`the server asked for another key share (HelloRetryRequest, ${j.cipher}); the client's second ClientHello was not simulated`);
  const completes = j.profile.tls.completes_versions?.value;
  if (completes && !completes.includes(version)) {
    j.fact('tls.completes_versions');
    return j.lockedOut(
      'tls',
      'version_not_completed',
      `${offers} but completes only ${versionsText(completes)}; the server picked ${versionsText([version]).replace(/ only$/, '')} (${j.cipher}), so the client aborts the handshake`,
      'tls_completes',
      ctx,
    );
  }
  return null;
}

function problemText(p: ServerHelloProblem): [string, string] {
  switch (p.reason) {
    case 'version_not_offered':
      return ['version_not_offered', `picks version 0x${p.version.toString(16).padStart(4, '0')}, which the hello did not offer`];
    case 'suite_not_offered':
      return ['suite_not_offered', `picks ${cipherSuiteName(p.suite)}, which the hello did not offer`];
    case 'scsv_selected':
      return ['suite_not_offered', `picks the signalling value ${cipherSuiteName(p.suite)} as a cipher suite`];
    case 'suite_not_allowed_in_version':
      return ['suite_not_offered', `picks ${cipherSuiteName(p.suite)}, which cannot be used with the version it chose`];
    case 'compression_not_offered':
      return ['invalid_server_hello', `picks compression method ${p.method}, which the hello did not offer`];
    case 'extension_not_offered':
      return ['invalid_server_hello', `answers with extension ${p.extension}, which the hello did not send`];
    case 'group_not_offered':
      return ['invalid_server_hello', `picks key-exchange group 0x${p.group.toString(16).padStart(4, '0')}, which the hello did not offer`];
  }
}

/**
 * A hello refused by alert, reset, close or silence. The refusal itself does not say whether the versions or the
 * suites were the problem; the versions the server accepted alone (tls.versions) against this client's do.
 */
function refusedHello(j: Judgement, t: Extract<TlsSeen, { kind: 'alert' | 'ended' }>, offered: TlsVersion[], ctx: VerdictContext): ClientVerdict {
  const how =
    t.kind === 'alert'
      ? `alert ${t.alert} ${t.name}`
      : t.how === 'reset'
        ? 'a TCP reset right after the ClientHello, the way Windows refuses one'
        : t.how === 'closed'
          ? 'the connection closed right after the ClientHello'
          : 'no answer within the timeout';
  const offers = `offers ${versionsText(offered)}`;
  const accepted = serverTlsVersions(ctx.tls);
  if (accepted === null) return j.lockedOut('tls', 'tls_refused', `${offers}; the server refused this ClientHello (${how})`, 'tls_refused', ctx);
  const common = offered.filter((v) => accepted.includes(v));
  if (common.length === 0) {
    const server = accepted.length === 0 ? 'no TLS version offered alone' : versionsText(accepted);
    return j.lockedOut('tls', 'tls_version_refused', `${offers}; the server accepts ${server} and refused this ClientHello (${how})`, 'tls_refused', ctx);
  }
  const suites = j.profile.tls.cipher_suites.value?.length ?? 0;
  return j.lockedOut(
    'tls',
    'no_common_suite',
    `${offers}; the server accepts ${versionsText(common).replace(/ only$/, '')} too, yet refused this ClientHello (${how}): most likely none of the ${suites} cipher suites it offers is allowed there`,
    'tls_suites',
    ctx,
  );
}

const CERT_PROBLEM_TEXT = {
  untrusted: 'the certificate is self-signed (no CA the client trusts vouches for it)',
  expired: 'the certificate has expired',
  name_mismatch: 'the certificate does not name',
} as const;

/** The client's default handling of what is wrong with the certificate; null when the handshake goes on. */
function certificate(j: Judgement, ctx: VerdictContext): ClientVerdict | null {
  const cert = ctx.certificate;
  if (cert === null) {
    const refuses = (['untrusted', 'expired', 'name_mismatch'] as const).some((k) => j.profile.certificate_handling[k].value === 'refuse');
    if (refuses) j.uncertain('the server certificate was not measured; this client refuses some certificates');
    return null;
  }
  const problems: { key: 'untrusted' | 'expired' | 'name_mismatch'; text: string }[] = [];
  if (cert.self_signed) problems.push({ key: 'untrusted', text: CERT_PROBLEM_TEXT.untrusted });
  if (cert.expired || cert.not_yet_valid) problems.push({ key: 'expired', text: cert.expired ? CERT_PROBLEM_TEXT.expired : 'the certificate is not valid yet' });
  if (!certificateCovers(cert, ctx.host)) {
    problems.push({ key: 'name_mismatch', text: `${CERT_PROBLEM_TEXT.name_mismatch} ${isIpLiteral(ctx.host) ? 'the address' : 'the name'} ${ctx.host} clients connect to` });
  }
  for (const p of problems) {
    const action = j.fact<CertificateAction>(`certificate_handling.${p.key}`);
    if (action === 'refuse') return j.lockedOut('tls', `certificate_${p.key}`, `${p.text}; this client refuses such a certificate by default`, 'certificate', ctx);
    j.warnings.push(`${p.text}: this client warns, and the user must accept it to go on`);
  }
  return null;
}

/** CredSSP patch levels against each other ([MS-CSSP] 2.2.1, KB4093492); null when the handshake goes on. */
function credsspStep(j: Judgement, ctx: VerdictContext): ClientVerdict | null {
  const version = ctx.credssp?.version ?? null;
  if (version === null) {
    j.uncertain('the server\'s CredSSP version was not measured (--no-credssp, or its CredSSP step failed): whether either side refuses the other\'s patch level is not known');
    return null;
  }
  if (version < CREDSSP_PATCHED_VERSION) {
    const refuses = j.fact<boolean | null>('credssp.refuses_unpatched_server');
    const text = `the server answers CredSSP version ${version}, without the CVE-2018-0886 fix`;
    if (refuses === true) return j.lockedOut('credssp', 'encryption_oracle_remediation', `${text}; this client refuses such a server by default ("Encryption Oracle Remediation" = Mitigated)`, 'credssp_server', ctx);
    if (refuses === null) return j.unknown(`${text}; whether this client refuses such a server is not known (a patched Windows client does by default)`);
    j.warnings.push(`${text}: this client still connects (it does not enforce the fix)`);
    return null;
  }
  const patched = j.fact<boolean | null>('credssp.oracle_remediation_patched');
  // The server's own Encryption Oracle Remediation setting cannot be seen without credentials: only at "Force
  // Updated Clients" does it refuse an unpatched client. That direction stays unknown.
  if (patched === false) return j.unknown('the server has the CVE-2018-0886 fix and this client does not: a server set to "Force Updated Clients" refuses it, and that setting cannot be seen from the network');
  if (patched === null) j.warnings.push('whether this client has the CVE-2018-0886 fix is not known: a server set to "Force Updated Clients" refuses unpatched clients');
  return null;
}

/** Standard RDP Security: the MCS answer to the client's methods. */
function standardSecurity(j: Judgement, mcs: McsSeen | null, ctx: VerdictContext): ClientVerdict {
  const methods = j.fact<string[] | null>('standard_rdp_security.encryption_methods');
  if (methods === null) return j.unknown('the server selected Standard RDP Security; the encryption methods this client offers are not known');
  if (mcs === null) return j.unknown('the MCS Connect exchange with this client\'s encryption methods was not measured');
  if (mcs.kind === 'failed') {
    if (mcs.reason === 'deadline' || mcs.reason === 'connection_budget') return j.unknown(`not measured: the MCS exchange was cut (${mcs.reason})`);
    return j.lockedOut('mcs', mcs.reason, `offers encryption methods ${methods.join(', ')}; the server ended the MCS Connect exchange (${mcs.reason}${mcs.detail ? `: ${mcs.detail}` : ''})`, 'mcs_level', ctx);
  }
  if (mcs.method !== 'none' && !methods.includes(mcs.method)) {
    return j.lockedOut('mcs', 'method_not_offered', `offers encryption methods ${methods.join(', ')}; the server picked ${mcs.method} (level ${mcs.level})`, 'mcs_level', ctx);
  }
  j.cipher = `Standard RDP Security ${mcs.method} (level ${mcs.level})`;
  j.warnings.push('Standard RDP Security: no server authentication and RC4 encryption (the server should require TLS)');
  return j.connects();
}

function fallback(j: Judgement, neg: NegotiationSeen, mcs: McsSeen | null, ctx: VerdictContext): ClientVerdict {
  if (neg.kind === 'broken') return j.unknown(`not measured: the Standard RDP Security retry ended at ${neg.stage} (${neg.reason})`);
  if (neg.kind !== 'selected' || neg.protocol !== 'rdp') {
    const what = neg.kind === 'selected' ? `selected ${neg.protocol}` : neg.kind === 'refused' ? `refused it (${neg.code})` : 'broke the exchange off';
    return j.lockedOut('negotiation', 'fallback_refused', `the server refused TLS (SSL_NOT_ALLOWED_BY_SERVER), and when this client asked again for Standard RDP Security it ${what}`, 'refused_other', ctx);
  }
  j.protocol = 'rdp';
  return standardSecurity(j, mcs, ctx);
}
