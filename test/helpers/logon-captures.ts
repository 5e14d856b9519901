/** Recorded logon flows of the lab servers (test/fixtures/logon/*.txt): `client <hex>` / `server <hex>` lines after MCS Connect. */
import { readFileSync } from 'node:fs';
import { fromHex } from '../../protocol/writer.js';

export interface CapturedFrame {
  from: 'client' | 'server';
  bytes: Uint8Array;
}

export function logonCapture(name: 'freerdp-shadow-2.11' | 'xrdp-0.9.21-tls'): CapturedFrame[] {
  const text = readFileSync(new URL(`../fixtures/logon/${name}.txt`, import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const [from, hex] = l.trim().split(/\s+/);
      if ((from !== 'client' && from !== 'server') || !hex) throw new Error(`bad capture line: ${l.slice(0, 40)}`);
      return { from, bytes: fromHex(hex) };
    });
}

/** The server frames of a capture whose MCS user data starts with the given hex (e.g. a PDU type), by index. */
export const serverFrames = (name: Parameters<typeof logonCapture>[0]): Uint8Array[] => logonCapture(name).filter((f) => f.from === 'server').map((f) => f.bytes);
