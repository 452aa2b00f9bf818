import fs from 'node:fs';
import path from 'node:path';
import { AppError, confirmationMatches, erasureConfirmation } from '../../contract';
import { command, query, type HandlerGroup } from '../../host/registry';
import { exportsDir, exportTarget } from '../../host/transfers';
import { prepared, refuseDuringJob, transaction, type Store } from '../../store/db';
import { listAudit } from '../audit/list';
import { accessFileName, writeAccessExport } from './access';
import { eraseContacts, forgetErasedBytes } from './erasure';
import { closeRequest, createRequest, extendRequest, listRequests, overdueRequests } from './requests';

type Person = { id: number; first_name: string | null; last_name: string | null; email: string | null };

const person = (store: Store, id: number): Person => {
  const row = prepared(store.sqlite, 'SELECT id, first_name, last_name, email FROM contacts WHERE id = ?').get(id) as Person | undefined;
  if (!row) throw new AppError('NOT_FOUND', `contact ${id} not found`, { entity: 'contact', id });
  return row;
};

/** An access export handed over earlier is the person's data too: it goes with them. */
const removeAccessExports = (dataDir: string, contactId: number): void => {
  const root = exportsDir(dataDir);
  let folders: string[];
  try {
    folders = fs.readdirSync(root);
  } catch {
    return;
  }
  const prefix = `comptoir-acces-${contactId}-`;
  for (const folder of folders) {
    const dir = path.join(root, folder);
    try {
      if (fs.readdirSync(dir).some((f) => f.startsWith(prefix))) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // not a folder, or already gone
    }
  }
};

export const privacyHandlers: HandlerGroup = {
  'privacy.requests.list': query((input, { store }) => listRequests(store, input)),
  'privacy.requests.create': command((input, { store, emit }) => {
    const created = createRequest(store, input);
    emit('data.changed', { scope: 'all' });
    return created;
  }),
  'privacy.requests.extend': command((input, { store, emit }) => {
    const r = extendRequest(store, input);
    emit('data.changed', { scope: 'all' });
    return r;
  }),
  'privacy.requests.close': command((input, { store, emit }) => {
    const r = closeRequest(store, input);
    emit('data.changed', { scope: 'all' });
    return r;
  }),
  'privacy.requests.overdue': query((input, { store }) => overdueRequests(store, input.today)),

  /*
   * Not a `command`: the WAL must be checkpointed and truncated after the
   * erasing transaction has committed, which a handler run inside the
   * dispatcher's transaction cannot do. It opens its own, all or nothing.
   */
  'privacy.erase': query((input, { store, env, emit }) => {
    refuseDuringJob(store.sqlite);
    const result = transaction(store, () => {
      const p = person(store, input.contactId);
      const expected = erasureConfirmation({ id: p.id, firstName: p.first_name, lastName: p.last_name, email: p.email });
      if (!confirmationMatches(expected, input.confirmName)) {
        throw new AppError('VALIDATION', 'the name typed does not match', {
          issues: [{ path: 'confirmName', code: 'confirm_mismatch' }],
        });
      }
      if (input.requestId !== undefined && prepared(store.sqlite, 'SELECT 1 FROM privacy_requests WHERE id = ?').get(input.requestId) === undefined) {
        throw new AppError('NOT_FOUND', `request ${input.requestId} not found`, { entity: 'privacy_request', id: input.requestId });
      }
      return eraseContacts(store, [p.id], {
        kind: input.requestId !== undefined ? 'request' : 'user',
        ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
      });
    });
    forgetErasedBytes(store);
    removeAccessExports(env.dataDir, input.contactId);
    emit('data.changed', { scope: 'contacts' });
    return { erased: result.erased, contactId: input.contactId };
  }),

  // a query (it only reads the person) whose one write is its audit line
  'privacy.access': query((input, { store, env }) => {
    // checked before a folder is made for the file
    person(store, input.contactId);
    return writeAccessExport(store, {
      contactId: input.contactId,
      format: input.format,
      requestId: input.requestId,
      path: exportTarget(env.dataDir, accessFileName(input.contactId, input.format)),
    });
  }),

  'audit.list': query((input, { store }) => listAudit(store, input)),
};
