#!/usr/bin/env node
// Re-observe every xrdp/freerdp lab server with probe.mjs and compare with lab/servers.json.
// Usage: node lab/tools/verify.mjs   (lab must be running). Exit 1 on any mismatch.
import fs from 'node:fs';
import { probeNeg, probeTls, probeStdSec } from './probe.mjs';
const doc = JSON.parse(fs.readFileSync(new URL('../servers.json', import.meta.url)));
const resp = (r) => r.kind === 'selected' ? `selected:${r.protocol}` : r.kind === 'failure' ? `failure:${r.code}` : r.kind;
let bad = 0;
const check = (name, what, got, want) => {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (!ok) { bad++; console.log(`MISMATCH ${name} ${what}: observed ${JSON.stringify(got)} expected ${JSON.stringify(want)}`); }
};
await Promise.all(doc.servers.filter((s) => s.kind === 'xrdp' || s.kind === 'freerdp').map(async (s) => {
  const neg = await probeNeg(s.address, s.port);
  check(s.name, 'responses', Object.fromEntries(Object.entries(neg).map(([k, v]) => [k, resp(v)])), s.expect.responses);
  const t = await probeTls(s.address, s.port);
  check(s.name, 'tls_versions', Object.entries(t.versions).filter(([, v]) => v.ok).map(([k]) => k), s.expect.tls_versions);
  if (s.expect.observed_certificate) check(s.name, 'certificate', [t.certificate?.subject, t.certificate?.keyBits, t.certificate?.sigAlg], [s.expect.observed_certificate.subject, s.expect.observed_certificate.key_bits, s.expect.observed_certificate.signature]);
  if (s.expect.standard_rdp_security) {
    const m = (await probeStdSec(s.address, s.port)).methods;
    check(s.name, 'standard_rdp_security', [m.ALL.encryptionLevel, [...new Set(Object.values(m).map((v) => v.encryptionMethod))]], [s.expect.standard_rdp_security.encryption_level, s.expect.standard_rdp_security.encryption_methods]);
  }
  console.log(`checked ${s.name}`);
}));
console.log(bad ? `${bad} mismatch(es)` : 'all expectations observed');
process.exit(bad ? 1 : 0);
