import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The process boundaries of DESIGN.md §3 are lint rules: prove they bite. */
const root = path.resolve(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

const restricted = async (file: string, code: string): Promise<string[]> => {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
};

describe('import boundaries', () => {
  it.each([
    ["import { app } from 'electron';"],
    ["import fs from 'node:fs';"],
    ["import fs from 'fs';"],
    ["import Database from 'better-sqlite3';"],
    ["import { openDatabase } from '../../src-main/store/open';"],
    ["import { handlers } from '../../src-main/host/handlers';"],
  ])('refuse in the renderer: %s', async (code) => {
    expect(await restricted('src-renderer/features/x.ts', code)).not.toEqual([]);
  });

  it('let the renderer use the contract', async () => {
    expect(await restricted('src-renderer/features/x.ts', "import { fold } from '@contract';")).toEqual([]);
    expect(await restricted('src-renderer/features/x.ts', "import { fold } from '../../src-main/contract/text';")).toEqual([]);
  });

  it.each([["import { app } from 'electron';"], ["import fs from 'node:fs';"], ["import { x } from '../store/db';"]])(
    'keep the contract pure: %s',
    async (code) => {
      expect(await restricted('src-main/contract/x.ts', code)).not.toEqual([]);
    },
  );

  it('keep Electron out of domain and store code', async () => {
    expect(await restricted('src-main/domain/contacts/x.ts', "import { app } from 'electron';")).not.toEqual([]);
    expect(await restricted('src-main/store/x.ts', "import { app } from 'electron';")).not.toEqual([]);
  });
});
