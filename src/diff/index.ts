/** Public API of the diff module (`rdprobe diff`, `rdprobe scan --baseline`). See docs/policy.md. */
export { loadScan, parseScan, ScanFileError, type LoadedScan } from './load.js';
export {
  diffScans,
  diffExitCode,
  NOT_MEASURED_AFTER,
  NOT_MEASURED_BEFORE,
  NOT_COMPARABLE,
  type Change,
  type ChangeKind,
  type DiffOptions,
  type DiffValue,
  type HostDiff,
  type ScanDiff,
} from './diff.js';
export { formatDiffTable, diffToJson } from './format.js';
export { formatDiffHtml, type DiffPageMeta } from './html.js';
