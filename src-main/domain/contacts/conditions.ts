import type { ConsentTarget } from '../../contract';
import { contactableCond, reachIndexOf } from '../consent/sql';

/**
 * SQL pieces over `contacts c` shared by the contact list's planner
 * (list.ts) and the saved segments' compiler (domain/segments/sql.ts), so a
 * criterion the two have in common means the same thing in both.
 */

/** A piece of SQL with its parameters. */
export type Cond = { sql: string; params: unknown[] };

export const TRUE: Cond = { sql: '1', params: [] };
export const FALSE: Cond = { sql: '0', params: [] };

export const and = (conds: readonly Cond[]): Cond => {
  const real = conds.filter((c) => c.sql !== '1');
  if (real.some((c) => c.sql === '0')) return FALSE;
  return real.length === 0 ? TRUE : { sql: real.map((c) => `(${c.sql})`).join(' AND '), params: real.flatMap((c) => c.params) };
};

export const or = (conds: readonly Cond[]): Cond => {
  const real = conds.filter((c) => c.sql !== '0');
  if (real.some((c) => c.sql === '1')) return TRUE;
  return real.length === 0 ? FALSE : { sql: real.map((c) => `(${c.sql})`).join(' OR '), params: real.flatMap((c) => c.params) };
};

export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

export type Ref = (col: string) => string;
export type Test = (ref: Ref) => Cond;

/** The smallest string greater than every string starting with `prefix` (UTF-8 order = code point order). */
export const prefixEnd = (prefix: string): string =>
  prefix.slice(0, -1) + String.fromCodePoint((prefix.codePointAt(prefix.length - 1) ?? 0) + 1);

export const rangeTest =
  (col: string, from: string | null, to: string | null): Test =>
  (ref) => {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (from !== null) {
      parts.push(`${ref(col)} >= ?`);
      params.push(from);
    }
    if (to !== null) {
      parts.push(`${ref(col)} < ?`);
      params.push(to);
    }
    return parts.length === 0 ? TRUE : { sql: parts.join(' AND '), params };
  };

/** Holds any of the tags: one probe of the thin (contact_id, tag_id) index; the table's rows are wide (they carry the list columns). */
export const tagsProbe = (id: string, tagIds: readonly number[]): Cond => ({
  sql: `EXISTS (SELECT 1 FROM contact_tags ct INDEXED BY contact_tags_by_contact
      WHERE ct.contact_id = ${id} AND ct.tag_id IN (SELECT value FROM json_each(?)))`,
  params: [JSON.stringify(tagIds)],
});

/** Holds any of the tags, as an id set SQLite builds once from the tag's members. */
export const tagsSet = (id: string, tagIds: readonly number[]): Cond => ({
  sql: `${id} IN (SELECT ct.contact_id FROM contact_tags ct WHERE ct.tag_id IN (SELECT value FROM json_each(?)))`,
  params: [JSON.stringify(tagIds)],
});

/** May be contacted on `target` on day `on`, read from the channel's thin reach entry instead of the contact row: it carries all the rule reads. */
export const contactableProbe = (id: string, target: ConsentTarget, on: string): Cond => {
  const inner = contactableCond('x', target, on);
  return { sql: `EXISTS (SELECT 1 FROM contacts x INDEXED BY ${reachIndexOf(target.channel)} WHERE x.id = ${id} AND ${inner.sql})`, params: inner.params };
};
