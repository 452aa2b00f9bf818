import { command, job, query, type HandlerGroup } from '../../host/registry';
import { appendAudit } from '../audit/log';
import { checkDuplicates } from './check';
import { listDismissed, undismissDuplicate } from './dismissed';
import { dismissDuplicate, findDuplicates } from './finder';
import { mergeContacts, mergePreview } from './merge';
import { listMerges, undoMerge } from './undo';

/**
 * The finder always runs as a job, whatever the base size: one shape for the
 * renderer (progress bar, cancel, result in `job.finished`), and the worker
 * keeps answering the capture form's keystroke checks while it runs.
 */
export const duplicateHandlers: HandlerGroup = {
  'contacts.checkDuplicates': query((input, { store }) => checkDuplicates(store, input)),
  'contacts.mergePreview': query((input, { store }) => mergePreview(store, input.keptId, input.removedId)),
  'contacts.merge': command((input, { store, emit }) => {
    const result = mergeContacts(store, input);
    appendAudit(store, { action: 'contacts.merge', entity: 'contact', entityId: input.keptId, detail: { removedId: input.removedId, mergeId: result.mergeId } });
    emit('data.changed', { scope: 'contacts' });
    return result;
  }),
  'duplicates.find': job((input, ctx) => {
    const store = ctx.store;
    return ctx.startJob('duplicates', (j) => findDuplicates(store, input, j));
  }),
  'duplicates.dismiss': command((input, { store }) => dismissDuplicate(store, input.aId, input.bId)),
  'duplicates.undismiss': command((input, { store }) => undismissDuplicate(store, input.aId, input.bId)),
  'duplicates.dismissed': query((input, { store }) => listDismissed(store, input)),
  'merges.undo': command((input, { store, emit }) => {
    const result = undoMerge(store, input.mergeId);
    appendAudit(store, { action: 'merges.undo', entity: 'merge', entityId: input.mergeId });
    emit('data.changed', { scope: 'contacts' });
    return result;
  }),
  'merges.list': query((input, { store }) => listMerges(store, input)),
};
