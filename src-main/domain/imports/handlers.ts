import path from 'node:path';
import { job, query, type HandlerGroup, type JobContext } from '../../host/registry';
import { exportTarget } from '../../host/transfers';
import { appendAudit } from '../audit/log';
import { exportContacts, exportFileName } from './export';
import { previewPurchaseImport, runPurchaseImport } from './purchases';
import { listImports, previewImport, runImport } from './service';
import { checkUndoable, undoImport } from './undo';

export const importHandlers: HandlerGroup = {
  'imports.preview': query((input, { store }) =>
    input.kind === 'purchases' ? previewPurchaseImport(store, input) : previewImport(store, input),
  ),
  'imports.run': job((input, ctx) => {
    const store = ctx.store;
    const run = (j: JobContext) => (input.kind === 'purchases' ? runPurchaseImport(store, input, j) : runImport(store, input, j));
    // a dry run only lives on its page; an import goes on when the user leaves it, and the page finds it again
    return ctx.startJob('import', run, input.dryRun ? undefined : { type: 'import', kind: input.kind, file: path.basename(input.path) });
  }),
  'imports.list': query((_input, { store }) => listImports(store)),
  // a refusal is the call's answer; the undo itself is a job of the import kind: never beside an import
  'imports.undo': job((input, ctx) => {
    const store = ctx.store;
    checkUndoable(store, input.importId);
    return ctx.startJob('import', (j) => undoImport(store, input.importId, j), { type: 'undo', importId: input.importId });
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
