import { parentPort, workerData } from 'node:worker_threads';
import { checkIntegrity } from '../domain/backup/service';
import { createDispatcher } from './dispatcher';
import type { FromWorker, ToWorker, WorkerData } from './protocol';

/**
 * The store worker: owns the one database connection so the window (or the
 * HTTP server) never waits on SQL. The same file, started with mode 'check',
 * runs the start-up integrity check on its own read-only connection.
 */
const data = workerData as WorkerData;
const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
const post = (m: FromWorker): void => port.postMessage(m);

if (data.mode === 'check') {
  port.postMessage(checkIntegrity(data.dbPath));
} else {
  const dispatcher = createDispatcher({
    dbPath: data.dbPath,
    dataDir: data.dataDir,
    version: data.version,
    autoBackup: data.autoBackup,
    integrity: { workerFile: data.workerFile },
    emit: (event, payload) => post({ type: 'event', event, payload }),
  });
  port.on('message', (m: ToWorker) => {
    if (m.type === 'call') {
      void dispatcher.invoke(m.name, m.input).then((envelope) => post({ type: 'result', id: m.id, envelope }));
    } else {
      void dispatcher.close().then(() => post({ type: 'closed', id: m.id }));
    }
  });
  post({ type: 'ready' });
}
