/**
 * Loading, validating and merging policies. Every problem is a PolicyError with a one-line message naming the
 * source and the key; unknown keys are rejected so that a typo cannot silently weaken a gate.
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { extname } from 'node:path';
import { decodeText, jsonErrorMessage } from './text.js';
import { readErrorText } from '../read-error.js';
import { hostPortKey } from '../targets/key.js';
import { CLIENT_PROFILE_IDS, clientProfile } from '../clients/index.js';
import {
  POLICY_FORBIDDABLE_VERSIONS,
  POLICY_ENCRYPTION_LEVELS,
  POLICY_TLS_VERSIONS,
  PolicyError,
  type PolicyForbiddableVersion,
  RULE_NAMES,
  type HostMatch,
  type HostOverride,
  type HostRules,
  type Policy,
  type PolicyRules,
  type PolicyTlsVersion,
  type RuleName,
} from './types.js';

export const FLAGS_SOURCE = 'command line';

type Json = unknown;

function describe(v: Json): string {
  if (v === null) return 'an empty value (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

function isPlainObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

function unknownKey(source: string, path: string, key: string, allowed: readonly string[]): PolicyError {
  let best: string | null = null;
  let bestDist = Infinity;
  for (const k of allowed) {
    const d = levenshtein(key.toLowerCase().replace(/-/g, '_'), k);
    if (d < bestDist) {
      bestDist = d;
      best = k;
    }
  }
  const hint = best !== null && bestDist <= Math.max(2, Math.floor(best.length / 4)) ? ` (did you mean "${best}"?)` : '';
  return new PolicyError(source, path, `unknown key${hint}; allowed keys: ${allowed.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Value validators

/** Accepts "1.2", 1.2, "tls1.2", "TLS 1.2", "TLSv1.2"; YAML reads an unquoted 1.0 as the number 1, which means "1.0". */
export function normaliseTlsVersion(v: Json): PolicyTlsVersion | null {
  if (typeof v === 'number') {
    const s = v === 1 ? '1.0' : String(v);
    return (POLICY_TLS_VERSIONS as readonly string[]).includes(s) ? (s as PolicyTlsVersion) : null;
  }
  if (typeof v !== 'string') return null;
  const s = v.trim().toLowerCase().replace(/^tls\s*v?\s*/, '');
  return (POLICY_TLS_VERSIONS as readonly string[]).includes(s) ? (s as PolicyTlsVersion) : null;
}

/**
 * Normalise a SHA-1 thumbprint as copied from certlm.msc, PowerShell or openssl: any case, colons, spaces or
 * dashes allowed (and the invisible U+200E mark the Windows certificate dialog puts in front). Returns upper-case
 * hex without separators (what Windows keeps in SSLCertificateSHA1Hash), or null when it is not 40 hex digits.
 */
export function normaliseThumbprint(v: string): string | null {
  const s = v.replace(/[\s:\-\u200e\u200f\u202a-\u202e\ufeff]/g, '').toUpperCase();
  return /^[0-9A-F]{40}$/.test(s) ? s : null;
}

function checkBool(source: string, key: string, v: Json): boolean {
  if (typeof v !== 'boolean') throw new PolicyError(source, key, `expected true or false, got ${describe(v)}`);
  return v;
}

function checkInt(source: string, key: string, v: Json, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new PolicyError(source, key, `expected a whole number >= ${min}, got ${describe(v)}`);
  }
  return v;
}

/**
 * Cipher suite patterns: IANA names with shell-style globs (`*` any run of characters, `?` one), matched whole and
 * case-insensitively: `TLS_RSA_*`, `*_CBC_*`, `TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`. OpenSSL names are not
 * patterns (they do not name the key exchange consistently).
 */
function checkSuitePatterns(source: string, key: string, v: Json): string[] {
  const items = Array.isArray(v) ? v : [v];
  if (items.length === 0) throw new PolicyError(source, key, 'expected a list of cipher suite names or patterns, got an empty list');
  return items.map((item, i) => {
    const where = Array.isArray(v) ? `${key}[${i}]` : key;
    if (typeof item !== 'string' || !/^[A-Za-z0-9_*?]+$/.test(item.trim())) {
      throw new PolicyError(source, where, `expected an IANA cipher suite name or a glob of one (e.g. TLS_RSA_*, *_CBC_*), got ${describe(item)}`);
    }
    return item.trim().toUpperCase();
  });
}

