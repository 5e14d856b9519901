/**
 * The connections the clients check makes: one per distinct offer. Profiles whose RDP_NEG_REQ, ClientHello (all
 * but the parts drawn fresh per connection) and Standard RDP Security methods are the same send the same bytes,
 * so they share one connection and its answer. Pure: no I/O.
 */
import type { ClientHelloSpec } from '../../protocol/tls/client-hello.js';
import { PROTOCOL_HYBRID, PROTOCOL_HYBRID_EX, PROTOCOL_RDSAAD, PROTOCOL_RDSTLS, PROTOCOL_SSL } from '../../protocol/negotiation.js';
import { CLIENT_PROFILES, clientProfile, type ClientProfile, type RequestedProtocolName } from '../clients/index.js';
import { helloIdentity, profileClientHello } from '../clients/hello.js';
import type { EncryptionMethod } from '../record.js';

const PROTOCOL_FLAGS: Readonly<Record<RequestedProtocolName, number>> = {
  PROTOCOL_RDP: 0,
  PROTOCOL_SSL,
  PROTOCOL_HYBRID,
  PROTOCOL_RDSTLS,
  PROTOCOL_HYBRID_EX,
  PROTOCOL_RDSAAD,
};

export interface ClientPlan {
  /** What makes the offer distinct (and the key profiles share it by). */
  key: string;
  /** requestedProtocols of the RDP_NEG_REQ, or null for none at all. */
  requested: number | null;
  /** The hello to send if the server selects a TLS protocol; null when the profile does not say enough to build it. */
  hello: ClientHelloSpec | null;
  /** Standard RDP Security methods to offer if the server selects PROTOCOL_RDP; null when unknown or not spoken. */
  methods: EncryptionMethod[] | null;
  profiles: string[];
}

/** The value `--clients all` and a policy use for every profile. */
export const ALL_CLIENTS = 'all';

/** The profiles named in `ids` (profile ids or `all`), in report order, each once. Unknown ids are ignored here. */
export function selectedProfiles(ids: readonly string[] | undefined): ClientProfile[] {
  if (!ids || ids.length === 0) return [];
  if (ids.includes(ALL_CLIENTS)) return [...CLIENT_PROFILES];
  const want = new Set(ids);
  return CLIENT_PROFILES.filter((p) => want.has(p.id));
}

/** The ids in `ids` that name no profile (for the one-line usage error). */
export function unknownClientIds(ids: readonly string[]): string[] {
  return ids.filter((id) => id !== ALL_CLIENTS && clientProfile(id) === undefined);
}

function requestedFlags(p: ClientProfile): number | null {
  const names = p.requested_protocols.value;
  return names.length === 0 ? null : names.reduce((acc, n) => acc | PROTOCOL_FLAGS[n], 0);
}

function methodsOf(p: ClientProfile): EncryptionMethod[] | null {
  return p.standard_rdp_security.supported.value === true ? p.standard_rdp_security.encryption_methods.value : null;
}

/** One plan per distinct offer, in the order of the profiles' first appearance. */
export function clientPlans(profiles: readonly ClientProfile[], serverName: string): ClientPlan[] {
  const plans = new Map<string, ClientPlan>();
  for (const p of profiles) {
    const requested = requestedFlags(p);
    const hello = profileClientHello(p, serverName);
    const methods = methodsOf(p);
    const key = JSON.stringify([requested, hello ? helloIdentity(hello) : null, methods]);
    const plan = plans.get(key);
    if (plan) plan.profiles.push(p.id);
    else plans.set(key, { key, requested, hello, methods, profiles: [p.id] });
  }
  return [...plans.values()];
}

/** A plan that sends nothing after the X.224 answer: it can reuse another plan's answer to the same request. */
export function negotiationOnly(plan: ClientPlan): boolean {
  return plan.hello === null && plan.methods === null;
}

/**
 * The most TCP connections the check may open for `ids`: one per plan that needs its own connection, plus one per
 * distinct Standard RDP Security retry (after SSL_NOT_ALLOWED_BY_SERVER). Plans that stop at the X.224 answer are
 * counted too (they reuse another plan's answer when there is one).
 */
export function clientsConnectionBudget(ids: readonly string[] | undefined): number {
  const key = (ids ?? []).join(',');
  let n = budgets.get(key);
  if (n === undefined) {
    const plans = clientPlans(selectedProfiles(ids), 'budget.invalid');
    const retries = new Set(plans.filter((p) => p.methods !== null).map((p) => p.methods!.join(',')));
    n = plans.length + retries.size;
    budgets.set(key, n);
  }
  return n;
}
/** Budgets by --clients list: the scheduler asks once per host. */
const budgets = new Map<string, number>();
