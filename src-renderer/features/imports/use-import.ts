import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  AppErrorData,
  DuplicatePolicy,
  ImportKindName,
  ImportPreview,
  ImportReport,
  JobProgress,
  StagedFile,
} from '@contract';
import { duplicatePolicies } from '@contract';
import { useApi } from '../../api/context';
import { useJobTracker } from '../../app/jobs';
import { notifyError, notifySuccess } from '../../app/notify';
import type { Mapping } from './labels';

/** What a dry run or an import ran with: a report is only valid for these. */
export type RunSettings = { mapping: Mapping; policy: DuplicatePolicy };

export type Check = RunSettings & { report: ImportReport };

export type Outcome =
  | { status: 'done'; report: ImportReport; settings: RunSettings }
  | { status: 'cancelled' }
  | { status: 'failed'; error: AppErrorData | null };

export type Running = { mode: 'dry' | 'commit'; settings: RunSettings; progress: JobProgress | null; cancelling: boolean };

/** The mapping and its origin when the file was read, to mark each column guessed, remembered or edited. */
export type FirstMapping = { mapping: Mapping; source: ImportPreview['mappingSource'] };

export const isImportReport = (value: unknown): value is ImportReport => {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<Record<keyof ImportReport, unknown>>;
  return typeof r.dryRun === 'boolean' && typeof r.rows === 'number' && typeof r.errorCount === 'number' && Array.isArray(r.errors) && Array.isArray(r.notices);
};

export const sameMapping = (a: Mapping, b: Mapping): boolean => a.length === b.length && a.every((t, i) => t === b[i]);

const sameHeaders = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((h, i) => h === b[i]);

/** The mapping made for the file on screen, carried over to a file with the same columns. */
type Kept = { headers: string[]; first: FirstMapping; mapping: Mapping };

const fresh = (check: Check | null, mapping: Mapping, policy: DuplicatePolicy): boolean =>
  check !== null && check.policy === policy && sameMapping(check.mapping, mapping);

export type ImportWizard = ReturnType<typeof useImportWizard>;

/**
 * The choices an import offers for what is already in the base, the first
 * being the default. A purchase import has no « merge »: nothing in a file
 * completes a sale, and its importer runs « merge » as « skip ».
 */
export const policiesFor = (kind: ImportKindName): readonly DuplicatePolicy[] =>
  kind === 'purchases' ? ['skip', 'create'] : duplicatePolicies;

/**
 * The import as the user walks through it: file → preview → dry run → commit.
 * Every report stays tied to the mapping and policy it ran with, so an import
 * is only offered for exactly what was checked.
 */
