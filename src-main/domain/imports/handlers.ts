import { command, job, query, type HandlerGroup } from '../../host/registry';
import { exportTarget } from '../../host/transfers';
import { exportContacts, exportFileName } from './export';
import { listImports, previewImport, runImport, undoImport } from './service';

export const importHandlers: HandlerGroup = {
  'imports.preview': query((input, { store }) => previewImport(store, input)),
  'imports.run': job((input, ctx) => {
    const store = ctx.store;
    return ctx.startJob('import', (j) => runImport(store, input, j));
  }),
  'imports.list': query((_input, { store }) => listImports(store)),
  'imports.undo': command((input, { store }) => undoImport(store, input.importId)),
  'contacts.export': query((input, { store, env }) =>
    exportContacts(store, { ...input, path: input.path ?? exportTarget(env.dataDir, exportFileName(input.format)) }),
  ),
};
