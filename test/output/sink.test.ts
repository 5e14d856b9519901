import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OUTPUT_FORMATS, createSink } from '../../src/output/index.js';
import { META, okRecord, runSink } from './factory.js';

describe('createSink', () => {
  it('knows every format and refuses unknown ones', async () => {
    for (const format of OUTPUT_FORMATS) {
      const stream = await runSink(format, [okRecord()], { color: false });
      expect(stream.text.length, format).toBeGreaterThan(0);
    }
    expect(() => createSink('xml' as never, new Writable())).toThrow(/unknown output format/);
  });

  it('rejects when the stream fails a write (EPIPE), so the runner can stop', async () => {
    const broken = new Writable({
      write(_chunk, _enc, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    broken.on('error', () => {}); // the runner's job; keeps the test process alive
    const sink = createSink('ndjson', broken);
    await sink.begin(META);
    await expect(sink.record(okRecord())).rejects.toThrow(/EPIPE/);
  });
});
