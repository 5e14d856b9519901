/** docs/findings.md is generated from the catalog; these tests keep the two from drifting apart. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listFindings, renderFindingsMarkdown } from '../../src/diagnosis/index.js';

const DOC = fileURLToPath(new URL('../../docs/findings.md', import.meta.url));

describe('docs/findings.md', () => {
  if (process.env.UPDATE_FINDINGS_DOC === '1') writeFileSync(DOC, renderFindingsMarkdown(listFindings()));
  const doc = readFileSync(DOC, 'utf8');

  it('lists every catalog id with its severity', () => {
    for (const e of listFindings()) expect(doc, e.id).toContain(`| \`${e.id}\` | ${e.severity} |`);
  });

  it('is exactly what the catalog renders (regenerate: UPDATE_FINDINGS_DOC=1 npx vitest run test/diagnosis/docs.test.ts)', () => {
    expect(doc).toBe(renderFindingsMarkdown(listFindings()));
  });
});

describe('README.md', () => {
  it('names every finding id of the catalog in its Findings section', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { listFindings } = await import('../../src/diagnosis/index.js');
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Findings'), readme.indexOf('## Exit codes'));
    const missing = listFindings().map((e) => e.id).filter((id) => !section.includes(`\`${id}\``));
    expect(missing).toEqual([]);
  });
});
