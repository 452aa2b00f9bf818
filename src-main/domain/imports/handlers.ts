import { job, largeCommand, query, type HandlerGroup } from '../../host/registry';
import { exportTarget } from '../../host/transfers';
import { appendAudit } from '../audit/log';
import { exportContacts, exportFileName } from './export';
import { previewPurchaseImport, removeImportedPurchases, runPurchaseImport } from './purchases';
import { listImports, previewImport, runImport, undoImport } from './service';

export const importHandlers: HandlerGroup = {
  'imports.preview': query((input, { store }) =>
    input.kind === 'purchases' ? previewPurchaseImport(store, input) : previewImport(store, input),
  ),
  'imports.run': job((input, ctx) => {
    const store = ctx.store;
    return ctx.startJob('import', (j) => (input.kind === 'purchases' ? runPurchaseImport(store, input, j) : runImport(store, input, j)));
  }),
  'imports.list': query((_input, { store }) => listImports(store)),
  // one transaction: the purchases a purchase import added go first, then the shared bookkeeping (and its checks)
  'imports.undo': largeCommand((input, { store, emit }) => {
    removeImportedPurchases(store, input.importId);
    const undone = undoImport(store, input.importId);
    // open lists and contact pages hold rows this undo removed or put back
    emit('data.changed', { scope: 'contacts' });
    return undone;
  }),
  'contacts.export': query(async (input, { store, env }) => {
    const result = await exportContacts(store, { ...input, path: input.path ?? exportTarget(env.dataDir, exportFileName(input.format)) });
    // personal data leaving the app is what the audit log is for (counts only)
    appendAudit(store, {
      action: 'contacts.export',
      detail: { format: input.format, rows: result.rows, ...(input.marketing ? { marketing: input.marketing, excluded: result.excluded } : {}) },
    });
    return result;
  }),
};
