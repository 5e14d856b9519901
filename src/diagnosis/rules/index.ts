/** Every per-host rule, by topic. Order does not matter: diagnose() sorts the findings. */
import type { HostRule } from '../types.js';
import { AUTH_RULES } from './auth.js';
import { CERTIFICATE_RULES } from './certificate.js';
import { CLIENT_RULES } from './clients.js';
import { CREDSSP_RULES } from './credssp.js';
import { IDENTITY_RULES } from './identity.js';
import { NEGOTIATION_RULES } from './negotiation.js';
import { RDP_SECURITY_RULES } from './rdp-security.js';
import { REACHABILITY_RULES } from './reachability.js';
import { TLS_RULES } from './tls.js';
import { TLS_SURFACE_RULES } from './tls-surface.js';
import { UDP_RULES } from './udp.js';

export const HOST_RULES: readonly HostRule[] = [
  ...REACHABILITY_RULES,
  ...NEGOTIATION_RULES,
  ...RDP_SECURITY_RULES,
  ...TLS_RULES,
  ...TLS_SURFACE_RULES,
  ...CERTIFICATE_RULES,
  ...CREDSSP_RULES,
  ...IDENTITY_RULES,
  ...UDP_RULES,
  ...AUTH_RULES,
  ...CLIENT_RULES,
];

