/**
 * The per-host answer gate (src/scan/runner.ts, UNANSWERED_PER_HOST): at most that many connections to one host wait
 * for the server's first byte at once, so a server with a short listen queue (xrdp: backlog 2) never has SYNs
 * dropped by a burst of our connects. A scripted local server stands in for the server: it counts the connections
 * it accepted and has not yet answered, which is exactly what the gate bounds.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { answerPaced, UNANSWERED_PER_HOST } from '../../src/scan/runner.js';
import { Slots } from '../../src/scan/slots.js';
import { tcpDialer } from '../../src/transport/dialer.js';

const servers: net.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A server that answers each connection with one byte after `delayMs`, or (silent) closes it without a byte. */
async function server(delayMs: number, silent = false): Promise<{ port: number; maxUnanswered: () => number; accepted: () => number }> {
  let unanswered = 0;
  let max = 0;
  let accepted = 0;
  const s = net.createServer((c) => {
    accepted++;
    unanswered++;
    max = Math.max(max, unanswered);
    c.on('error', () => {});
    setTimeout(() => {
      unanswered--;
      if (silent) c.destroy();
      else c.write(Buffer.from([3]));
    }, delayMs);
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { port: (s.address() as net.AddressInfo).port, maxUnanswered: () => max, accepted: () => accepted };
}

describe('answer gate', () => {
  it(`12 connections opened at once: all connect, never more than ${UNANSWERED_PER_HOST} unanswered at the server`, async () => {
    const srv = await server(30);
    const dial = answerPaced(tcpDialer, new Slots(UNANSWERED_PER_HOST));
    const sockets = await Promise.all(
      Array.from({ length: 12 }, () =>
        dial('127.0.0.1', srv.port, 5000, false).then(
          (s) =>
            new Promise<net.Socket>((resolve) => {
              s.once('data', () => resolve(s as net.Socket));
            }),
        ),
      ),
    );
    expect(sockets).toHaveLength(12);
    expect(srv.accepted()).toBe(12);
    expect(srv.maxUnanswered()).toBeLessThanOrEqual(UNANSWERED_PER_HOST);
    // The gate is a bound, not a queue of one: it did let several wait at once.
    expect(srv.maxUnanswered()).toBeGreaterThan(1);
    for (const s of sockets) s.destroy();
  });

  it('a connection closed without a byte gives its slot back; a failed connect too', async () => {
    const srv = await server(10, true);
    const gate = new Slots(1);
    const dial = answerPaced(tcpDialer, gate);
    for (let i = 0; i < 3; i++) {
      const s = await dial('127.0.0.1', srv.port, 5000, false);
      await new Promise((r) => s.once('close', r));
    }
    expect(gate.active).toBe(0);
    // Nothing listens on port 1 of 127.0.0.1 here: refused, and the slot is free again.
    await expect(dial('127.0.0.1', 1, 2000, false)).rejects.toThrow();
    expect(gate.active).toBe(0);
  });
});
