import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints the closing line CI reads: `N passed, N failed` (vitest's own
 * summary is not parsed). A browser test that passed only on its CI retry is
 * named above it: a flake stays in sight instead of being lost in a pass.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    const flaky: string[] = [];
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        if (state === 'passed' && test.diagnostic()?.flaky === true) flaky.push(`${mod.moduleId.split('/test/').pop() ?? mod.moduleId} > ${test.fullName}`);
      }
      if (mod.state() === 'failed' && mod.children.size === 0) failed += 1;
    }
    for (const name of flaky) process.stdout.write(`\npassed on a retry (flaky): ${name}`);
    process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  }
}