function checkSeconds(source: string, key: string, v: Json): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new PolicyError(source, key, `expected a number of seconds >= 0, got ${describe(v)}`);
  }
  return v;
}

const TLS_CHOICES = POLICY_TLS_VERSIONS.map((v) => `"${v}"`).join(', ');

function checkTls(source: string, key: string, v: Json): PolicyTlsVersion {
  const t = normaliseTlsVersion(v);
  if (t === null) throw new PolicyError(source, key, `expected one of ${TLS_CHOICES}, got ${describe(v)}`);
  return t;
}

/** "ssl3", "SSLv3", "SSL 3.0" -> ssl3 (and ssl2); anything else as normaliseTlsVersion. */
function normaliseForbiddable(v: Json): PolicyForbiddableVersion | null {
  if (typeof v === 'string') {
    const m = /^ssl\s*v?\s*([23])(\.0)?$/.exec(v.trim().toLowerCase());
    if (m) return `ssl${m[1]}` as PolicyForbiddableVersion;
  }
  return normaliseTlsVersion(v);
}

const FORBIDDABLE_CHOICES = POLICY_FORBIDDABLE_VERSIONS.map((v) => `"${v}"`).join(', ');

/** A list (or one item) of values `parse` accepts, each once, in order; `expected` names them in the error. */
function checkList<T>(source: string, key: string, v: Json, parse: (item: Json) => T | null, expected: string): T[] {
  const items = Array.isArray(v) ? v : [v];
  const out: T[] = [];
  items.forEach((item, i) => {
    const t = parse(item);
    if (t === null) throw new PolicyError(source, Array.isArray(v) ? `${key}[${i}]` : key, `expected ${expected}, got ${describe(item)}`);
    if (!out.includes(t)) out.push(t);
  });
  return out;
}

function checkTlsList(source: string, key: string, v: Json): PolicyForbiddableVersion[] {
  return checkList(source, key, v, normaliseForbiddable, `a list of versions (${FORBIDDABLE_CHOICES})`);
}

/** Lower-case, no trailing dot, IPv6 without brackets. */
export function normaliseHostName(name: string): string {
  let s = name.trim().toLowerCase();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (s.endsWith('.') && s.length > 1) s = s.slice(0, -1);
  return s;
}

const HOST_NAME_RE = /^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$/;

/** Parse a `hosts:` key (or, with allowCidr false, an expected_thumbprints key). */
export function parseHostKey(source: string, path: string, raw: string, allowCidr: boolean): HostMatch {
  const key = raw.trim();
  if (key === '') throw new PolicyError(source, path, 'empty host key');
  if (key.includes('*') || key.includes('?')) {
    throw new PolicyError(source, path, 'wildcards are not supported; use a CIDR (10.1.0.0/16) or list the hosts');
  }
  const slash = key.indexOf('/');
  if (slash >= 0) {
    const base = key.slice(0, slash);
    const prefixText = key.slice(slash + 1);
    const fam = isIP(base);
    if (!allowCidr) throw new PolicyError(source, path, 'expected a host name, address or host:port, not a CIDR');
    if (fam === 0 || !/^\d{1,3}$/.test(prefixText) || Number(prefixText) > (fam === 4 ? 32 : 128)) {
      throw new PolicyError(source, path, `not a valid CIDR (expected e.g. 10.1.0.0/16 or fd00::/64)`);
    }
    return { kind: 'cidr', family: fam === 4 ? 'ipv4' : 'ipv6', network: base.toLowerCase(), prefix: Number(prefixText) };
  }
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(key);
  if (bracketed) {
    const addr = bracketed[1]!;
    if (isIP(addr) !== 6) throw new PolicyError(source, path, 'expected [IPv6 address]:port');
    return { kind: 'host_port', name: normaliseHostName(addr), port: checkPort(source, path, bracketed[2]!) };
  }
  if (isIP(normaliseHostName(key)) !== 0) return { kind: 'host', name: normaliseHostName(key) };
  const hp = /^([^:]+):(\d+)$/.exec(key);
  if (hp) {
    const name = normaliseHostName(hp[1]!);
    if (isIP(name) === 0 && !HOST_NAME_RE.test(name)) throw new PolicyError(source, path, 'not a valid host name');
    return { kind: 'host_port', name, port: checkPort(source, path, hp[2]!) };
  }
  const name = normaliseHostName(key);
  if (!HOST_NAME_RE.test(name)) {
    throw new PolicyError(source, path, 'expected a host name, IP address, CIDR or host:port');
  }
  return { kind: 'host', name };
}

