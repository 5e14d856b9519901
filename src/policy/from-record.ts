/**
 * A policy taken from a reference host (`rdprobe policy --from`, as ssh-audit's -M does for SSH): every rule the
 * reference host's record satisfies, commented, as YAML. Only what should be the same on every server becomes a
 * rule (protocols and NLA, TLS versions, certificate key size, signature and trust, CredSSP version, encryption
 * level, UDP, the clients that connect); what is per host (thumbprint, expiry date, names) never does. What the
 * reference host itself does not meet, or did not measure, stays a comment saying so. Pure: record in, text out.
 */
import { clientProfile } from '../clients/index.js';
import { isWeakSignature } from '../diagnosis/rules/certificate.js';
import { TLS_VERSION_KEYS, type ProbeRecord, type TlsVersionKey } from '../record.js';
import { hostPortKey } from '../targets/key.js';
import { rsaEquivalentBits } from './keys.js';
import { POLICY_ENCRYPTION_LEVELS, type PolicyEncryptionLevel } from './types.js';

const tlsLabel = (v: TlsVersionKey): string => v.replace('tls', '');

/** One rule or comment block of the file. */
interface Block {
  comment: string[];
  /** The YAML lines of the rule, or null when the block is only a comment. */
  rule: string[] | null;
}

const rule = (comment: string | string[], ...yaml: string[]): Block => ({ comment: [comment].flat(), rule: yaml });
const note = (...comment: string[]): Block => ({ comment, rule: null });

function protocols(r: ProbeRecord): Block[] {
  const out: Block[] = [];
  if (r.nla_required === true) out.push(rule('NLA: every request without CredSSP is refused (nla_required = true).', 'require_nla: true'));
  else if (r.nla_required === false) out.push(note('NLA: the reference host does not require it (nla_required = false), so no require_nla rule.', 'require_nla: true'));
  else out.push(note('NLA: not measured on the reference host (nla_required = null): no rule.'));
  const rdp = r.protocols?.rdp ?? null;
  if (rdp?.supported === false && rdp.response !== 'no_negotiation') {
    out.push(rule('Standard RDP Security (PROTOCOL_RDP, no TLS) is refused.', 'forbid_standard_rdp_security: true'));
  } else if (rdp?.supported === true || rdp?.response === 'no_negotiation') {
    out.push(note('Standard RDP Security is accepted by the reference host: no rule forbids it.', 'forbid_standard_rdp_security: true'));
    const level = r.rdp_security?.encryption_level ?? null;
    if (level !== null && (POLICY_ENCRYPTION_LEVELS as readonly string[]).includes(level)) {
      out.push(rule(`Standard RDP Security encryption level: ${level} (rdp_security.encryption_level), or higher.`, `min_encryption_level: ${level as PolicyEncryptionLevel}`));
    } else out.push(note(`Standard RDP Security encryption level ${level ?? 'not measured'}: no min_encryption_level rule.`));
  } else out.push(note('Standard RDP Security: not measured on the reference host: no rule.'));
  return out;
}

/** The TLS versions min_tls can name (SSL 2.0/3.0 are forbid_tls entries). */
const TLS_ONLY = TLS_VERSION_KEYS.filter((v) => v.startsWith('tls'));

