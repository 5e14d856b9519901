/**
 * A throw-away certificate authority and a leaf it signed, made with openssl at test setup: what an enterprise CA
 * issues for an RDP server, for the --ca-file tests. Not a test file itself.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  caPem: string;
  /** The leaf, for a scripted server ({ key, cert } as startNlaServer takes them). */
  leaf: { key: string; cert: string };
}

/** A CA and a leaf whose subjectAltName lists `sans` (e.g. "IP:127.0.53.40", "DNS:rdp.test"). */
export function makeCa(sans: string[]): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'rdprobe-ca-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  try {
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-subj', '/CN=rdprobe test CA', '-keyout', 'ca.key', '-out', 'ca.pem', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', '/CN=rdp-leaf.test', '-keyout', 'leaf.key', '-out', 'leaf.csr']);
    writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${sans.join(',')}\nextendedKeyUsage=serverAuth\n`);
    run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-sha256', '-days', '2', '-extfile', 'ext.cnf', '-out', 'leaf.pem']);
    return { caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'), leaf: { key: readFileSync(join(dir, 'leaf.key'), 'utf8'), cert: readFileSync(join(dir, 'leaf.pem'), 'utf8') } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