export const useImportWizard = () => {
  const api = useApi();
  const { t } = useTranslation();
  const job = useJobTracker();
  const [kind, setKindState] = useState<ImportKindName>('contacts');
  const [file, setFile] = useState<StagedFile | null>(null);
  const [uploading, setUploading] = useState<string | null>(null);
  const [fileError, setFileError] = useState<unknown>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [first, setFirst] = useState<FirstMapping | null>(null);
  const [mapping, setMappingState] = useState<Mapping>([]);
  const [refreshing, setRefreshing] = useState(false);
  const [policy, setPolicy] = useState<DuplicatePolicy>(policiesFor('contacts')[0]!);
  const [check, setCheck] = useState<Check | null>(null);
  /** Why the last dry run could not run at all (no date column for purchases…), shown where it was asked for. */
  const [checkError, setCheckError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [running, setRunning] = useState<Omit<Running, 'progress' | 'cancelling'> | null>(null);
  const previewSeq = useRef(0);
  const handled = useRef<string | null>(null);
  const runningJob = useRef<{ id: string; mode: Running['mode'] } | null>(null);

  // a dry run is only worth something on this page; an import goes on (the history shows it)
  useEffect(
    () => () => {
      const r = runningJob.current;
      if (r !== null && r.mode === 'dry') void api.call('jobs.cancel', { jobId: r.id }).catch(() => undefined);
    },
    [api],
  );

  /**
   * Reads a file for a kind with the remembered or guessed mapping: a fresh
   * start for everything after. `keep` is the mapping the user already made
   * for a file with the same columns (the same export, fixed in Excel and
   * chosen again): it is kept rather than guessed again.
   */
  const load = useCallback(
    async (staged: StagedFile, forKind: ImportKindName, keep: Kept | null = null): Promise<boolean> => {
      const seq = ++previewSeq.current;
      try {
        let p = await api.call('imports.preview', { kind: forKind, path: staged.path });
        const same = keep !== null && p.format !== 'vcard' && sameHeaders(p.headers, keep.headers);
        if (same && !sameMapping(p.mapping, keep.mapping)) {
          p = await api.call('imports.preview', { kind: forKind, path: staged.path, mapping: keep.mapping });
        }
        if (seq !== previewSeq.current) return false;
        setPreview(p);
        setFirst(same ? keep.first : { mapping: p.mapping, source: p.mappingSource });
        setMappingState(same ? keep.mapping : p.mapping);
        setFileError(null);
        setCheck(null);
        setCheckError(null);
        setOutcome(null);
        return true;
      } catch (error) {
        if (seq !== previewSeq.current) return false;
        setPreview(null);
        setFirst(null);
        setMappingState([]);
        setCheck(null);
        setFileError(error);
        return false;
      }
    },
    [api],
  );

  const chooseFile = useCallback(
    async (picked: File): Promise<boolean> => {
      setUploading(picked.name);
      setFileError(null);
      try {
        const staged = await api.upload(picked);
        setFile(staged);
        const keep = preview !== null && first !== null ? { headers: preview.headers, first, mapping } : null;
        return await load(staged, kind, keep);
      } catch (error) {
        setFile(null);
        setPreview(null);
        setFileError(error);
        return false;
      } finally {
        setUploading(null);
      }
    },
    [api, first, kind, load, mapping, preview],
  );

  const setKind = useCallback(
    (next: ImportKindName) => {
      setKindState(next);
      setPolicy(policiesFor(next)[0]!);
      if (file !== null) void load(file, next);
    },
    [file, load],
  );

  /** One column's target changed: the sample is read again through the new mapping. */
  const setColumn = useCallback(
    async (index: number, target: string | null) => {
      if (file === null) return;
      const next = mapping.map((m, i) => (i === index ? target : m));
      setMappingState(next);
      const seq = ++previewSeq.current;
      setRefreshing(true);
      try {
        const p = await api.call('imports.preview', { kind, path: file.path, mapping: next });
        if (seq === previewSeq.current) setPreview(p);
      } catch (error) {
        if (seq === previewSeq.current) notifyError(t, error);
      } finally {
        if (seq === previewSeq.current) setRefreshing(false);
      }
    },
    [api, file, kind, mapping, t],
  );

  const start = useCallback(
    async (mode: Running['mode'], settings: RunSettings): Promise<boolean> => {
      if (file === null) return false;
      setRunning({ mode, settings });
      setCheckError(null);
      if (mode === 'commit') setOutcome(null);
      try {
        const ref = await api.call('imports.run', {
          kind,
          path: file.path,
          mapping: settings.mapping,
          policy: settings.policy,
          dryRun: mode === 'dry',
        });
        runningJob.current = { id: ref.jobId, mode };
        job.track(ref.jobId);
        return true;
      } catch (error) {
        setRunning(null);
        if (mode === 'dry') setCheckError(error);
        else notifyError(t, error);
        return false;
      }
    },
    [api, file, job, kind, t],
  );

  const runCheck = useCallback(() => start('dry', { mapping, policy }), [mapping, policy, start]);

  const commit = useCallback(
    () => (check === null ? Promise.resolve(false) : start('commit', { mapping: check.mapping, policy: check.policy })),
    [check, start],
  );

  const { finished } = job;
  useEffect(() => {
    if (finished === null || handled.current === finished.jobId || running === null) return;
    handled.current = finished.jobId;
    runningJob.current = null;
    const { mode, settings } = running;
    if (finished.status === 'done' && isImportReport(finished.result)) {
      const report = finished.result;
      if (mode === 'dry') setCheck({ ...settings, report });
      else {
        setOutcome({ status: 'done', report, settings });
        if (report.errors.length === 0 && file !== null) notifySuccess(t('imports.commit.doneNotify', { file: file.name }));
      }
    } else if (finished.status === 'cancelled') {
      if (mode === 'dry') notifySuccess(t('imports.check.cancelled'));
      else setOutcome({ status: 'cancelled' });
    } else {
      const error = finished.error ?? { code: 'INTERNAL' as const, message: 'unexpected import result' };
      if (mode === 'dry') setCheckError(error);
      else setOutcome({ status: 'failed', error });
    }
    job.track(null);
    setRunning(null);
  }, [file, finished, job, running, t]);

  const reset = useCallback(() => {
    previewSeq.current += 1;
    setFile(null);
    setPreview(null);
    setFirst(null);
    setMappingState([]);
    setFileError(null);
    setCheck(null);
    setCheckError(null);
    setOutcome(null);
    setPolicy(policiesFor(kind)[0]!);
  }, [kind]);

  return {
    kind,
    setKind,
    file,
    uploading,
    fileError,
    preview,
    first,
    mapping,
    refreshing,
    setColumn,
    policy,
    setPolicy,
    check,
    checkError,
    /** The last dry run still describes the current mapping and policy. */
    checkIsFresh: fresh(check, mapping, policy),
    running: running === null ? null : ({ ...running, progress: job.progress, cancelling: job.cancelling } satisfies Running),
    outcome,
    chooseFile,
    runCheck,
    commit,
    cancel: job.cancel,
    reset,
  };
};
