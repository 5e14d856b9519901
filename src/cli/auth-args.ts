/**
 * The authentication test's command line (--user, --auth/--authz/--logon, --auth-hosts, --pin, --auth-insecure,
 * --logon-timeout; and the scan's --ca-file, already read) turned into the scan's AuthOptions, or null without --user. Every mistake is a
 * one-line error (exit 2) before the first packet; the password is read last, once everything else is valid.
 */
import { Credentials, parseAccount, type AuthOptions, type AuthTarget } from '../checks/auth-options.js';
import { expectedThumbprintFor, normaliseThumbprint, type Policy } from '../policy/index.js';
import { isTargetError, targetScope } from '../targets/index.js';
import { systemTrustStore, trustStoreFromPem, TrustStoreError } from '../transport/trust-store.js';
import { CliError } from './exit-codes.js';
import { obtainPassword, type PasswordSources } from './password.js';

export interface AuthArgs {
  user: string | undefined;
  passwordFile: string | undefined;
  auth: boolean;
  authz: boolean;
  logon: boolean;
  /** --auth-hosts items (commas split). */
  authHosts: string[];
  pins: string[];
  insecure: boolean;
  logonTimeoutMs: number;
}

export interface AuthContext {
  /** The scan's target items, ports and how many targets they make. */
  specs: readonly string[];
  ports: readonly number[];
  targetCount: number | null;
  policy: Policy | null;
  /** The --ca-file bundles, read and checked by the CLI (the same store judges certificate.trusted). */
  caCertificates: readonly string[];
}

/** Everything but the password (and where to read it from): checked before anything else happens. */
export type AuthPlan = Omit<AuthOptions, 'credentials'> & { passwordFile: string | undefined };

/** Options that mean nothing without --user (named as typed). */
function withoutUser(a: AuthArgs): string | null {
  if (a.auth) return '--auth';
  if (a.authz) return '--authz';
  if (a.logon) return '--logon';
  if (a.authHosts.length > 0) return '--auth-hosts';
  if (a.pins.length > 0) return '--pin';
  if (a.insecure) return '--auth-insecure';
  if (a.passwordFile !== undefined) return '--password-file';
  return null;
}

/** Validates the authentication options (one-line CliError on a mistake); null without --user. */
export async function planAuth(a: AuthArgs, c: AuthContext): Promise<AuthPlan | null> {
  if (a.user === undefined) {
    const stray = withoutUser(a);
    if (stray) throw new CliError(`${stray} applies to the authentication test: give the test account with --user DOMAIN\\user (or user@domain)`);
    return null;
  }
  const account = parseAccount(a.user);
  if (!account) throw new CliError(`--user: expected DOMAIN\\user, user@domain or user, got "${a.user.slice(0, 40)}"`);
  if (a.auth && (a.authz || a.logon)) throw new CliError(`--auth stops before the password is delegated; it cannot go with ${a.logon ? '--logon' : '--authz'}`);
  if (a.logon && a.authHosts.length === 0) throw new CliError('--logon logs the account on: name the hosts it may do that on with --auth-hosts');
  if (a.authHosts.length === 0 && (c.targetCount === null || c.targetCount > 1)) {
    throw new CliError('--auth-hosts is required when the scan has more than one target: name the hosts the test account\'s credentials may be sent to');
  }

  // --auth-hosts has the scan's own target syntax; without it, the scan's single target.
  const items = a.authHosts.length > 0 ? a.authHosts : [...c.specs];
  let inScope: (host: string, port: number) => boolean;
  try {
    inScope = targetScope(items, { ports: [...c.ports] });
  } catch (e) {
    throw isTargetError(e) ? new CliError(`--auth-hosts: ${(e as Error).message}`) : e;
  }
  // A name whose address is listed is the host the user meant; a listed name matches however it resolves.
  const allowed = (t: AuthTarget): boolean => inScope(t.host, t.port) || inScope(t.address, t.port);

  const pins = a.pins.map((p) => {
    const tp = normaliseThumbprint(p);
    if (tp === null) throw new CliError(`--pin: expected a SHA-1 thumbprint (40 hex digits, as the record's certificate.sha1_fingerprint), got "${p.slice(0, 60)}"`);
    return tp;
  });

  let trust = systemTrustStore();
  if (c.caCertificates.length > 0) {
    try {
      trust = trustStoreFromPem(c.caCertificates.join('\n'), '--ca-file');
    } catch (e) {
      throw e instanceof TrustStoreError ? new CliError(e.message) : e;
    }
  }

  const depth = a.authz || a.logon ? 'authz' : 'auth';
  const policy = c.policy;
  return {
    account,
    passwordFile: a.passwordFile,
    depth,
    allowed,
    pins,
    expectedThumbprint: (t) => (policy ? expectedThumbprintFor(policy, t) : null),
    insecure: a.insecure,
    trust,
    logonTimeoutMs: a.logonTimeoutMs,
    // What the records' scan stamp keeps (and --resume compares): never the password.
    stamp: {
      auth: depth,
      auth_user: account.text,
      ...(a.authHosts.length > 0 ? { auth_hosts: a.authHosts.join(',') } : {}),
      ...(pins.length > 0 ? { auth_pins: pins.join(',') } : {}),
      ...(a.insecure ? { auth_insecure: true } : {}),
      ...(a.logon ? { logon_timeout_ms: a.logonTimeoutMs } : {}),
    },
  };
}

/** The plan with its password (--password-file, RDPROBE_PASSWORD or the terminal prompt). */
export async function withPassword(plan: AuthPlan, io: Omit<PasswordSources, 'passwordFile' | 'account'>): Promise<AuthOptions> {
  const { passwordFile, ...options } = plan;
  const password = await obtainPassword({ ...io, passwordFile, account: plan.account.text });
  const credentials = new Credentials(password);
  password.fill(0);
  return { ...options, credentials };
}
