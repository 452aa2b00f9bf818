import { AppError, CNIL_DEADLINE_HOURS, type DataBreach } from '../../contract';
import type { z } from 'zod';
import type { breachInput, breachUpdateInput } from '../../contract/retention';
import { prepared, type Store } from '../../store/db';
import { appendAudit } from '../audit/log';

const SELECT = `SELECT id, discovered_at AS discoveredAt, occurred_at AS occurredAt, nature, data_categories AS dataCategories,
  people_count AS peopleCount, consequences, measures, cnil_notified_at AS cnilNotifiedAt,
  people_notified_at AS peopleNotifiedAt, not_notified_reason AS notNotifiedReason, created_at AS createdAt, updated_at AS updatedAt
  FROM data_breaches`;

type Stored = Omit<DataBreach, 'cnilDeadline' | 'cnilOverdue'>;

/** The 72 h clock (GDPR art. 33) runs from discovery; a recorded reason for not notifying stops the warning. */
export const withDeadline = (b: Stored, now = Date.now()): DataBreach => {
  const deadline = Date.parse(b.discoveredAt) + CNIL_DEADLINE_HOURS * 3600 * 1000;
  return {
    ...b,
    cnilDeadline: new Date(deadline).toISOString(),
    cnilOverdue: b.cnilNotifiedAt === null && b.notNotifiedReason === null && now > deadline,
  };
};

export const listBreaches = (store: Store, now = Date.now()): DataBreach[] =>
  (prepared(store.sqlite, `${SELECT} ORDER BY discovered_at DESC, id DESC`).all() as Stored[]).map((b) => withDeadline(b, now));

export const getBreach = (store: Store, id: number): DataBreach => {
  const row = prepared(store.sqlite, `${SELECT} WHERE id = ?`).get(id) as Stored | undefined;
  if (!row) throw new AppError('NOT_FOUND', `breach ${id} not found`, { entity: 'breach', id });
  return withDeadline(row);
};

type Fields = z.output<typeof breachInput>;

/** Dates that must follow one another: nothing is notified before it is discovered, nothing discovered before it happened. */
const checkOrder = (b: Fields): void => {
  const issues: { path: string; code: string }[] = [];
  if (b.occurredAt !== null && b.occurredAt > b.discoveredAt) issues.push({ path: 'occurredAt', code: 'after_discovery' });
  if (b.cnilNotifiedAt !== null && b.cnilNotifiedAt < b.discoveredAt) issues.push({ path: 'cnilNotifiedAt', code: 'before_discovery' });
  if (b.peopleNotifiedAt !== null && b.peopleNotifiedAt < b.discoveredAt) issues.push({ path: 'peopleNotifiedAt', code: 'before_discovery' });
  if (issues.length > 0) throw new AppError('VALIDATION', 'invalid breach dates', { issues });
};

const values = (b: Fields) => [
  b.discoveredAt,
  b.occurredAt,
  b.nature,
  b.dataCategories,
  b.peopleCount,
  b.consequences,
  b.measures,
  b.cnilNotifiedAt,
  b.peopleNotifiedAt,
  b.notNotifiedReason,
];

export const createBreach = (store: Store, input: Fields, now = new Date().toISOString()): DataBreach => {
  checkOrder(input);
  const id = Number(
    prepared(
      store.sqlite,
      `INSERT INTO data_breaches (discovered_at, occurred_at, nature, data_categories, people_count, consequences, measures,
         cnil_notified_at, people_notified_at, not_notified_reason, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(...values(input), now, now).lastInsertRowid,
  );
  appendAudit(store, { action: 'breach.create', entity: 'breach', entityId: id });
  return getBreach(store, id);
};

export const updateBreach = (store: Store, input: z.output<typeof breachUpdateInput>, now = new Date().toISOString()): DataBreach => {
  const { id, ...patch } = input;
  const current = getBreach(store, id);
  const next: Fields = {
    discoveredAt: patch.discoveredAt ?? current.discoveredAt,
    occurredAt: patch.occurredAt !== undefined ? patch.occurredAt : current.occurredAt,
    nature: patch.nature ?? current.nature,
    dataCategories: patch.dataCategories ?? current.dataCategories,
    peopleCount: patch.peopleCount !== undefined ? patch.peopleCount : current.peopleCount,
    consequences: patch.consequences ?? current.consequences,
    measures: patch.measures ?? current.measures,
    cnilNotifiedAt: patch.cnilNotifiedAt !== undefined ? patch.cnilNotifiedAt : current.cnilNotifiedAt,
    peopleNotifiedAt: patch.peopleNotifiedAt !== undefined ? patch.peopleNotifiedAt : current.peopleNotifiedAt,
    notNotifiedReason: patch.notNotifiedReason !== undefined ? patch.notNotifiedReason : current.notNotifiedReason,
  };
  checkOrder(next);
  prepared(
    store.sqlite,
    `UPDATE data_breaches SET discovered_at = ?, occurred_at = ?, nature = ?, data_categories = ?, people_count = ?,
       consequences = ?, measures = ?, cnil_notified_at = ?, people_notified_at = ?, not_notified_reason = ?, updated_at = ?
     WHERE id = ?`,
  ).run(...values(next), now, id);
  appendAudit(store, { action: 'breach.update', entity: 'breach', entityId: id, detail: { fields: Object.keys(patch) } });
  return getBreach(store, id);
};
