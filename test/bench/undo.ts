/**
 * Issue 3: "an import history with undo". Undoes the bench's own large
 * imports (1M contacts, 10M purchases) through the `imports.undo` call, as the
 * import history screen does, in a child process so that its peak memory is
 * its own.
 *
 *   from `npm run bench` (after each import), or alone: npx tsx test/bench/undo.ts base.sqlite contacts|purchases
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ImportRecord, JobFinished } from '../../src-main/contract';
import { toApi } from '../../src-main/host/client';
import { createInProcessClient } from '../../src-main/host/inprocess';
import { percentile, printRecorder, timedNode, type Recorder } from './common';

type Kind = 'contacts' | 'purchases';
type Undone = { seconds: number; record: ImportRecord; waits: { calls: number; p95: number; longest: number } };

/** In the child: the oldest import of that kind still in force, undone. */
const undoOldest = async (dbPath: string, kind: Kind): Promise<Undone> => {
  const client = await createInProcessClient({ dbPath, dataDir: path.dirname(dbPath), version: 'bench', integrity: 'off' });
  try {
    const api = toApi(client);
    const target = (await api.call('imports.list', {})).filter((i) => i.kind === kind && i.undoneAt === null).at(-1);
    if (target === undefined) throw new Error(`no ${kind} import to undo in ${dbPath}`);
    const started = performance.now();
    let over = false;
    const finished = new Promise<JobFinished>((resolve, reject) => {
      api.on('job.finished', resolve);
      api.call('imports.undo', { importId: target.id }).catch(reject);
    }).finally(() => (over = true));
    /*
     * What the user meets meanwhile: a call every 100 ms (the history's own list, a tiny read). In
     * process, the job and the calls share one thread: a call waits while the job runs between two
     * yields, and so does the timer that asks the next one; both are in the overshoot of a round.
     */
    const waits: number[] = [];
    while (!over) {
      const round = performance.now();
      await api.call('imports.list', {});
      await new Promise((r) => setTimeout(r, 100));
      waits.push(Math.max(0, performance.now() - round - 100));
    }
    const f = await finished;
    if (f.status !== 'done') throw new Error(`undo ${f.status}: ${JSON.stringify(f.error)}`);
    return {
      seconds: (performance.now() - started) / 1000,
      record: f.result as ImportRecord,
      waits: { calls: waits.length, p95: percentile(waits, 95), longest: Math.max(0, ...waits) },
    };
  } finally {
    await client.close();
  }
};

/** Undoes the oldest `kind` import of the base and records its time, the child's peak RSS and how long other calls waited. */
export const benchUndo = async (dbPath: string, kind: Kind, record: Recorder): Promise<void> => {
  const { code, out, err, peakMb } = await timedNode(['--import', 'tsx', __filename, '--child', dbPath, kind]);
  if (code !== 0) throw new Error(`undo of the ${kind} import failed (exit ${code}): ${err.slice(-1000)}`);
  const undone = JSON.parse(out.trim().split('\n').pop() ?? '{}') as Undone;
  const created = undone.record.created.toLocaleString('en');
  const w = undone.waits;
  record(
    `undo the import of ${created} ${kind} (imports.undo job)`,
    `${undone.seconds.toFixed(1)} s, peak RSS ${peakMb.toFixed(0)} MB; a call meanwhile waited p95 ${(w.p95 / 1000).toFixed(2)} s, at most ${(w.longest / 1000).toFixed(2)} s (${w.calls} calls)`,
  );
};

if (process.argv[2] === '--child') {
  undoOldest(process.argv[3] ?? '', process.argv[4] as Kind)
    .then((undone) => console.log(JSON.stringify(undone)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
} else if (process.argv[1]?.endsWith(path.join('bench', 'undo.ts')) && process.argv[2] !== undefined) {
  benchUndo(path.resolve(process.argv[2]), (process.argv[3] ?? 'contacts') as Kind, printRecorder).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
