/**
 * `rdprobe diff a b -f html`: the before/after comparison as a page in the scan report's style (the page's shell
 * and program live with the other HTML pieces in src/output/html/). The ScanDiff travels as escaped JSON and is
 * put on the page with DOM APIs only, like the scan report's records.
 */
import { dataScript, jsonForScript, pageEnd, pageStart } from '../output/html/page.js';
import { DIFF_APP_JS, DIFF_BODY } from '../output/html/diff-app.js';
import type { ScanDiff } from './diff.js';

export interface DiffPageMeta {
  /** The two scan files as the user named them. */
  before: string;
  after: string;
  version: string;
  generated_at: string;
}

export function formatDiffHtml(diff: ScanDiff, meta: DiffPageMeta): string {
  return (
    pageStart('rdprobe diff report', DIFF_BODY, DIFF_APP_JS) +
    dataScript('rdprobe-diff-meta', jsonForScript(meta)) +
    dataScript('rdprobe-diff', jsonForScript(diff)) +
    pageEnd(DIFF_APP_JS)
  );
}
