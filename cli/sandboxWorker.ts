/**
 * The worker process of `fedlink sandbox run` (sandbox/workerProcess.ts): the Function App's side of the
 * sandbox, sized as in Azure. Logs and the progress line go to the command's stderr, as the command's own.
 */
import { serveWorkerProcess } from '../sandbox/workerProcess';
import { cliLogger } from './log';
import { createProgress } from './progress';

serveWorkerProcess(() => {
  const progress = createProgress(process.stderr);
  return { log: cliLogger(), observer: progress.observer, done: () => progress.done() };
});
