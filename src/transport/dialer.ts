import net from 'node:net';
import type { Duplex } from 'node:stream';
import { TransportError, classifySocketError } from './errors.js';

/**
 * Opens one byte stream to a server. The real one is TCP; tests replay recorded server answers through a
 * fake dialer that hands back an in-memory Duplex. Probes never touch node:net directly.
 */
export type Dialer = (address: string, port: number, timeoutMs: number, byDeadline: boolean) => Promise<Duplex>;

/**
 * How long each stream took to connect, ms. A stream may be connected long before a check uses it (the scan's
 * connect stage opens the first connection of every host), so the connect time travels with the stream.
 */
export const CONNECT_MS = new WeakMap<object, number>();

export const tcpDialer: Dialer = (address, port, timeoutMs, byDeadline) =>
  new Promise<Duplex>((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect({ host: address, port });
    // A socket must always have an error listener: an 'error' without one would crash the whole scan.
    socket.on('error', () => {});
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TransportError(byDeadline ? 'deadline' : 'timeout', `no answer to the TCP connect within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      CONNECT_MS.set(socket, Math.round((performance.now() - started) * 10) / 10);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(classifySocketError(err));
    });
  });
