import type { z } from 'zod';
import {
  AppError,
  fold,
  productInput,
  type Product,
  type ProductPage,
  type productListInput,
  type productSearchInput,
  type productUpdateInput,
} from '../../contract';
import { prepared, type Store } from '../../store/db';
import { getSettings } from '../settings/service';

type ProductData = z.output<typeof productInput>;
type StoredProduct = Omit<Product, 'active'> & { active: number };

const PRODUCT_COLUMNS = `id, name, sku, category, price_cents AS priceCents, unit, currency, active,
  created_at AS createdAt, updated_at AS updatedAt`;

const toProduct = (p: StoredProduct): Product => ({ ...p, active: p.active === 1 });

export const productNotFound = (id: number, path?: string): AppError =>
  new AppError('NOT_FOUND', `product ${id} not found`, {
    entity: 'product',
    id,
    ...(path === undefined ? {} : { issues: [{ path, code: 'not_found' }] }),
  });

export const getProduct = (store: Store, id: number): Product => {
  const row = prepared(store.sqlite, `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = ?`).get(id) as
    | StoredProduct
    | undefined;
  if (!row) throw productNotFound(id);
  return toProduct(row);
};

/** Several products at once (the lines of a sale), by id. */
export const productsById = (store: Store, ids: readonly number[]): Map<number, Product> =>
  new Map(
    (
      prepared(store.sqlite, `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id IN (SELECT value FROM json_each(?))`).all(
        JSON.stringify(ids),
      ) as StoredProduct[]
    ).map((p) => [p.id, toProduct(p)]),
  );

const checkSku = (store: Store, sku: string | null, selfId: number | null): void => {
  if (sku === null) return;
  const other = prepared(store.sqlite, 'SELECT id FROM products WHERE sku = ? AND id IS NOT ?').pluck().get(sku, selfId);
  if (other !== undefined) {
    throw new AppError('CONFLICT', `SKU ${sku} is already used by product ${String(other)}`, {
      issues: [{ path: 'sku', code: 'sku_taken' }],
      id: other as number,
    });
  }
};

export const createProduct = (store: Store, data: ProductData): Product => {
  checkSku(store, data.sku, null);
  const now = new Date().toISOString();
  const id = Number(
    prepared(
      store.sqlite,
      `INSERT INTO products (name, sort_name, sku, category, price_cents, unit, currency, active, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(data.name, fold(data.name), data.sku, data.category, data.priceCents, data.unit, getSettings(store).currency, data.active ? 1 : 0, now, now)
      .lastInsertRowid,
  );
  return getProduct(store, id);
};

export const updateProduct = (store: Store, input: z.output<typeof productUpdateInput>): Product => {
  const current = getProduct(store, input.id);
  const patch = Object.fromEntries(Object.entries(input.patch).filter(([, v]) => v !== undefined));
  const merged = productInput.safeParse({
    name: current.name,
    sku: current.sku,
    category: current.category,
    priceCents: current.priceCents,
    unit: current.unit,
    active: current.active,
    ...patch,
  });
  if (!merged.success) {
    throw new AppError('VALIDATION', 'invalid product', {
      issues: merged.error.issues.map((i) => ({ path: i.path.join('.'), code: i.message })),
    });
  }
  const d = merged.data;
  checkSku(store, d.sku, input.id);
  prepared(
    store.sqlite,
    `UPDATE products SET name = ?, sort_name = ?, sku = ?, category = ?, price_cents = ?, unit = ?, active = ?, updated_at = ?
      WHERE id = ?`,
  ).run(d.name, fold(d.name), d.sku, d.category, d.priceCents, d.unit, d.active ? 1 : 0, new Date().toISOString(), input.id);
  return getProduct(store, input.id);
};

/** Past sale lines keep their label and price; they only lose the link (ON DELETE SET NULL). */
export const deleteProduct = (store: Store, id: number): { id: number } => {
  const { changes } = prepared(store.sqlite, 'DELETE FROM products WHERE id = ?').run(id);
  if (changes === 0) throw productNotFound(id);
  return { id };
};

type Key = [string, number];

const decodeKey = (raw: string): Key => {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && Number.isInteger(v[1])) return [v[0], v[1] as number];
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION', 'invalid cursor', { issues: [{ path: 'cursor', code: 'invalid_cursor' }] });
};

/** `LIKE` with the user's % and _ taken literally. */
const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The catalogue by name, keyset-paged. A catalogue is small (hundreds to a
 * few thousand items), so the text filter may read it all.
 */
export const listProducts = (store: Store, input: z.output<typeof productListInput>): ProductPage => {
  const q = fold(input.q);
  const after = input.cursor === null ? null : decodeKey(input.cursor);
  const where: string[] = [];
  const params: unknown[] = [];
  if (q !== '') {
    where.push("(instr(sort_name, ?) > 0 OR sku LIKE ? ESCAPE '\\')");
    params.push(q, `${likeEscape(input.q.trim())}%`);
  }
  if (input.category !== undefined) {
    where.push('category = ?');
    params.push(input.category);
  }
  if (input.active !== undefined) {
    where.push('active = ?');
    params.push(input.active ? 1 : 0);
  }
  if (after !== null) {
    where.push('(sort_name, id) > (?, ?)');
    params.push(...after);
  }
  const rows = prepared(
    store.sqlite,
    `SELECT ${PRODUCT_COLUMNS}, sort_name AS k FROM products ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY sort_name, id LIMIT ?`,
  ).all(...params, input.limit + 1) as (StoredProduct & { k: string })[];
  const more = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map(({ k: _k, ...p }) => toProduct(p)),
    nextCursor: more && last ? Buffer.from(JSON.stringify([last.k, last.id])).toString('base64url') : null,
  };
};

/**
 * The counter's picker: an exact SKU (a scanned barcode) first, then names
 * starting with the text, then names containing it.
 */
export const searchProducts = (store: Store, input: z.output<typeof productSearchInput>): Product[] => {
  const raw = input.q.trim();
  const q = fold(raw);
  if (q === '') return [];
  const rows = prepared(
    store.sqlite,
    `SELECT ${PRODUCT_COLUMNS} FROM products
      WHERE (sku = @raw OR instr(sort_name, @q) > 0 OR sku LIKE @like ESCAPE '\\') AND (@inactive OR active = 1)
      ORDER BY CASE WHEN sku = @raw THEN 0 WHEN substr(sort_name, 1, length(@q)) = @q THEN 1 ELSE 2 END, sort_name, id
      LIMIT @limit`,
  ).all({ raw, q, like: `${likeEscape(raw)}%`, inactive: input.includeInactive ? 1 : 0, limit: input.limit }) as StoredProduct[];
  return rows.map(toProduct);
};
