// A synthetic fleet for the HTML report's size and render figures (bench section `report`, the browser test):
// `n` records made from real ones, `liveShare` of them copies of the lab's live hosts (each with its own address,
// certificate fingerprints, serial and NetBIOS name, as real machines have), the rest copies of a real unreachable
// record. Plain JavaScript so the benchmark and the TypeScript tests share it.

/** 10.x.y.z for the i-th host (10.0.0.1, 10.0.0.2, ...). */
export function syntheticAddress(i) {
  const n = i + 1;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

const hex = (i, len) => i.toString(16).toUpperCase().padStart(len, '0').slice(-len);

/** Give a copied live record its own identity: certificate fingerprints and serial, NetBIOS and DNS names. */
function ownIdentity(r, i) {
  const c = r.certificate;
  if (c) {
    r.certificate = {
      ...c,
      serial: hex(i, 16),
      sha1_fingerprint: hex(i, 8) + c.sha1_fingerprint.slice(8),
      sha256_fingerprint: hex(i, 8) + c.sha256_fingerprint.slice(8),
    };
  }
  const ntlm = r.credssp?.ntlm;
  if (ntlm) {
    const name = `SRV${String(i).padStart(5, '0')}`;
    r.credssp = { ...r.credssp, ntlm: { ...ntlm, netbios_computer: name, dns_computer: ntlm.dns_computer ? `${name.toLowerCase()}.${ntlm.dns_domain ?? 'corp'}` : null } };
  }
  return r;
}

/**
 * `n` records, in address order. `live`: records of reachable hosts (status ok); `unreachable`: one record of a
 * host that refused the connection. Fleet findings (duplicates) are left out of the copies: the copies are distinct.
 */
export function* syntheticFleet(live, unreachable, n = 10000, liveShare = 0.1) {
  if (live.length === 0) throw new Error('syntheticFleet needs at least one live record');
  const every = Math.max(1, Math.round(1 / liveShare));
  let l = 0;
  for (let i = 0; i < n; i++) {
    const address = syntheticAddress(i);
    const base = i % every === 0 ? live[l++ % live.length] : unreachable;
    const r = structuredClone(base);
    r.target = address;
    r.host = address;
    r.address = address;
    r.findings = (r.findings ?? []).filter((f) => f.id !== 'cert_duplicate' && f.id !== 'netbios_duplicate');
    yield base.status === 'ok' ? ownIdentity(r, i) : r;
  }
}