function tls(r: ProbeRecord): Block[] {
  const t = r.tls;
  if (t === null || TLS_ONLY.every((v) => t.versions[v] === null)) return [note('TLS versions: not measured on the reference host (or it offers no TLS): no rule.')];
  const accepted = TLS_ONLY.filter((v) => t.versions[v] === true);
  const seen = TLS_ONLY.map((v) => `${tlsLabel(v)} ${t.versions[v] === true ? 'accepted' : t.versions[v] === false ? 'refused' : 'not measured'}`).join(', ');
  if (accepted.length === 0) return [note(`TLS versions: the reference host accepted none offered alone (${seen}): no rule.`)];
  const lowest = accepted[0]!;
  const out: Block[] = [rule(`TLS: the oldest version the reference host accepts is TLS ${tlsLabel(lowest)} (${seen}).`, `min_tls: "${tlsLabel(lowest)}"`)];
  // A version refused between two accepted ones (rare, deliberate): keep it refused everywhere; SSL 2.0/3.0 when the
  // deep mode measured them refused.
  const gaps = TLS_ONLY.filter((v, i) => t.versions[v] === false && i > TLS_ONLY.indexOf(lowest) && i < TLS_ONLY.indexOf(accepted[accepted.length - 1]!));
  const ssl = (['ssl2.0', 'ssl3.0'] as const).filter((v) => t.versions[v] === false);
  const forbidden = [...ssl.map((v) => `"${v.replace('.0', '')}"`), ...gaps.map((v) => `"${tlsLabel(v)}"`)];
  if (forbidden.length > 0) out.push(rule('Versions the reference host refuses (SSL ones measured with --tls-suites).', `forbid_tls: [${forbidden.join(', ')}]`));
  else out.push(note('SSL 2.0/3.0: not measured (the reference was scanned without --tls-suites): no forbid_tls rule for them.'));
  out.push(...suites(r));
  return out;
}

/** With the deep mode's list: exactly the suites the reference host accepts, its DH size, forward secrecy. */
function suites(r: ProbeRecord): Block[] {
  const t = r.tls!;
  if (!t.cipher_suites) return [note('Cipher suites: not listed (scan the reference with --tls-suites for allow_suites, min_dh_bits, require_pfs).')];
  const names = [...new Set(Object.entries(t.cipher_suites).filter(([v]) => v.startsWith('tls')).flatMap(([, l]) => (l ?? []).map((x) => x.name)))];
  const out: Block[] = [];
  if (names.length > 0) out.push(rule(`Cipher suites: the ${names.length} the reference host accepts, and no other.`, 'allow_suites:', ...names.map((n) => `  - ${n}`)));
  const all = Object.entries(t.cipher_suites).filter(([v]) => v !== 'tls1.3' && v !== 'ssl2.0').flatMap(([, l]) => l ?? []);
  if (all.length > 0 && all.every((x) => x.pfs)) out.push(rule('Forward secrecy: every TLS 1.0-1.2 suite of the reference host has it.', 'require_pfs: true'));
  if (t.dh_bits !== null) out.push(rule(`DHE: the reference host's group has ${t.dh_bits} bits.`, `min_dh_bits: ${t.dh_bits}`));
  return out;
}

function certificate(r: ProbeRecord): Block[] {
  const c = r.certificate;
  if (c === null) return [note('Certificate: none seen on the reference host: no certificate rule.')];
  const out: Block[] = [];
  const bits = rsaEquivalentBits(c.key_type, c.key_bits);
  if (bits !== null) out.push(rule(`Certificate key: ${c.key_type} ${c.key_bits} bits (${bits} RSA-equivalent), or stronger.`, `min_key_bits: ${bits}`));
  if (!isWeakSignature(c.signature_algorithm)) out.push(rule(`Certificate signature: ${c.signature_algorithm}, not SHA-1 or MD5.`, 'forbid_weak_signature: true'));
  else out.push(note(`Certificate signature: ${c.signature_algorithm} on the reference host, so no forbid_weak_signature rule.`));
  if (!c.self_signed) out.push(rule('Certificate trust: CA-issued, not self-signed.', 'forbid_self_signed: true'));
  else out.push(note('Certificate trust: the reference host\'s is self-signed, so no forbid_self_signed rule.', 'forbid_self_signed: true'));
  if (c.trusted === true) out.push(rule('Certificate trust: the chain leads to a trusted root (the bundled roots plus --ca-file).', 'require_trusted_cert: true'));
  else out.push(note(`Certificate trust: the chain is ${c.trusted === false ? `not trusted (${c.trust_error ?? 'untrusted'})` : 'not judged'} on the reference host, so no require_trusted_cert rule.`, 'require_trusted_cert: true'));
  out.push(note('Per-host facts are never rules: thumbprint (expected_thumbprints), expiry date (min_cert_days), names.'));
  return out;
}