function checkPort(source: string, path: string, text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new PolicyError(source, path, 'port must be 1-65535');
  return port;
}

/** The canonical text of a host key, used to look up expected_thumbprints. */
export function hostKeyText(m: HostMatch): string {
  switch (m.kind) {
    case 'cidr':
      return `${m.network}/${m.prefix}`;
    case 'host':
      return m.name;
    case 'host_port':
      return hostPortKey(m.name, m.port);
  }
}

function checkThumbprints(source: string, key: string, v: Json): Record<string, string> {
  if (!isPlainObject(v)) {
    throw new PolicyError(source, key, `expected a mapping of host -> SHA-1 thumbprint, got ${describe(v)}`);
  }
  const out: Record<string, string> = {};
  for (const [host, value] of Object.entries(v)) {
    const path = `${key}.${host}`;
    const canonical = hostKeyText(parseHostKey(source, path, host, false));
    if (typeof value !== 'string') {
      throw new PolicyError(source, path, `expected a SHA-1 thumbprint (40 hex digits), got ${describe(value)}`);
    }
    const tp = normaliseThumbprint(value);
    if (tp === null) {
      throw new PolicyError(source, path, `expected a SHA-1 thumbprint (40 hex digits, colons/spaces allowed), got ${describe(value)}`);
    }
    if (out[canonical] !== undefined && out[canonical] !== tp) {
      throw new PolicyError(source, path, `host listed twice with different thumbprints`);
    }
    out[canonical] = tp;
  }
  return out;
}

/** A list of client profile ids (src/clients); `all` is not allowed: a gate names the populations it protects. */
function checkClients(source: string, key: string, v: Json): string[] {
  const expected = `client profile ids (${CLIENT_PROFILE_IDS.join(', ')})`;
  const out = checkList(source, key, v, (item) => (typeof item === 'string' && clientProfile(item) !== undefined ? item : null), expected);
  if (out.length === 0) throw new PolicyError(source, key, `expected at least one of the ${expected}`);
  return out;
}

/** Validate one rule value; returns the normalised value. */
function checkRule<K extends RuleName>(source: string, path: string, name: K, v: Json): PolicyRules[K] {
  let out: unknown;
  switch (name) {
    case 'require_nla':
    case 'forbid_standard_rdp_security':
    case 'forbid_self_signed':
    case 'allow_unreachable':
    case 'forbid_udp':
    case 'require_auth':
    case 'require_logon':
    case 'forbid_weak_signature':
      out = checkBool(source, path, v);
      break;
    case 'min_tls':
      out = checkTls(source, path, v);
      break;
    case 'forbid_tls':
      out = checkTlsList(source, path, v);
      break;
    case 'min_cert_days':
    case 'min_credssp_version':
      out = checkInt(source, path, v, 0);
      break;
    case 'min_key_bits':
      out = checkInt(source, path, v, 1);
      break;
    case 'max_clock_skew':
      out = checkSeconds(source, path, v);
      break;
    case 'require_pfs':
    case 'require_trusted_cert':
      out = checkBool(source, path, v);
      break;
    case 'min_dh_bits':
      out = checkInt(source, path, v, 1);
      break;
    case 'forbid_suites':
    case 'allow_suites':
      out = checkSuitePatterns(source, path, v);
      break;
    case 'expected_thumbprints':
      out = checkThumbprints(source, path, v);
      break;
    case 'clients_must_connect':
      out = checkClients(source, path, v);
      break;
    case 'min_encryption_level':
      if (typeof v !== 'string' || !(POLICY_ENCRYPTION_LEVELS as readonly string[]).includes(v)) {
        throw new PolicyError(source, path, `expected one of ${POLICY_ENCRYPTION_LEVELS.map((l) => `"${l}"`).join(', ')}, got ${describe(v)}`);
      }
      out = v;
      break;
  }
  return out as PolicyRules[K];
}

