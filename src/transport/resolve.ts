import { TransportError, classifySocketError } from './errors.js';

/**
 * Name -> address through the operating system's resolver (hosts file, DNS, WINS/LLMNR on Windows), as the RDP
 * client would. A name with several addresses is probed once, at the first address the resolver returns.
 */
export async function resolveHost(host: string, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TransportError('timeout', `resolving ${host} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    // Loaded on the first name: a scan of addresses never resolves anything.
    const { lookup } = process.getBuiltinModule('node:dns/promises');
    const r = await Promise.race([lookup(host, { verbatim: true }), timeout]);
    return r.address;
  } catch (e) {
    const err = classifySocketError(e);
    throw err.kind === 'error' || err.kind === 'not_found' ? new TransportError('not_found', err.detail) : err;
  } finally {
    clearTimeout(timer);
  }
}
