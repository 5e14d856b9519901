/**
 * Named baselines a fleet can be gated against without writing a suite list (`--policy-preset intermediate`): the
 * TLS server profiles of Mozilla's Server Side TLS guidelines, version 5.7 (ssl-config.mozilla.org/guidelines/5.7.json,
 * 2023), turned into rdprobe rules. A policy file and rule flags given with a preset override its rules.
 *
 * The suite lists are checked against the deep mode's list (--tls-suites); without it, a violation the version
 * probes saw still fails the gate, and what could not be seen is `policy_unverified` (it never passes).
 */
import type { PolicyRules } from './types.js';

export interface PolicyPreset {
  name: string;
  source: string;
  rules: Partial<PolicyRules>;
}

const TLS13_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

export const POLICY_PRESETS: Readonly<Record<string, PolicyPreset>> = {
  /** Mozilla "modern": TLS 1.3 only. */
  modern: {
    name: 'modern',
    source: 'preset modern (Mozilla Server Side TLS 5.7)',
    rules: { min_tls: '1.3', forbid_tls: ['ssl2', 'ssl3'], allow_suites: TLS13_SUITES },
  },
  /** Mozilla "intermediate": TLS 1.2 and 1.3, ECDHE/DHE with AEAD only, DH and RSA keys of 2048 bits. */
  intermediate: {
    name: 'intermediate',
    source: 'preset intermediate (Mozilla Server Side TLS 5.7)',
    rules: {
      min_tls: '1.2',
      forbid_tls: ['ssl2', 'ssl3'],
      allow_suites: [
        'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
        'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
        'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
        'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
        'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
        'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
        'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
        'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
        'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
        ...TLS13_SUITES,
      ],
      min_dh_bits: 2048,
      min_key_bits: 2048,
    },
  },
};

export const PRESET_NAMES = Object.keys(POLICY_PRESETS);
