import { nameOf } from '../writer.js';

/**
 * IANA "TLS Supported Groups" registry (tls-parameters-8; RFC 8422 5.1.1 for the elliptic curves, RFC 7919 for
 * ffdhe, RFC 8446 4.2.7, RFC 8734 brainpool TLS 1.3, RFC 9189 GOST, RFC 8998 SM2, draft-ietf-tls-mlkem and
 * draft-ietf-tls-ecdhe-mlkem for the post-quantum values) and "EC Point Format" (tls-parameters-9, RFC 8422 5.1.2).
 */
export type GroupKind = 'ec' | 'ecx' /* RFC 7748 curves */ | 'ffdhe' | 'pq' | 'hybrid' | 'explicit';

export interface NamedGroupInfo {
  id: number;
  name: string;
  kind: GroupKind;
  /** Field / prime size in bits (ffdhe2048: 2048, secp256r1: 256, x25519: 255); 0 where not meaningful. */
  bits: number;
  /** RFC 8422 5.1.1 deprecated the binary and sub-256 curves; RFC 8446 dropped every curve but these. */
  legacy: boolean;
}

const G = (id: number, name: string, kind: GroupKind, bits: number, legacy = false): NamedGroupInfo => ({ id, name, kind, bits, legacy });

export const SECP256R1 = 0x0017; // 23
export const SECP384R1 = 0x0018; // 24
export const SECP521R1 = 0x0019; // 25
export const X25519 = 0x001d; // 29
export const X448 = 0x001e; // 30
export const FFDHE2048 = 0x0100; // 256, RFC 7919
export const FFDHE3072 = 0x0101;
export const FFDHE4096 = 0x0102;
export const FFDHE6144 = 0x0103;
export const FFDHE8192 = 0x0104;

export const NAMED_GROUPS: ReadonlyMap<number, NamedGroupInfo> = new Map(
  [
    G(1, 'sect163k1', 'ec', 163, true), G(2, 'sect163r1', 'ec', 163, true), G(3, 'sect163r2', 'ec', 163, true),
    G(4, 'sect193r1', 'ec', 193, true), G(5, 'sect193r2', 'ec', 193, true), G(6, 'sect233k1', 'ec', 233, true),
    G(7, 'sect233r1', 'ec', 233, true), G(8, 'sect239k1', 'ec', 239, true), G(9, 'sect283k1', 'ec', 283, true),
    G(10, 'sect283r1', 'ec', 283, true), G(11, 'sect409k1', 'ec', 409, true), G(12, 'sect409r1', 'ec', 409, true),
    G(13, 'sect571k1', 'ec', 571, true), G(14, 'sect571r1', 'ec', 571, true), G(15, 'secp160k1', 'ec', 160, true),
    G(16, 'secp160r1', 'ec', 160, true), G(17, 'secp160r2', 'ec', 160, true), G(18, 'secp192k1', 'ec', 192, true),
    G(19, 'secp192r1', 'ec', 192, true), G(20, 'secp224k1', 'ec', 224, true), G(21, 'secp224r1', 'ec', 224, true),
    G(22, 'secp256k1', 'ec', 256, true),
    G(SECP256R1, 'secp256r1', 'ec', 256), G(SECP384R1, 'secp384r1', 'ec', 384), G(SECP521R1, 'secp521r1', 'ec', 521),
    G(26, 'brainpoolP256r1', 'ec', 256, true), G(27, 'brainpoolP384r1', 'ec', 384, true), G(28, 'brainpoolP512r1', 'ec', 512, true),
    G(X25519, 'x25519', 'ecx', 255), G(X448, 'x448', 'ecx', 448),
    G(31, 'brainpoolP256r1tls13', 'ec', 256), G(32, 'brainpoolP384r1tls13', 'ec', 384), G(33, 'brainpoolP512r1tls13', 'ec', 512),
    G(34, 'GC256A', 'ec', 256), G(35, 'GC256B', 'ec', 256), G(36, 'GC256C', 'ec', 256), G(37, 'GC256D', 'ec', 256),
    G(38, 'GC512A', 'ec', 512), G(39, 'GC512B', 'ec', 512), G(40, 'GC512C', 'ec', 512), G(41, 'curveSM2', 'ec', 256),
    G(FFDHE2048, 'ffdhe2048', 'ffdhe', 2048), G(FFDHE3072, 'ffdhe3072', 'ffdhe', 3072), G(FFDHE4096, 'ffdhe4096', 'ffdhe', 4096),
    G(FFDHE6144, 'ffdhe6144', 'ffdhe', 6144), G(FFDHE8192, 'ffdhe8192', 'ffdhe', 8192),
    G(0x0200, 'MLKEM512', 'pq', 0), G(0x0201, 'MLKEM768', 'pq', 0), G(0x0202, 'MLKEM1024', 'pq', 0),
    G(0x11eb, 'SecP256r1MLKEM768', 'hybrid', 0), G(0x11ec, 'X25519MLKEM768', 'hybrid', 0), G(0x11ed, 'SecP384r1MLKEM1024', 'hybrid', 0),
    G(0x6399, 'X25519Kyber768Draft00', 'hybrid', 0, true), G(0x639a, 'SecP256r1Kyber768Draft00', 'hybrid', 0, true),
    G(0xff01, 'arbitrary_explicit_prime_curves', 'explicit', 0, true), G(0xff02, 'arbitrary_explicit_char2_curves', 'explicit', 0, true),
  ].map((g) => [g.id, g]),
);

export const NAMED_GROUP_NAMES: Readonly<Record<number, string>> = Object.fromEntries([...NAMED_GROUPS.values()].map((g) => [g.id, g.name]));

export function namedGroupName(id: number): string {
  return nameOf(NAMED_GROUP_NAMES, id, 4);
}

// ECPointFormat, RFC 8422 5.1.2.
export const EC_POINT_FORMAT_UNCOMPRESSED = 0;
export const EC_POINT_FORMAT_ANSIX962_COMPRESSED_PRIME = 1;
export const EC_POINT_FORMAT_ANSIX962_COMPRESSED_CHAR2 = 2;
export const EC_POINT_FORMAT_NAMES: Readonly<Record<number, string>> = {
  [EC_POINT_FORMAT_UNCOMPRESSED]: 'uncompressed',
  [EC_POINT_FORMAT_ANSIX962_COMPRESSED_PRIME]: 'ansiX962_compressed_prime',
  [EC_POINT_FORMAT_ANSIX962_COMPRESSED_CHAR2]: 'ansiX962_compressed_char2',
};
