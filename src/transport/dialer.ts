import net from 'node:net';
import type { Duplex } from 'node:stream';
import { TransportError, classifySocketError } from './errors.js';

/**
 * Opens one byte stream to a server. The real one is TCP; tests replay recorded server answers through a
 * fake dialer that hands back an in-memory Duplex. Probes never touch node:net directly.
 */
export type Dialer = (address: string, port: number, timeoutMs: number, byDeadline: boolean) => Promise<Duplex>;

export const tcpDialer: Dialer = (address, port, timeoutMs, byDeadline) =>
  new Promise<Duplex>((resolve, reject) => {
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
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(classifySocketError(err));
    });
  });
