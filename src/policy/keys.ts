/**
 * Key strength compared across key types. RSA/DSA key sizes are used as they are; elliptic-curve keys are
 * converted to the RSA size of equal strength (NIST SP 800-57 Part 1, table 2), so `min_key_bits: 2048` does not
 * reject a P-256 certificate.
 */
export function isEllipticKey(keyType: string | null | undefined): boolean {
  if (!keyType) return false;
  return /\b(ec|ecc|ecdsa|ecdh|ecpublickey|ed25519|ed448|x25519|x448)\b/i.test(keyType) || /^ec/i.test(keyType);
}

/** RSA-equivalent bits, or null when the size is unknown. */
export function rsaEquivalentBits(keyType: string | null | undefined, keyBits: number | null | undefined): number | null {
  if (keyBits === null || keyBits === undefined) return null;
  if (!isEllipticKey(keyType)) return keyBits;
  if (keyBits >= 512) return 15360;
  if (keyBits >= 384) return 7680;
  if (keyBits >= 256) return 3072;
  if (keyBits >= 224) return 2048;
  if (keyBits >= 160) return 1024;
  return keyBits * 4;
}
