// What a real RDP client sends and accepts, as data: the input of the coming handshake simulation ("which of our
// clients can still connect after this change?"). One profile per client population; every fact in it says where
// it comes from, so a verdict built on it can say "will fail" (documented, captured, read in the source code) or
// only "will likely fail" (inferred).

/** Where a fact comes from. */
export type SourceKind =
  /** A vendor document an administrator can look up (Microsoft Learn title, KB number, spec section). */
  | 'documentation'
  /** Bytes recorded from the real client: a file in captures/ (see `capture`). */
  | 'capture'
  /** Read in the client's source code: a file path at a named version or tag. */
  | 'source_code'
  /** Not stated anywhere we found: reasoned from related facts. A verdict built on it must say "likely". */
  | 'inference';

export const SOURCE_KINDS: readonly SourceKind[] = ['documentation', 'capture', 'source_code', 'inference'];

export interface Source {
  kind: SourceKind;
  /** Human-readable: the title or path to look up and what it says, in our words. Never empty. */
  text: string;
  url?: string;
  /** For kind 'capture': which recorded client message holds the fact. */
  capture?: CaptureRef;
}

/**
 * A recording in captures/: with `connection` and `message`, the client bytes at
 * connections[connection].flow[message].client (or .inside_tls[message].client) of a transcript (tests check the profile against them); without,
 * the file as a whole (e.g. the client's logged reaction in captures/xfreerdp-2.11-lab-results.json).
 */
export interface CaptureRef {
  /** File name under captures/, e.g. 'xfreerdp-2.11-handshake.json'. */
  file: string;
  connection?: number;
  message?: number;
  /** 'inside_tls': `message` indexes the connection's inside_tls list (plaintext inside TLS, e.g. a TSRequest). */
  part?: 'flow' | 'inside_tls';
}

/** One fact about a client and its source. `value: null` means unknown (the source then says why). */
export interface Fact<T> {
  value: T;
  source: Source;
}

/** How bad it is when this population is locked out. */
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export type TlsVersion = 'ssl3' | 'tls1.0' | 'tls1.1' | 'tls1.2' | 'tls1.3';

/** requestedProtocols flag names as in protocol/negotiation.ts ([MS-RDPBCGR] 2.2.1.1.1); PROTOCOL_RDP is 0. */
export type RequestedProtocolName =
  | 'PROTOCOL_RDP'
  | 'PROTOCOL_SSL'
  | 'PROTOCOL_HYBRID'
  | 'PROTOCOL_RDSTLS'
  | 'PROTOCOL_HYBRID_EX'
  | 'PROTOCOL_RDSAAD';

/** Standard RDP Security encryption methods as in protocol/rdp-security.ts ([MS-RDPBCGR] 2.2.1.3.3). */
export type EncryptionMethodName = '40bit' | '56bit' | '128bit' | 'fips';

/** What the client does when the server's certificate fails a check: warn (and let the user go on), or refuse. */
export type CertificateAction = 'warn' | 'refuse';

