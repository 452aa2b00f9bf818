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

export const isBlankRow = (cells: readonly string[]): boolean => cells.every((c) => c.trim() === '');
