import { AppError, consentChannels, consentPurposes, type RetentionApplyResult, type RetentionPreview, type RetentionRule } from '../../contract';
import type { z } from 'zod';
import type { retentionApplyInput, retentionPreviewInput } from '../../contract/retention';
import { prepared, refuseDuringJob, transaction, type Store } from '../../store/db';
import { appendAudit } from '../audit/log';
import { exportContacts } from '../imports/export';
import { archiveContacts } from './archive';
import { eraseDue, forgetErasedBytes } from './erase';
import { getPolicies } from './policies';
import { dueAmong, dueBounds, dueIds } from './review';

type Target = { rule?: RetentionRule | undefined; ids?: number[] | undefined; on?: string | undefined };
type Due = { id: number; rule: RetentionRule; sales: number };

/**
 * The contacts an action applies to. Chosen ids must all be due today under
 * the current policies: a row picked in a queue that has changed since (a
 * purchase, a policy made longer) is refused rather than silently acted on.
 */
const selectDue = (store: Store, target: Target): { on: string; due: Due[] } => {
  const b = dueBounds(getPolicies(store), target.on, target.rule ?? null);
  if (target.ids === undefined) return { on: b.on, due: dueIds(store, b) };
  const ids = [...new Set(target.ids)];
  const due = dueAmong(store, b, ids);
  if (due.length !== ids.length) {
    const found = new Set(due.map((d) => d.id));
    const notDue = ids.filter((id) => !found.has(id));
    throw new AppError('CONFLICT', `${notDue.length} of the chosen contacts are not due (or no longer exist)`, {
      reason: 'not_due',
      ids: notDue.slice(0, 20),
      count: notDue.length,
    });
  }
  return { on: b.on, due };
};

const summarise = (due: readonly Due[]) => ({
  byRule: {
    prospect: due.filter((d) => d.rule === 'prospect').length,
    customer: due.filter((d) => d.rule === 'customer').length,
  },
  withSales: due.filter((d) => d.sales > 0).length,
});

const quoted = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

/**
 * Every objection, one range of consent_state_by_key per channel and
 * purpose (a few percent of the index), then kept if due: looking each due
 * contact up instead read 87k places of the table, 2 s with a cold file.
 */
const OBJECTED_SQL = `SELECT contact_id FROM consent_state INDEXED BY consent_state_by_key
  WHERE channel IN (${quoted(consentChannels)}) AND purpose IN (${quoted(consentPurposes)}) AND state = 'objected'`;

/** Those who objected to any use: an objection is permanent, asking them again for consent would ignore it. */
const objectedAmong = (store: Store, due: readonly Due[]): Set<number> => {
  const ids = new Set(due.map((d) => d.id));
  return new Set((prepared(store.sqlite, OBJECTED_SQL).pluck().all() as number[]).filter((id) => ids.has(id)));
};

export const previewRetention = (store: Store, input: z.output<typeof retentionPreviewInput>): RetentionPreview => {
  const { on, due } = selectDue(store, input);
  return { action: input.action, on, count: due.length, ...summarise(due), objected: objectedAmong(store, due).size };
};

/** Ids and counts only: the audit log outlives the people it mentions. */
const auditDetail = (on: string, target: Target, due: readonly Due[], automatic: boolean) => ({
  on,
  rule: target.rule ?? null,
  count: due.length,
  ...summarise(due).byRule,
  automatic,
  ...(due.length <= 100 ? { ids: due.map((d) => d.id) } : {}),
});

/** Archive or erase, in the caller's transaction, with its audit entry. */
export const removeDue = (
  store: Store,
  action: 'archive' | 'erase',
  on: string,
  target: Target,
  due: readonly Due[],
  automatic: boolean,
): number => {
  const count = action === 'archive' ? archiveContacts(store, due) : eraseDue(store, due.map((d) => d.id));
  appendAudit(store, { action: `retention.${action}`, entity: 'contact', detail: auditDetail(on, target, due, automatic) });
  return count;
};

/**
 * Applies an action after its preview. `confirm: true` is required by the
 * schema; `expected` (the preview's count) guards against a base that changed
 * in between. Archive and erase run in one IMMEDIATE transaction; the
 * re-consent list is a file, written outside any transaction (it streams).
 */
export const applyRetention = async (
  store: Store,
  input: z.output<typeof retentionApplyInput>,
  exportPath: (fileName: string) => string,
): Promise<RetentionApplyResult> => {
  refuseDuringJob(store.sqlite);
  const check = (due: readonly Due[]) => {
    if (due.length === 0) throw new AppError('CONFLICT', 'nobody is due', { reason: 'nothing_due' });
    if (input.expected !== undefined && input.expected !== due.length) {
      throw new AppError('CONFLICT', `the preview counted ${input.expected}, ${due.length} are due now`, {
        reason: 'preview_changed',
        count: due.length,
      });
    }
  };
  if (input.action === 'reconsent') {
    const { on, due } = selectDue(store, input);
    check(due);
    const objected = objectedAmong(store, due);
    const asked = due.filter((d) => !objected.has(d.id));
    const result = await exportContacts(store, {
      format: 'csv',
      encoding: 'utf-8-bom',
      delimiter: ';',
      ids: asked.map((d) => d.id),
      path: exportPath(`reconsentement-${on}.csv`),
    });
    transaction(store, () =>
      appendAudit(store, {
        action: 'retention.reconsent',
        entity: 'contact',
        detail: { ...auditDetail(on, input, asked, false), objected: objected.size },
      }),
    );
    return { action: 'reconsent', count: result.rows, path: result.path, objected: objected.size };
  }
  const action = input.action;
  const result = transaction(store, () => {
    const { on, due } = selectDue(store, input);
    check(due);
    return { action, count: removeDue(store, action, on, input, due, false), path: null, objected: 0 };
  });
  // the erased text still sits in the WAL until it is checkpointed into the (secure_delete) file
  if (action === 'erase') forgetErasedBytes(store);
  return result;
};