const TOP_KEYS: readonly string[] = [...RULE_NAMES, 'hosts'];
const HOST_RULE_KEYS: readonly string[] = RULE_NAMES.filter((k) => k !== 'expected_thumbprints');

function setRule<K extends RuleName>(rules: Partial<PolicyRules>, name: K, value: PolicyRules[K]): void {
  rules[name] = value;
}

function parseHosts(source: string, v: Json): HostOverride[] {
  if (v === null) return [];
  if (!isPlainObject(v)) throw new PolicyError(source, 'hosts', `expected a mapping of host -> rules, got ${describe(v)}`);
  const out: HostOverride[] = [];
  let index = 0;
  for (const [key, body] of Object.entries(v)) {
    const path = `hosts.${key}`;
    const match = parseHostKey(source, path, key, true);
    if (body !== null && !isPlainObject(body)) {
      throw new PolicyError(source, path, `expected a mapping of rules, got ${describe(body)}`);
    }
    const rules: HostRules = {};
    for (const [rk, rv] of Object.entries(body ?? {})) {
      const rpath = `${path}.${rk}`;
      if (rk === 'expected_thumbprints') {
        throw new PolicyError(source, rpath, 'only allowed at the top level (a mapping of host -> thumbprint)');
      }
      if (!HOST_RULE_KEYS.includes(rk)) throw unknownKey(source, rpath, rk, HOST_RULE_KEYS);
      const name = rk as Exclude<RuleName, 'expected_thumbprints'>;
      (rules as Record<string, unknown>)[name] = rv === null ? null : checkRule(source, rpath, name, rv);
    }
    out.push({ key, match, rules, index: index++ });
  }
  return out;
}

/** Validate an already-decoded policy document. */
export function policyFromObject(doc: Json, source: string): Policy {
  if (doc === null || doc === undefined) throw new PolicyError(source, null, 'the policy is empty');
  if (!isPlainObject(doc)) throw new PolicyError(source, null, `expected a mapping of rules at the top level, got ${describe(doc)}`);
  const rules: Partial<PolicyRules> = {};
  let hosts: HostOverride[] = [];
  for (const [key, v] of Object.entries(doc)) {
    if (key === 'hosts') {
      hosts = parseHosts(source, v);
      continue;
    }
    if (!TOP_KEYS.includes(key)) throw unknownKey(source, key, key, TOP_KEYS);
    if (v === null || v === undefined) {
      throw new PolicyError(source, key, 'empty value; give a value or remove the key');
    }
    const name = key as RuleName;
    setRule(rules, name, checkRule(source, key, name, v));
  }
  return { source, rules, hosts };
}

