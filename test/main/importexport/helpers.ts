import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { ImportError, type ImportErrorCode } from '../../../src-main/domain/importexport/errors';

export const fixture = (name: string): string => resolve(__dirname, '../../fixtures/import', name);

export const fixtureStream = (name: string): AsyncIterable<Uint8Array> => createReadStream(fixture(name));

/** Bytes as a source, cut into chunks of `size` (1 puts every boundary everywhere). */
export async function* chunked(bytes: Uint8Array, size = bytes.length || 1): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export const fromText = (text: string, size?: number): AsyncIterable<Uint8Array> => chunked(Buffer.from(text, 'utf8'), size);

export const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};

/** The ImportError a promise rejects with; fails the test if it resolves or throws something else. */
export const importErrorOf = async (promise: Promise<unknown>): Promise<ImportError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImportError) return error;
    throw error;
  }
  throw new Error('expected an ImportError');
};

export const expectCode = async (promise: Promise<unknown>, code: ImportErrorCode): Promise<ImportError> => {
  const error = await importErrorOf(promise);
  if (error.code !== code) throw new Error(`expected ${code}, got ${error.code}: ${error.message}`);
  return error;
};
