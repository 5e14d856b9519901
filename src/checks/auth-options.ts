/**
 * What the authentication test (auth.ts) and the logon test (logon.ts) are given: the test account, where its
 * credentials may go, and the password itself, held so that nothing serialises it. The CLI builds one AuthOptions
 * per scan (src/cli/auth-args.ts); ScanOptions.auth is null when no --user was given.
 */
import { inspect } from 'node:util';
import type { AuthDepth } from '../record.js';
import type { TrustStore } from '../transport/trust-store.js';

/**
 * The password, as UTF-8 bytes in a private field: JSON.stringify, util.inspect, String() and template strings see
 * only "[redacted]". It leaves this object only as a copy handed to the CredSSP client (which copies it again and
 * zeroes its own), and is zeroed by dispose() when the scan ends.
 */
export class Credentials {
  readonly #password: Uint8Array;

  constructor(passwordUtf8: Uint8Array) {
    this.#password = Uint8Array.from(passwordUtf8);
  }

  /** A copy of the password's UTF-8 bytes: the caller zeroes it when done. */
  passwordBytes(): Uint8Array {
    return Uint8Array.from(this.#password);
  }

  /** Zeroes the password; the object is useless afterwards. */
  dispose(): void {
    this.#password.fill(0);
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Credentials [redacted]';
  }
}

/** The account split as NTLM wants it ([MS-NLMP] 3.1.5.1.2: UserName and UserDomainName). */
export interface Account {
  /** As the user wrote it (the record's auth.user). */
  text: string;
  user: string;
  /** '' for a local account (the server's own SAM). */
  domain: string;
}

/**
 * DOMAIN\user, user@domain (UPN: user "user@domain" and domain "" for NTLM, as Windows clients send it) or a bare
 * user (a local account). Returns null when the text cannot be an account name.
 */
export function parseAccount(text: string): Account | null {
  const t = text.trim();
  if (t === '' || t.length > 256 || /[\x00-\x1f\x7f]/.test(t)) return null;
  const slash = t.indexOf('\\');
  if (slash >= 0) {
    const domain = t.slice(0, slash);
    const user = t.slice(slash + 1);
    if (domain === '' || user === '' || user.includes('\\')) return null;
    return { text: t, user, domain };
  }
  const at = t.lastIndexOf('@');
  if (at === 0 || at === t.length - 1) return null;
  return { text: t, user: t, domain: '' };
}

/** Where one target is, as the checks see it (the policy and --auth-hosts match on any of these). */
export interface AuthTarget {
  target: string;
  host: string;
  address: string;
  port: number;
}

export interface AuthOptions {
  account: Account;
  credentials: Credentials;
  /** auth: stop after the server's pubKeyAuth; authz: delegate TSCredentials too (--authz, --logon). */
  depth: AuthDepth;
  /** --auth-hosts (or the scan's only target): the only hosts credentials may go to. */
  allowed: (t: AuthTarget) => boolean;
  /** --pin: SHA-1 thumbprints (upper-case hex) whose certificate is trusted whatever its chain or name. */
  pins: readonly string[];
  /** The policy's expected_thumbprints entry for a host, if any: then only that certificate is trusted there. */
  expectedThumbprint: (t: AuthTarget) => string | null;
  /** --auth-insecure: send credentials even to a server whose certificate is not trusted (said in the record). */
  insecure: boolean;
  /** Node's CA list plus --ca-file. */
  trust: TrustStore;
  /** How long the logon test waits after Client Info for the logon notification, an error or a disconnect. */
  logonTimeoutMs: number;
  /** What the records' `scan.options` keep of these options (compared by --resume): never the password. */
  stamp: Record<string, string | number | boolean>;
}
