/** Activity: observe a target and decide what the run has to do (ids and desired FICs only). */
import { scopeForCluster, scopeForFleet, scopeForIdentity } from '../../shared/federation/observe';
import { type ScopeResult, type Target } from '../contracts';
import { defineActivity } from '../registry';

export const loadScope = defineActivity<{ target: Target }, ScopeResult>(
  'loadScope',
  async ({ target }, { azure, config }) => {
    switch (target.kind) {
      case 'cluster':
        return scopeForCluster(azure, config, target.clusterId);
      case 'identity':
        return scopeForIdentity(azure, config, target.identityId);
      case 'fleet':
        return scopeForFleet(azure, config);
    }
  },
);
