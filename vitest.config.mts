import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = { '@contract': resolve(import.meta.dirname, 'src-main/contract/index.ts') };

/*
 * Vitest's default (one worker fewer than the cores) runs the suite one file at a time on a two-core
 * runner: two workers there finish the unit and component tests in 5 min instead of 8. The browser
 * tests keep to one file at a time, in a group of their own that starts after these.
 */
const workers = Math.max(2, availableParallelism() - 1);

/*
 * A limit that catches a hung test, not a slow machine: this runner's speed moves twice over from hour to
 * hour, and a full run there took the longest component flows (a segment built, saved, reopened, renamed and
 * deleted; 10 s alone) past 30 s. Speed has its own figures in `npm run bench`.
 */
const UNIT_TIMEOUT_MS = 90_000;

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: ['default', resolve(import.meta.dirname, 'test/summary-reporter.ts')],
    projects: [
      {
        resolve: { alias },
        test: { name: 'main', environment: 'node', include: ['test/main/**/*.test.ts'], testTimeout: UNIT_TIMEOUT_MS, maxWorkers: workers },
      },
      {
        resolve: { alias },
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['test/renderer/**/*.test.{ts,tsx}'],
          setupFiles: ['test/renderer/setup.ts'],
          testTimeout: UNIT_TIMEOUT_MS,
          maxWorkers: workers,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          setupFiles: ['test/e2e/setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // Chromium on a shared two-core runner: a failed browser test gets one more try there, its
          // failure report (setup.ts) stays in the log and the summary names it as flaky
          retry: process.env.CI ? 1 : 0,
        },
      },
    ],
  },
});
