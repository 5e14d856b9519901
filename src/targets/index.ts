/**
 * Targets: what the user wants scanned, as a lazy, deduplicated, excluded, sharded stream of (host, port).
 * spec.ts documents the item syntaxes, expand.ts labels, dedupe, excludes, counting and sharding,
 * file.ts the targets-file format.
 */
export { TargetError, isTargetError, type TargetErrorKind } from './errors.js';
export {
  HUGE_LIMIT,
  MAX_SHARDS,
  parseTargetSpec,
  parseExcludeSpec,
  parsePorts,
  parseShard,
  type TargetSpec,
  type NameSpec,
  type AddressSpec,
  type ExcludeSpec,
  type ParseOptions,
  type Shard,
} from './spec.js';
export {
  expandTargets,
  expandTargetsSync,
  countTargets,
  shardOf,
  targetHash,
  targetKey,
  targetScope,
  addressExcluded,
  type Target,
  type ExpandOptions,
} from './expand.js';
export { readTargetLines, readTargetsFile, MAX_LINE_LENGTH, type ReadTargetOptions } from './file.js';
export { formatIPv6, formatIPv4, parseIPv4, parseIPv6 } from './address.js';
