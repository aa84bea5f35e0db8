/**
 * Subscription (from the subscriptions list) → what fedlink needs of it.
 */
import { type Subscription } from '@azure/arm-resources-subscriptions';
import { localArmError } from '../errors';
import { asNonEmptyString } from './json';

export interface SubscriptionInfo {
  readonly subscriptionId: string;
  readonly tenantId: string | undefined;
  readonly displayName: string | undefined;
}

export function subscriptionFromModel(model: Subscription): SubscriptionInfo {
  const subscriptionId = asNonEmptyString(model.subscriptionId);
  if (subscriptionId === undefined)
    throw localArmError('InvalidResponse', 'ARM listed a subscription without a subscriptionId');
  return {
    subscriptionId,
    tenantId: asNonEmptyString(model.tenantId),
    displayName: asNonEmptyString(model.displayName),
  };
}
