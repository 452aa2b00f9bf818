import { AppError, defaultSettings, demoInput, type DemoInput } from '../contract';
import { checkIntegrity, listBackups } from '../domain/backup/service';
import { companyHandlers } from '../domain/companies/handlers';
import { consentHandlers } from '../domain/consent/handlers';
import { contactHandlers } from '../domain/contacts/handlers';
import { duplicateHandlers } from '../domain/duplicates/handlers';
import { generateDemo } from '../domain/demo/generator';
import { purchaseHandlers } from '../domain/purchases/handlers';
import { getSettings, updateSettings } from '../domain/settings/service';
import { retentionHandlers } from '../domain/retention/handlers';
import { timelineHandlers } from '../domain/timeline/handlers';
import { transaction } from '../store/db';
import { importHandlers } from '../domain/imports/handlers';
import { privacyHandlers } from '../domain/privacy/handlers';
import { loyaltyHandlers } from '../domain/loyalty/handlers';
import { segmentHandlers } from '../domain/segments/handlers';
import { analyticsHandlers } from '../domain/analytics/handlers';
import { rfmHandlers } from '../domain/analytics/rfm-handlers';
import { attritionHandlers } from '../domain/analytics/attrition-handlers';
import { dashboardHandlers } from '../domain/analytics/dashboard-handlers';
import { combineHandlers, command, job, query, type HandlerContext } from './registry';

/** `onboard`: the first-run choice counts as made only once the demo is fully loaded (a cancel goes back to it). */
const startDemo = (ctx: HandlerContext, input: DemoInput, onboard = false) => {
  const store = ctx.store;
  const parsed = demoInput.parse(input);
  return ctx.startJob('demo', async (j) => {
    const result = await generateDemo(store, parsed, j);
    if (onboard) transaction(store, () => updateSettings(store, { onboarded: true }));
    return result;
  });
};

/** Calls about the app itself: status, first run, settings, jobs, backups, integrity. */
const hostHandlers = combineHandlers({
  'app.status': query((_input, ctx) => ctx.host.status()),
  'app.setup': job((input, ctx) => {
    const store = ctx.store;
    if (getSettings(store).onboarded) throw new AppError('CONFLICT', 'already set up', { reason: 'already_onboarded' });
    if (input.mode === 'demo') return startDemo(ctx, input.demo ?? { customers: 1000 }, true);
    transaction(store, () => updateSettings(store, { onboarded: true }));
    return null;
  }),
  // on the recovery screen the database cannot be read: show the defaults
  'settings.get': query((_input, ctx) =>
    ctx.host.status().state === 'ready' ? getSettings(ctx.store) : structuredClone(defaultSettings),
  ),
  'settings.update': command((input, { store, emit }) => {
    const next = updateSettings(store, input);
    emit('data.changed', { scope: 'settings' });
    return next;
  }),
  'demo.generate': job((input, ctx) => startDemo(ctx, input)),
  'jobs.cancel': query((input, ctx) => ({ cancelled: ctx.host.cancelJob(input.jobId) })),
  'jobs.running': query((_input, ctx) => ctx.host.runningJobs()),
  'jobs.status': query((input, ctx) => ctx.host.jobState(input.jobId)),
  'backup.create': job((_input, ctx) => ctx.host.backup('manual')),
  'backup.list': query((_input, ctx) => listBackups(ctx.host.backupsFolder())),
  'backup.restore': job((input, ctx) => ctx.host.restore(input.file)),
  'store.check': query((input, ctx) => checkIntegrity(ctx.env.dbPath, input.full)),
});

export const handlers = combineHandlers(hostHandlers, contactHandlers, companyHandlers, timelineHandlers, purchaseHandlers, duplicateHandlers, importHandlers, consentHandlers, retentionHandlers, privacyHandlers, loyaltyHandlers, segmentHandlers, analyticsHandlers, attritionHandlers, rfmHandlers, dashboardHandlers);
