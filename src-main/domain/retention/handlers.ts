import { command, query, type HandlerGroup } from '../../host/registry';
import { exportTarget } from '../../host/transfers';
import { applyRetention, previewRetention } from './actions';
import { createBreach, listBreaches, updateBreach } from './breaches';
import { getPolicies, updatePolicies } from './policies';
import { buildNotice, buildRegister, exportRegister, registerFileName } from './register';
import { reviewRetention } from './review';
import { currentStatus } from './schedule';

export const retentionHandlers: HandlerGroup = {
  'retention.policies': query((_input, { store }) => getPolicies(store)),
  'retention.policies.update': command((input, { store, emit }) => {
    const next = updatePolicies(store, input);
    emit('data.changed', { scope: 'settings' });
    return next;
  }),
  'retention.review': query((input, { store }) => reviewRetention(store, input)),
  'retention.preview': query((input, { store }) => previewRetention(store, input)),
  // not a `command`: the re-consent list streams to a file, which a synchronous transaction cannot await;
  // archive and erase open their own IMMEDIATE transaction inside
  'retention.apply': query(async (input, { store, env, emit }) => {
    const result = await applyRetention(store, input, (name) => exportTarget(env.dataDir, name));
    if (input.action !== 'reconsent') emit('data.changed', { scope: 'contacts' });
    return result;
  }),
  'retention.status': query((_input, { store }) => currentStatus(store)),
  'privacy.register': query((input, { store }) => buildRegister(store, input.language)),
  'privacy.register.export': query(async (input, { store, env }) => {
    const register = buildRegister(store, input.language);
    const path = await exportRegister(register, input.format, exportTarget(env.dataDir, registerFileName(input.format, input.language)));
    return { path, format: input.format };
  }),
  'privacy.notice': query((input, { store }) => buildNotice(store, input.language)),
  'breaches.list': query((_input, { store }) => listBreaches(store)),
  // the home page's 72-hour warning follows the register
  'breaches.create': command((input, { store, emit }) => {
    const breach = createBreach(store, input);
    emit('data.changed', { scope: 'privacy' });
    return breach;
  }),
  'breaches.update': command((input, { store, emit }) => {
    const breach = updateBreach(store, input);
    emit('data.changed', { scope: 'privacy' });
    return breach;
  }),
};
