/** Activity: plan and (in apply mode) write the FICs of a batch of identities, then read back and validate. */
import { syncIdentities as sync } from '../../shared/federation/act';
import { type SyncInput, type SyncOutput } from '../contracts';
import { defineActivity } from '../registry';

export const syncIdentities = defineActivity<SyncInput, SyncOutput>(
  'syncIdentities',
  async ({ mode, work }, deps) => ({
    outcomes: await sync(deps, mode, work),
  }),
);
