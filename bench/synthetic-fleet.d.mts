// Types of synthetic-fleet.mjs for the TypeScript tests that use it (test/report/).
export function syntheticAddress(i: number): string;
export function syntheticFleet<R extends { status: string }>(live: readonly R[], unreachable: R, n?: number, liveShare?: number): Generator<R>;
