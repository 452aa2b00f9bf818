/**
 * One record of a table file. `line` is the physical line (CSV) or sheet row
 * (xlsx) where it starts, so every message can point at what the user sees in
 * a text editor or in Excel. Cells are raw text: nothing is converted here, so
 * "01000" and "0612345678" keep their zeros.
 */
export type Row = { line: number; cells: string[] };

/** Past this a "table" is almost surely the wrong separator or not a table at all. */
export const MAX_COLUMNS = 500;

/** Long notes are fine; a million characters is an unclosed quote eating the file. */
export const MAX_CELL_CHARS = 1_000_000;

/**
 * A copy of a cell's text that keeps nothing else alive, for what an import
 * keeps from row to row (a company's key, a SIRET seen). V8 makes a
 * substring of 13 characters or more a view into the string it was cut
 * from, here a decoded chunk of half a megabyte: a Set of the file's SIRETs
 * held every chunk, and 1M contacts with 30,000 of them peaked at 826 MB
 * instead of 412 MB. Joined to a space, the text is copied whole, and the
 * slice off that copy holds only it.
 */
export const detached = (text: string): string => (text.length < 13 ? text : ` ${text}`.slice(1));

export const isBlankRow = (cells: readonly string[]): boolean => cells.every((c) => c.trim() === '');

/**
 * Readers hand rows over in batches (a CSV chunk's worth): an async step per
 * row, at each layer, cost more than parsing them (10M rows: ~15 s).
 */
export type RowBatches<T = Row> = AsyncIterable<T[]>;

/** One at a time, for callers that read only a few (a preview, a test). */
export async function* eachOf<T>(batches: AsyncIterable<readonly T[]>): AsyncGenerator<T> {
  for await (const batch of batches) yield* batch;
}

/**
 * Groups a reader that yields one at a time (xlsx, vCard); never yields an
 * empty batch. What was read before a fault is handed on before the fault, as
 * one at a time would: a preview shows its first rows even if row 100 is bad.
 */
export async function* inBatches<T>(items: AsyncIterable<T>, size = 256): AsyncGenerator<T[]> {
  let batch: T[] = [];
  try {
    for await (const item of items) {
      batch.push(item);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    if (batch.length > 0) yield batch;
    throw error;
  }
  if (batch.length > 0) yield batch;
}
