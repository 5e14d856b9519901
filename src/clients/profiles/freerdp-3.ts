// FreeRDP 3.x clients (xfreerdp3, sdl-freerdp, wlfreerdp3) with default options. Not recorded here (no FreeRDP 3
// package on this Debian 12 machine): facts come from the source code and, for what OpenSSL decides, from the
// FreeRDP 2.11 recording on the same OpenSSL. 3.27.0 raised the defaults, hence two profiles.

import { fact, type ClientProfile, type Source } from '../profile.js';
import {
  FREERDP_CERT_PROMPT,
  FREERDP_NO_ORACLE_REFUSAL,
  FREERDP_2,
  OPENSSL3_SECLEVEL1_TLS12,
} from './freerdp-2.js';

const SETTINGS_3_30 = 'https://github.com/FreeRDP/FreeRDP/blob/3.30.0/libfreerdp/core/settings.c';

const SECURITY_DEFAULTS_3: Source = {
  kind: 'source_code',
  text:
    'FreeRDP 3.30.0 libfreerdp/core/settings.c (freerdp_settings_new): NlaSecurity, TlsSecurity, RdpSecurity TRUE; ' +
    'ExtSecurity, RdstlsSecurity, AadSecurity FALSE; NegotiateSecurityLayer TRUE: requestedProtocols SSL|HYBRID, as 2.x.',
  url: SETTINGS_3_30,
};

const OPENSSL_LIST_LIKE_2: Source = {
  kind: 'inference',
  text:
    'FreeRDP sets no cipher list by default (AllowedTlsCiphers unset), so the ClientHello lists the linked OpenSSL\'s ' +
    'defaults; with OpenSSL 3.0 that is the list recorded from FreeRDP 2.11 (captures/xfreerdp-2.11-handshake.json). ' +
    'Likely the same for FreeRDP 3 on OpenSSL 3.0; another OpenSSL (or LibreSSL, mbedTLS builds) differs.',
};

const CERT_3: Source = {
  ...FREERDP_CERT_PROMPT,
  kind: 'inference',
  text:
    'FreeRDP 2.11 prompts on an untrusted, expired or mismatched certificate (captures/xfreerdp-2.11-lab-results.json); ' +
    'FreeRDP 3 keeps the interactive prompt in client/common/client.c and adds /cert:tofu and /cert:deny: likely the same.',
};

