import path from 'node:path';
import { beforeEach, onTestFailed } from 'vitest';
import { liveApps, shots } from './fixtures';

/**
 * A browser test that fails on CI is only seen through its log: say what the
 * screen showed at that moment (route, alerts, field errors, the page's and
 * the server's errors) and keep a screenshot beside the others.
 */
beforeEach(({ task }) => {
  onTestFailed(async () => {
    for (const [i, app] of liveApps().entries()) {
      const name = `FAILED-${task.name.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 60)}-${i}`;
      const seen = await app.page
        .evaluate(() => {
          const visible = (e: Element) => (e as HTMLElement).offsetParent !== null;
          const texts = (selector: string) =>
            [...document.querySelectorAll(selector)]
              .filter(visible)
              .map((e) => (e as HTMLElement).innerText.trim())
              .filter((t) => t !== '');
          return {
            route: window.location.hash,
            alerts: texts('[role="alert"], .mantine-Notification-root'),
            fieldErrors: texts('.mantine-InputWrapper-error'),
          };
        })
        .catch((error: unknown) => ({ unreadable: String(error) }));
      await app.page.screenshot({ path: path.join(shots, `${name}.png`) }).catch(() => undefined);
      console.error(
        `[e2e failure report] ${task.name}\n${JSON.stringify({ ...seen, pageErrors: app.errors, serverLog: app.serverLog().slice(-4000) }, null, 2)}\nscreenshot: ${name}.png`,
      );
    }
  });
});
