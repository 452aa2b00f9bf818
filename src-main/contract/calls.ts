import { z } from 'zod';
import {
  contactInput,
  contactListInput,
  contactUpdateInput,
  type Contact,
  type ContactPage,
} from './contacts';
import { emptyInput, idInput } from './fields';
import { demoInput, jobIdInput, type JobRef } from './jobs';
import { settingsUpdateInput, type Settings } from './settings';
import {
  checkInput,
  restoreInput,
  type AppStatus,
  type BackupInfo,
  type CheckResult,
  type RestoreResult,
} from './store';

/**
 * A call: its input schema, and its output type carried as a phantom so the
 * table stays plain data while every side derives exact types from it.
 */
export type CallDef<I extends z.ZodType, O> = { readonly input: I; readonly __output?: O };

const call =
  <O>() =>
  <I extends z.ZodType>(input: I): CallDef<I, O> => ({ input });

const setupInput = z
  .object({ mode: z.enum(['empty', 'demo']), demo: demoInput.optional() })
  .strict();

/** Every call the renderer, the CLI and the web host can make. Add new ones here first. */
export const calls = {
  'app.status': call<AppStatus>()(emptyInput),
  'app.setup': call<JobRef | null>()(setupInput),

  'settings.get': call<Settings>()(emptyInput),
  'settings.update': call<Settings>()(settingsUpdateInput),

  'contacts.create': call<Contact>()(contactInput),
  'contacts.get': call<Contact>()(idInput),
  'contacts.update': call<Contact>()(contactUpdateInput),
  'contacts.delete': call<{ id: number }>()(idInput),
  'contacts.list': call<ContactPage>()(contactListInput),

  'demo.generate': call<JobRef>()(demoInput),
  'jobs.cancel': call<{ cancelled: boolean }>()(jobIdInput),

  'backup.create': call<BackupInfo>()(emptyInput),
  'backup.list': call<BackupInfo[]>()(emptyInput),
  'backup.restore': call<RestoreResult>()(restoreInput),
  'store.check': call<CheckResult>()(checkInput),
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallInput<K extends CallName> = z.input<Calls[K]['input']>;
export type CallParsed<K extends CallName> = z.output<Calls[K]['input']>;
export type CallOutput<K extends CallName> = Calls[K] extends CallDef<z.ZodType, infer O> ? O : never;

export const callNames = Object.keys(calls) as CallName[];

export const isCallName = (name: unknown): name is CallName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name);

/** Calls that may run while the store is not `ready` (recovery screen). */
export const recoveryCalls: ReadonlySet<CallName> = new Set<CallName>([
  'app.status',
  'settings.get',
  'backup.list',
  'backup.restore',
  'store.check',
]);
