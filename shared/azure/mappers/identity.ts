/**
 * User-assigned managed identity: SDK model (or Resource Graph row) → core `Identity`.
 */
import { type Identity as SdkIdentity } from '@azure/arm-msi';
import { type Identity } from '../../core/model';
import { TYPES } from '../../core/resourceId';
import { asNonEmptyString, asString, type JsonRecord } from './json';
import { argRowBase, trackedBase } from './resource';

/**
 * Maps @azure/arm-msi's `Identity` (REST `properties.tenantId/principalId/clientId` flattened by the
 * SDK). The GUIDs are kept as returned; absent, `null` or `''` → undefined.
 */
export function identityFromModel(model: SdkIdentity): Identity {
  return {
    ...trackedBase(TYPES.userAssignedIdentity, model),
    tenantId: asNonEmptyString(model.tenantId),
    clientId: asNonEmptyString(model.clientId),
    principalId: asNonEmptyString(model.principalId),
  };
}

/** A Resource Graph row as the SDK model a GET would have produced (see managedClusterFromArgRow). */
export function sdkIdentityFromArgRow(row: JsonRecord): SdkIdentity {
  const { base, properties } = argRowBase(row);
  return {
    ...base,
    tenantId: asString(properties['tenantId']),
    principalId: asString(properties['principalId']),
    clientId: asString(properties['clientId']),
  };
}

/** A Resource Graph row mapped exactly as a GET of the same identity is mapped. */
export function identityFromArgRow(row: JsonRecord): Identity {
  return identityFromModel(sdkIdentityFromArgRow(row));
}
