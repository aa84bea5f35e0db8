/**
 * `FederatedCredentialsPort` over the real @azure/arm-msi client: the federation capability's own
 * ARM port. FIC PUT and DELETE are synchronous in ARM (docs/azure-behaviour.md §1.2), so there is no
 * poller here; a capability whose writes are long-running uses the SDK's `begin…` pollers in its port.
 */
import { TYPES } from '../core/resourceId';
import { type Clock } from '../core/clock';
import { type Fic } from '../core/model';
import { armCaller, drain, targetOf } from './armCall';
import { type ArmClients } from './clients';
import { type FederatedCredentialsPort, type FicSpec } from './gateway';
import { ficFromModel } from './mappers/fic';

export function createArmFederatedCredentials(
  clients: ArmClients,
  options: { readonly clock: Clock },
): FederatedCredentialsPort {
  const { call } = armCaller(options.clock);
  return {
    async listFics(identityId: string): Promise<readonly Fic[]> {
      const t = targetOf(identityId, TYPES.userAssignedIdentity);
      const models = await call(identityId, () =>
        drain(
          clients
            .forSubscription(t.subscriptionId)
            .msi.federatedIdentityCredentials.list(t.resourceGroup, t.name),
        ),
      );
      return models.map(ficFromModel);
    },

    async putFic(identityId: string, ficName: string, spec: FicSpec): Promise<Fic> {
      const t = targetOf(identityId, TYPES.userAssignedIdentity);
      const ficId = `${identityId}/federatedIdentityCredentials/${ficName}`;
      // issuer and subject go out exactly as given: the planner took them byte for byte from the
      // cluster and the binding (docs/azure-behaviour.md §1.4).
      const model = await call(ficId, () =>
        clients
          .forSubscription(t.subscriptionId)
          .msi.federatedIdentityCredentials.createOrUpdate(t.resourceGroup, t.name, ficName, {
            issuer: spec.issuer,
            subject: spec.subject,
            audiences: [...spec.audiences],
          }),
      );
      return ficFromModel(model);
    },

    async deleteFic(identityId: string, ficName: string): Promise<'deleted' | 'absent'> {
      const t = targetOf(identityId, TYPES.userAssignedIdentity);
      const ficId = `${identityId}/federatedIdentityCredentials/${ficName}`;
      // The SDK returns void for both 200 (deleted) and 204 (did not exist, docs/azure-behaviour.md §1.2); the raw
      // status tells them apart. onResponse fires per attempt: the last one is the answer.
      let status: number | undefined;
      await call(ficId, () =>
        clients
          .forSubscription(t.subscriptionId)
          .msi.federatedIdentityCredentials.delete(t.resourceGroup, t.name, ficName, {
            onResponse: (raw) => {
              status = raw.status;
            },
          }),
      );
      return status === 204 ? 'absent' : 'deleted';
    },
  };
}
