import { command, query, type HandlerGroup } from '../../host/registry';
import { appendAudit } from '../audit/log';
import { checkConsent, consentStatus, objectConsent, recordConsent, withdrawConsent } from './ledger';
import { addWording, ensureDefaultWordings, listWordings } from './wordings';

export const consentHandlers: HandlerGroup = {
  // a command, not a query: the first call on a new base writes the default wordings
  'consent.wordings.list': command((_input, { store, emit }) => {
    const added = ensureDefaultWordings(store);
    if (added > 0) {
      appendAudit(store, { action: 'consent.wordings.defaults', entity: 'consent_wording', detail: { added } });
      emit('data.changed', { scope: 'settings' });
    }
    return listWordings(store);
  }),
  'consent.wordings.add': command((input, { store, emit }) => {
    const wording = addWording(store, input);
    appendAudit(store, { action: 'consent.wording', entity: 'consent_wording', entityId: wording.id, detail: { version: wording.version } });
    emit('data.changed', { scope: 'settings' });
    return wording;
  }),
  'consent.status': query((input, { store }) => consentStatus(store, input.id)),
  'consent.record': command((input, { store, emit }) => {
    const status = recordConsent(store, input);
    emit('data.changed', { scope: 'contacts' });
    return status;
  }),
  'consent.withdraw': command((input, { store, emit }) => {
    const status = withdrawConsent(store, input);
    emit('data.changed', { scope: 'contacts' });
    return status;
  }),
  'consent.object': command((input, { store, emit }) => {
    const status = objectConsent(store, input);
    emit('data.changed', { scope: 'contacts' });
    return status;
  }),
  'consent.check': query((input, { store }) => checkConsent(store, input)),
};