function looksLikeJson(text: string, sourceName: string): boolean {
  const ext = extname(sourceName).toLowerCase();
  if (ext === '.json') return true;
  if (ext === '.yml' || ext === '.yaml') return false;
  return /^\s*[{[]/.test(text) && (() => {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  })();
}

function firstLine(s: string): string {
  return (s.split(/\r?\n/)[0] ?? s).replace(/:\s*$/, '');
}

/**
 * The YAML parser, loaded (loadYaml) before the first YAML policy is parsed: most scans have no policy and should not
 * pay for it. A dynamic import, so the one-file build carries it and loads it only then.
 */
let yamlModule: typeof import('yaml') | null = null;
export async function loadYaml(): Promise<void> {
  yamlModule ??= await import('yaml');
}
function parseDocument(...args: Parameters<typeof import('yaml').parseDocument>): ReturnType<typeof import('yaml').parseDocument> {
  if (!yamlModule) throw new Error('parsePolicy: the YAML parser is not loaded (await loadYaml() first)');
  return yamlModule.parseDocument(...args);
}

/** Parse policy text (JSON or YAML: by the extension of sourceName, else by content; YAML needs loadYaml() first). */
export function parsePolicy(text: string, sourceName: string): Policy {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (looksLikeJson(text, sourceName)) {
    let doc: Json;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new PolicyError(sourceName, null, `invalid JSON: ${jsonErrorMessage(err, text)}`);
    }
    // JSON.parse silently keeps the last of duplicate keys; a duplicated rule is a likely mistake, so reject it.
    const dup = parseDocument(text, { uniqueKeys: true }).errors.find((e) => e.code === 'DUPLICATE_KEY');
    if (dup) throw new PolicyError(sourceName, null, `invalid JSON: ${firstLine(dup.message)}`);
    return policyFromObject(doc, sourceName);
  }
  const parsed = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const err = parsed.errors[0];
  if (err) throw new PolicyError(sourceName, null, `invalid YAML: ${firstLine(err.message)}`);
  return policyFromObject(parsed.toJS({ maxAliasCount: 100 }), sourceName);
}

/** Read and parse a policy file (JSON or YAML; UTF-8 or UTF-16 with BOM). */
export async function loadPolicy(path: string): Promise<Policy> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    throw new PolicyError(path, null, `cannot read policy file: ${readErrorText(err)}`);
  }
  const text = decodeText(buf);
  // YAML reads both: a YAML file, and a JSON one's duplicate keys (JSON.parse silently keeps the last).
  await loadYaml();
  return parsePolicy(text, path);
}

/**
 * A policy from command-line options (same validation and normalisation as a file; undefined values are ignored).
 */
export function policyFromFlags(flags: Partial<PolicyRules>): Policy {
  const rules: Partial<PolicyRules> = {};
  for (const [key, v] of Object.entries(flags as Record<string, unknown>)) {
    if (v === undefined) continue;
    if (!(RULE_NAMES as readonly string[]).includes(key)) throw unknownKey(FLAGS_SOURCE, key, key, RULE_NAMES);
    const name = key as RuleName;
    if (v === null) throw new PolicyError(FLAGS_SOURCE, key, 'empty value');
    setRule(rules, name, checkRule(FLAGS_SOURCE, key, name, v));
  }
  return { source: FLAGS_SOURCE, rules, hosts: [] };
}

function isPolicy(v: Policy | Partial<PolicyRules>): v is Policy {
  return 'rules' in v && 'hosts' in v && 'source' in v;
}

/**
 * Combine a policy file with command-line rules. Command-line rules win over everything in the file, including the
 * file's `hosts:` overrides (the command line is the most specific statement of what this run must check).
 * expected_thumbprints maps are merged (the command line wins per host).
 */
export function mergePolicies(
  file: Policy | null | undefined,
  flags: Policy | Partial<PolicyRules> | null | undefined,
): Policy {
  const f = flags ? (isPolicy(flags) ? flags : policyFromFlags(flags)) : null;
  if (!file) return f ?? { source: FLAGS_SOURCE, rules: {}, hosts: [] };
  if (!f) return file;
  const flagKeys = Object.keys(f.rules) as RuleName[];
  if (flagKeys.length === 0 && f.hosts.length === 0) return file;
  const rules: Partial<PolicyRules> = { ...file.rules, ...f.rules };
  if (file.rules.expected_thumbprints && f.rules.expected_thumbprints) {
    rules.expected_thumbprints = { ...file.rules.expected_thumbprints, ...f.rules.expected_thumbprints };
  }
  const hosts: HostOverride[] = file.hosts.map((h) => {
    const r: HostRules = { ...h.rules };
    for (const k of flagKeys) delete (r as Record<string, unknown>)[k];
    return { ...h, rules: r };
  });
  const offset = hosts.length;
  for (const h of f.hosts) hosts.push({ ...h, index: h.index + offset });
  return { source: `${file.source} + ${f.source}`, rules, hosts };
}
