import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import net from 'node:net';

// Needs a running lab: `bash lab/lab.sh start`, then `RDPROBE_LAB=1 npx vitest run test/lab`.
const enabled = process.env.RDPROBE_LAB === '1';

interface LabServer {
  name: string;
  address: string;
  port: number;
  kind: string;
}

const servers: LabServer[] = (
  JSON.parse(readFileSync(new URL('../../lab/servers.json', import.meta.url), 'utf8')) as { servers: LabServer[] }
).servers;

function tcpConnect(host: string, port: number): Promise<'open' | string> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve('timeout');
    }, 3000);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve('open');
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code ?? String(err));
    });
  });
}

describe.skipIf(!enabled)('lab servers are reachable', () => {
  for (const s of servers) {
    if (s.kind === 'closed') {
      it(`${s.name} ${s.address}:${s.port} refuses connections`, async () => {
        expect(await tcpConnect(s.address, s.port)).toBe('ECONNREFUSED');
      });
    } else {
      it(`${s.name} ${s.address}:${s.port} accepts TCP`, async () => {
        expect(await tcpConnect(s.address, s.port)).toBe('open');
      });
    }
  }
});
