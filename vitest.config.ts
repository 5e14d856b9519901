import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI tests run dist/: build it from the sources under test first (test/setup/build.ts).
    globalSetup: ['test/setup/build.ts'],
    // Integration tests talk to real lab servers over loopback; give them room but never hang forever.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
