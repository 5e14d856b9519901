import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MAIN, parseNdjson } from './helpers.js';

// High concurrency against a low file-descriptor limit must queue, not fail: every host gets its real answer
// (refused), none a local EMFILE error. Linux/macOS shell only (ulimit), like the CI that runs it.
describe.runIf(process.platform !== 'win32')('file descriptor exhaustion', () => {
  it('-c 512 under ulimit -n 128: all 256 hosts are probed and refused, nothing reports EMFILE', async () => {
    const { stdout } = await promisify(execFile)('bash', ['-c', `ulimit -n 128 && exec "${process.execPath}" "${MAIN}" scan 127.0.83.0/24 -c 512 -f ndjson -q --timeout 2`], { maxBuffer: 64 << 20, timeout: 60_000 });
    const records = parseNdjson(stdout);
    expect(records).toHaveLength(256);
    for (const r of records) {
      expect(r.status).toBe('unreachable');
      expect(r.failure).toMatchObject({ stage: 'tcp', reason: 'refused' });
    }
    expect(stdout).not.toContain('EMFILE');
  });
});
