/**
 * Federated identity credential: SDK model → core `Fic`.
 */
import { type FederatedIdentityCredential } from '@azure/arm-msi';
import { type Fic } from '../../core/model';
import { parseResourceId, sameType, TYPES } from '../../core/resourceId';
import { localArmError } from '../errors';
import { asNonEmptyString, asString, asStringArray } from './json';

/**
 * Maps @azure/arm-msi's flattened `FederatedIdentityCredential` (REST nests issuer/subject/audiences
 * under `properties`, docs/azure-behaviour.md §1.6). `issuer` and `subject` are kept byte for byte: they are
 * compared exactly, case-sensitively, trailing slash included (§1.4). A FIC without an id, or whose id
 * is not a FIC id, is an invalid response (terminal), never skipped: skipping would hide an existing
 * credential from the planner.
 */
export function ficFromModel(model: FederatedIdentityCredential): Fic {
  const id = asNonEmptyString(model.id);
  if (id === undefined)
    throw localArmError('InvalidResponse', 'ARM returned a federated identity credential without an id');
  let name: string | undefined;
  try {
    const parsed = parseResourceId(id);
    if (sameType(parsed.type, TYPES.federatedIdentityCredential)) name = parsed.name;
  } catch {
    name = undefined;
  }
  if (name === undefined)
    throw localArmError(
      'InvalidResponse',
      `ARM returned ${id} where a federated identity credential was expected`,
      id,
    );
  return {
    id,
    name: asNonEmptyString(model.name) ?? name,
    issuer: asString(model.issuer) ?? '',
    subject: asString(model.subject) ?? '',
    audiences: asStringArray(model.audiences),
  };
}