export interface ClientProfile {
  /** Stable kebab-case key, e.g. 'mstsc-win10', 'freerdp-2'. */
  id: string;
  /** Display name: product and version range. */
  name: string;
  /** Who uses it (an administrator's words: "admins on Windows 10 workstations"). */
  population: Fact<string>;
  /** rdprobe's judgement of how bad locking this population out is; its source says why. */
  severity: Fact<Severity>;
  /**
   * requestedProtocols of the client's RDP_NEG_REQ with default settings. An empty list means the client sends
   * no RDP_NEG_REQ at all (X.224 Connection Request without negotiation data: only Standard RDP Security).
   */
  requested_protocols: Fact<RequestedProtocolName[]>;
  /** Whether the client can fall back to Standard RDP Security, and the encryptionMethods of its CS_SECURITY. */
  standard_rdp_security: {
    supported: Fact<boolean | null>;
    encryption_methods: Fact<EncryptionMethodName[] | null>;
  };
  tls: {
    /** Versions the ClientHello offers, lowest first; null when unknown. */
    versions: Fact<TlsVersion[] | null>;
    /**
     * IANA cipher suite ids ('0xc02f') in the order of the ClientHello (TLS_EMPTY_RENEGOTIATION_INFO_SCSV 0x00ff
     * included when sent); null when unknown.
     */
    cipher_suites: Fact<string[] | null>;
    /** supported_groups (IANA named-group ids, '0x001d'), in order; null when unknown. */
    groups: Fact<string[] | null>;
    /** signature_algorithms (IANA SignatureScheme ids, '0x0401'), in order; null when unknown. */
    signature_algorithms: Fact<string[] | null>;
    /** Extension type numbers in ClientHello order; null when unknown. */
    extensions: Fact<number[] | null>;
    /** A recorded ClientHello (TLS record, hex) when there is one: the bytes to replay. */
    client_hello_hex?: Fact<string>;
    /**
     * The versions the client goes on with once the server picks them, when that is fewer than it offers (its TLS
     * library's own limits: OpenSSL 3 at security level 1 offers TLS 1.0 and then aborts the handshake). Absent:
     * every offered version.
     */
    completes_versions?: Fact<TlsVersion[]>;
  };
  credssp: {
    /** TSRequest.version the client sends first ([MS-CSSP] 2.2.1); null when unknown. */
    tsrequest_version: Fact<number | null>;
    /** Whether the client has the CVE-2018-0886 fix (speaks TSRequest 5 or 6 with clientNonce); null when unknown. */
    oracle_remediation_patched: Fact<boolean | null>;
    /**
     * Whether, with default settings, it refuses a server without the fix (TSRequest version below 5): Windows'
     * Encryption Oracle Remediation "Mitigated" default does; FreeRDP falls back. null when unknown.
     */
    refuses_unpatched_server: Fact<boolean | null>;
  };
  /** True when the client refuses a server that does not select CredSSP (HYBRID / HYBRID_EX). */
  insists_on_nla: Fact<boolean>;
  /** Default reaction to a certificate that fails a check, when the connection is made by a person. */
  certificate_handling: {
    untrusted: Fact<CertificateAction>;
    expired: Fact<CertificateAction>;
    name_mismatch: Fact<CertificateAction>;
  };
}

/** Fields of a profile that hold a Fact, as dotted paths (for tests and for citing a fact in a verdict). */
export const FACT_PATHS = [
  'population',
  'severity',
  'requested_protocols',
  'standard_rdp_security.supported',
  'standard_rdp_security.encryption_methods',
  'tls.versions',
  'tls.cipher_suites',
  'tls.groups',
  'tls.signature_algorithms',
  'tls.extensions',
  'credssp.tsrequest_version',
  'credssp.oracle_remediation_patched',
  'credssp.refuses_unpatched_server',
  'insists_on_nla',
  'certificate_handling.untrusted',
  'certificate_handling.expired',
  'certificate_handling.name_mismatch',
] as const;
export type FactPath = (typeof FACT_PATHS)[number];

/** Facts a profile has only where they apply. */
export const OPTIONAL_FACT_PATHS = ['tls.client_hello_hex', 'tls.completes_versions'] as const;
export type OptionalFactPath = (typeof OPTIONAL_FACT_PATHS)[number];

/** The Fact at `path` in `profile` (optional facts such as tls.client_hello_hex: undefined when absent). */
export function factAt(profile: ClientProfile, path: FactPath | OptionalFactPath): Fact<unknown> | undefined {
  let node: unknown = profile;
  for (const key of path.split('.')) node = (node as Record<string, unknown> | undefined)?.[key];
  return node as Fact<unknown> | undefined;
}

/** A fact and its source, in one call: `fact(value, src)`. */
export function fact<T>(value: T, source: Source): Fact<T> {
  return { value, source };
}
