/**
 * Activity: delete a finished fleet check's documents from the work store (everything under the run's
 * folder, shared/reconcile/workDocs.ts). The drift check calls it last, after the report is kept, whether
 * the check succeeded or not; a failure here costs storage, not the run (the caller logs it).
 */
import { defineActivity } from '../registry';

export interface DropWorkInput {
  /** The run's folder (workDocs `runDir`). */
  readonly dir: string;
}

export const dropWork = defineActivity<DropWorkInput, { deleted: number }>(
  'dropWork',
  async ({ dir }, { work, log }) => {
    const deleted = await work.deletePrefix(dir);
    log.info('work documents deleted', { location: work.location, dir, deleted });
    return { deleted };
  },
);
