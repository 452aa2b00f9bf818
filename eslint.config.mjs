// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises',
  'http', 'http2', 'https', 'module', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream',
  'timers', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

/**
 * The process boundaries of DESIGN.md §3, enforced here rather than by goodwill:
 * the renderer sees only the contract; the contract sees neither side;
 * domain code never touches Electron.
 */
const rendererRule = {
  paths: [
    { name: 'electron', message: 'The renderer talks to the store only through the Api (contract).' },
    { name: 'better-sqlite3', message: 'SQL runs in the store worker only.' },
    { name: 'kysely', message: 'SQL runs in the store worker only.' },
    ...nodeBuiltins.map((name) => ({ name, message: 'No Node modules in the renderer.' })),
  ],
  patterns: [
    { group: ['node:*'], message: 'No Node modules in the renderer.' },
    {
      regex: '(^|/)src-main/(?!contract(/|$))',
      message: 'The renderer may import only src-main/contract (use @contract).',
    },
  ],
};

const contractRule = {
  paths: [
    { name: 'electron', message: 'The contract is pure: no Electron.' },
    { name: 'better-sqlite3', message: 'The contract is pure: no SQLite.' },
    { name: 'kysely', message: 'The contract is pure: no SQL.' },
    ...nodeBuiltins.map((name) => ({ name, message: 'The contract is pure: no Node modules.' })),
  ],
  patterns: [
    { group: ['node:*'], message: 'The contract is pure: no Node modules.' },
    { regex: '^\\.\\./', message: 'The contract imports nothing outside its folder.' },
    { regex: 'src-renderer', message: 'The contract imports nothing from the renderer.' },
  ],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'no-restricted-imports': ['error', rendererRule],
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  { files: ['src-main/contract/**/*.ts'], rules: { 'no-restricted-imports': ['error', contractRule] } },
  {
    files: ['src-main/domain/**/*.ts', 'src-main/store/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Domain and store code never import Electron.' }] },
      ],
    },
  },
);
