/**
 * The scan's lockout guard for the authentication test (the CredentialGate of src/checks/contract.ts): one object
 * per scan, made by the runner (or handed to it, closed, by a resumed scan), reaching every host's auth check
 * through its context like the connection slots do.
 *
 *  - Until some host has accepted the credentials, exchanges run one at a time: a wrong password is then found
 *    out by the first host, before any other host is sent it.
 *  - The first "credentials rejected" or "account locked out" verdict stops every later exchange in the scan;
 *    the hosts that would have come after record `not_attempted` with reason `lockout_stop` and who stopped it.
 *  - Once the credentials are proven, exchanges may run side by side (the runner's concurrency bounds them).
 *
 * So a wrong password costs the account one bad-password count, not one per host. The gate holds no secret.
 */
import { gateVerdictOf } from '../checks/auth.js';
import type { CredentialGate, GateStop, GateTurn } from '../checks/contract.js';
import type { ProbeRecord } from '../record.js';
import { hostPortKey } from '../targets/key.js';

export class AuthGate implements CredentialGate {
  #proven = false;
  #busy = false;
  #stop: GateStop | null = null;
  #waiters: (() => void)[] = [];

  /** Closes the gate (a resumed scan whose file shows the credentials were already refused); the first stop stays. */
  close(stop: GateStop): void {
    this.#stop ??= stop;
  }

  get stop(): GateStop | null {
    return this.#stop;
  }

  async enter(host: string): Promise<GateTurn | GateStop> {
    for (;;) {
      if (this.#stop) return this.#stop;
      if (this.#proven || !this.#busy) break;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    const serial = !this.#proven;
    if (serial) this.#busy = true;
    let ended = false;
    return {
      end: (verdict, why) => {
        if (ended) return;
        ended = true;
        if (verdict === 'accepted') this.#proven = true;
        else if ((verdict === 'rejected' || verdict === 'locked_out') && !this.#stop) this.#stop = { by: host, why };
        if (serial) this.#busy = false;
        const waiters = this.#waiters;
        this.#waiters = [];
        for (const w of waiters) w();
      },
    };
  }
}

/**
 * The stop an earlier record of the same scan implies (a resumed file): the credentials were rejected there, or the
 * account was locked out. A resumed scan then makes no attempt at all, as the interrupted run would not have.
 */
export function gateStopOf(r: Pick<ProbeRecord, 'host' | 'port' | 'auth'>): GateStop | null {
  const a = r.auth;
  if (!a) return null;
  const v = gateVerdictOf(a);
  if (v !== 'rejected' && v !== 'locked_out') return null;
  return { by: hostPortKey(r.host, r.port), why: `${a.failure?.reason ?? a.result} (auth.result ${a.result}, in the file being resumed)` };
}