/** Defaults of FreeRDP 3.0 to 3.26: the TLS surface of 2.x. */
export const FREERDP_3_PRE_3_27: ClientProfile = {
  id: 'freerdp-3-pre-3-27',
  name: 'FreeRDP 3.0-3.26 (xfreerdp3 / sdl-freerdp), default options',
  population: fact('Linux users and thin clients on distributions that ship FreeRDP 3 before 3.27 (Debian 13, Ubuntu 24.04-era)', {
    kind: 'inference',
    text: 'Distribution package versions, not checked per distribution.',
  }),
  severity: fact('medium', { kind: 'inference', text: 'rdprobe judgement, as freerdp-2.' }),
  requested_protocols: fact(['PROTOCOL_SSL', 'PROTOCOL_HYBRID'], SECURITY_DEFAULTS_3),
  standard_rdp_security: {
    supported: fact(true, SECURITY_DEFAULTS_3),
    encryption_methods: fact(['40bit', '128bit', '56bit', 'fips'], {
      kind: 'source_code',
      text: 'FreeRDP 3.30.0 libfreerdp/core/nego.c: when PROTOCOL_RDP is selected and no method was set, all four (0x1b).',
      url: 'https://github.com/FreeRDP/FreeRDP/blob/3.30.0/libfreerdp/core/nego.c',
    }),
  },
  tls: {
    versions: fact(['tls1.0', 'tls1.1', 'tls1.2', 'tls1.3'], {
      kind: 'source_code',
      text:
        'FreeRDP 3.0.0 to 3.26 libfreerdp/core/settings.c: TLSMinVersion TLS1_VERSION, TlsSecLevel 1 (unchanged from ' +
        '2.x); the maximum is the library\'s (TLS 1.3 with OpenSSL 3). Offered is not accepted: see freerdp-2 for ' +
        'TLS 1.0-only servers.',
      url: 'https://github.com/FreeRDP/FreeRDP/blob/3.26.0/libfreerdp/core/settings.c',
    }),
    cipher_suites: fact(FREERDP_2.tls.cipher_suites.value, OPENSSL_LIST_LIKE_2),
    groups: fact(FREERDP_2.tls.groups.value, OPENSSL_LIST_LIKE_2),
    signature_algorithms: fact(FREERDP_2.tls.signature_algorithms.value, OPENSSL_LIST_LIKE_2),
    extensions: fact(FREERDP_2.tls.extensions.value, OPENSSL_LIST_LIKE_2),
    completes_versions: fact(['tls1.2', 'tls1.3'], {
      kind: 'inference',
      text:
        `TlsSecLevel 1 is unchanged from 2.x before 3.27 (libfreerdp/core/settings.c), and with OpenSSL 3 linked: ` +
        `${OPENSSL3_SECLEVEL1_TLS12.text} Builds on OpenSSL 1.1 would complete TLS 1.0 and 1.1 too: likely.`,
    }),
  },
  credssp: {
    tsrequest_version: fact(6, {
      kind: 'source_code',
      text: 'FreeRDP 3.30.0 libfreerdp/core/nla.c (nla_new): nla->version = 6.',
      url: 'https://github.com/FreeRDP/FreeRDP/blob/3.30.0/libfreerdp/core/nla.c',
    }),
    oracle_remediation_patched: fact(true, {
      kind: 'source_code',
      text: 'FreeRDP 3.30.0 libfreerdp/core/nla.c sends clientNonce and the nonce-bound public-key hash to version 5+ peers.',
      url: 'https://github.com/FreeRDP/FreeRDP/blob/3.30.0/libfreerdp/core/nla.c',
    }),
    refuses_unpatched_server: fact(false, FREERDP_NO_ORACLE_REFUSAL),
  },
  insists_on_nla: fact(false, SECURITY_DEFAULTS_3),
  certificate_handling: {
    untrusted: fact('warn', CERT_3),
    expired: fact('warn', CERT_3),
    name_mismatch: fact('warn', CERT_3),
  },
};

const RAISED_DEFAULTS: Source = {
  kind: 'source_code',
  text:
    'FreeRDP commit c09281f34 "[core,settings] Raise default security level" (first in 3.27.0), ' +
    'libfreerdp/core/settings.c: TLSMinVersion TLS1_2_VERSION and TlsSecLevel FREERDP_TLS_SECLEVEL_112BIT (2); the ' +
    'commit says older Windows servers now need /tls:seclevel:X,enforce:1.X. Maximum is the library\'s (1.3 with OpenSSL 3).',
  url: SETTINGS_3_30,
};

/** Defaults from FreeRDP 3.27.0 on: TLS 1.2 minimum, OpenSSL security level 2. */
export const FREERDP_3: ClientProfile = {
  ...FREERDP_3_PRE_3_27,
  id: 'freerdp-3',
  name: 'FreeRDP 3.27 and later (xfreerdp3 / sdl-freerdp), default options',
  population: fact('Linux users, thin clients and Flatpak/Homebrew builds that follow current FreeRDP releases', {
    kind: 'inference',
    text: 'Rolling distributions and Flatpak follow upstream releases; 3.27.0 is the first with the raised defaults.',
  }),
  tls: {
    // No completes_versions: from 3.27 on the hello itself offers only what the client completes.
    cipher_suites: FREERDP_3_PRE_3_27.tls.cipher_suites,
    groups: FREERDP_3_PRE_3_27.tls.groups,
    extensions: FREERDP_3_PRE_3_27.tls.extensions,
    versions: fact(['tls1.2', 'tls1.3'], RAISED_DEFAULTS),
    signature_algorithms: fact(FREERDP_2.tls.signature_algorithms.value, {
      kind: 'inference',
      text:
        'The FreeRDP 2.11 recording at security level 1 already has no SHA-1 signature scheme (those appear only at ' +
        'level 0: captures/xfreerdp-2.11-handshake.json, connection 7), so level 2 likely sends the same list.',
    }),
  },
};