function credssp(r: ProbeRecord): Block[] {
  const v = r.credssp?.version ?? null;
  if (v === null) return [note('CredSSP version: not measured on the reference host (no NLA, or --no-credssp): no rule.')];
  return [rule(`CredSSP: TSRequest version ${v} (5 and later carry the CVE-2018-0886 fix).`, `min_credssp_version: ${v}`)];
}

function udp(r: ProbeRecord): Block[] {
  const u = r.rdp_udp ?? null;
  if (u === null) return [note('RDP over UDP: not measured on the reference host: no rule.')];
  if (u.answered && u.syn_ack !== null) return [note(`RDP over UDP answers on the reference host (${u.version ?? 'version ?'}): no forbid_udp rule.`, 'forbid_udp: true')];
  if (u.failure && ['refused', 'timeout', 'unreachable'].includes(u.failure.reason)) return [rule(`RDP over UDP: no answer on the reference host (${u.failure.reason}).`, 'forbid_udp: true')];
  return [note(`RDP over UDP: not measured on the reference host (${u.failure?.reason ?? 'no answer'}): no rule.`)];
}

function clients(r: ProbeRecord): Block[] {
  const cl = r.clients ?? null;
  if (cl === null) return [note('Clients: no handshake was simulated (--clients): no clients_must_connect rule.')];
  const entries = Object.entries(cl);
  const measured = entries.filter(([, v]) => v.connects === true && v.certainty === 'measured');
  const likely = entries.filter(([, v]) => v.connects === true && v.certainty !== 'measured').map(([id]) => id);
  const out = entries.filter(([, v]) => v.connects === false).map(([id]) => id);
  const blocks: Block[] = [];
  if (measured.length > 0) {
    blocks.push(
      rule(
        'Clients whose simulated handshake gets in with a measured verdict (docs/clients.md): each must keep getting in.',
        'clients_must_connect:',
        ...measured.map(([id]) => `  - ${id}  # ${clientProfile(id)?.name ?? id}`),
      ),
    );
  } else blocks.push(note('Clients: none connects with a measured verdict: no clients_must_connect rule.'));
  if (likely.length > 0) blocks.push(note(`Connect too, but their verdicts rest on inferred profile facts (a gate fails them as unverified): ${likely.join(', ')}.`));
  if (out.length > 0) blocks.push(note(`Locked out of the reference host itself: ${out.join(', ')}.`));
  return blocks;
}

/** The policy file text for `record`, the reference host. */
export function policyFromRecord(record: ProbeRecord): string {
  const key = hostPortKey(record.host, record.port);
  const sections: [string, Block[]][] = [
    ['Protocols', protocols(record)],
    ['TLS', tls(record)],
    ['Certificate', certificate(record)],
    ['CredSSP', credssp(record)],
    ['RDP over UDP', udp(record)],
    ['Clients', clients(record)],
  ];
  const lines = [
    `# rdprobe policy taken from the reference host ${key} (scanned ${record.scanned_at}).`,
    '# The reference host satisfies every rule below; a server that differs fails the gate:',
    '#   rdprobe scan --policy THIS_FILE HOSTS...        (docs/policy.md)',
    '# Only what should be the same on every server is a rule. What the reference host does not meet or did not',
    '# measure is a comment; uncomment a rule to require it anyway.',
  ];
  for (const [title, blocks] of sections) {
    lines.push('', `# --- ${title}`);
    for (const b of blocks) {
      for (const c of b.comment) lines.push(`# ${c}`);
      if (b.rule) lines.push(...b.rule);
    }
  }
  return `${lines.join('\n')}\n`;
}
