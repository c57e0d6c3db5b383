import { defineConfig } from 'vitest/config';

// Tests spawn real git, shells and CLIs; two cores in CI, so keep workers low
// and timeouts generous.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 3,
  },
});
