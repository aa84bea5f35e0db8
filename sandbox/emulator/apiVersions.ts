/**
 * Which api-versions the emulator accepts, per resource type, and ARM's answers when a request names
 * none (`MissingApiVersionParameter`), a malformed one (`InvalidApiVersionParameter`) or one the type does
 * not support (`NoRegisteredProviderFound`, what ARM answers for provider types).
 *
 * The lists hold the versions the installed SDKs send, the versions of the published examples in
 * `test/fixtures/azure`, the Azure CLI table (private endpoint connections) and versions named in docs/azure-behaviour.md.
 * ASSUMED: they are not complete lists of what Azure supports; a version missing here that Azure accepts
 * is a gap to fill, never a reason to loosen the check.
 */
import { invalidApiVersion, missingApiVersion, noRegisteredProvider } from './errors';

const WELL_FORMED = /^\d{4}-\d{2}-\d{2}(-(preview|privatepreview|alpha|beta))?$/;

export function isWellFormedApiVersion(v: string): boolean {
  return WELL_FORMED.test(v);
}

/** AKS: arm-containerservice 25.5 sends 2026-06-01; the fixtures use 2026-08-01. */
export const CONTAINER_SERVICE_VERSIONS: readonly string[] = [
  '2023-01-01',
  '2023-04-01',
  '2023-07-01',
  '2023-10-01',
  '2024-01-01',
  '2024-02-01',
  '2024-05-01',
  '2024-07-01',
  '2024-08-01',
  '2024-09-01',
  '2024-10-01',
  '2025-01-01',
  '2025-02-01',
  '2025-03-01',
  '2025-04-01',
  '2025-05-01',
  '2025-06-01',
  '2025-07-01',
  '2025-08-01',
  '2025-09-01',
  '2025-10-01',
  '2026-01-01',
  '2026-02-01',
  '2026-03-01',
  '2026-04-01',
  '2026-05-01',
  '2026-06-01',
  '2026-07-01',
  '2026-08-01',
];

/** Managed identities: 2018-11-30 has identities but no FICs; FICs from 2022-01-31-preview, GA 2023-01-31 (§1.1). */
export const MSI_IDENTITY_VERSIONS: readonly string[] = [
  '2015-08-31-preview',
  '2018-11-30',
  '2021-09-30-preview',
  '2022-01-31-preview',
  '2023-01-31',
  '2023-07-31-preview',
  '2024-11-30',
  '2025-01-31-preview',
  '2025-05-31-preview',
  '2026-04-30',
  '2026-05-31',
];
export const MSI_FIC_VERSIONS: readonly string[] = MSI_IDENTITY_VERSIONS.filter((v) => v >= '2022-01-31');

/** Microsoft.Network: arm-network 39 sends 2026-01-01; fixtures 2025-01-01/05-01/07-01; CLI table 2020-05-01, 2021-05-01. */
export const NETWORK_VERSIONS: readonly string[] = [
  '2020-05-01',
  '2020-06-01',
  '2020-07-01',
  '2020-08-01',
  '2020-11-01',
  '2021-02-01',
  '2021-03-01',
  '2021-05-01',
  '2021-08-01',
  '2022-01-01',
  '2022-05-01',
  '2022-07-01',
  '2022-09-01',
  '2022-11-01',
  '2023-02-01',
  '2023-04-01',
  '2023-05-01',
  '2023-06-01',
  '2023-09-01',
  '2023-11-01',
  '2024-01-01',
  '2024-03-01',
  '2024-05-01',
  '2024-07-01',
  '2024-10-01',
  '2025-01-01',
  '2025-03-01',
  '2025-05-01',
  '2025-07-01',
  '2026-01-01',
];

/** Private DNS: GA 2018-09-01, 2020-01-01, 2020-06-01 (PrivateZoneGet fixture), 2024-06-01 (arm-privatedns 4). */
export const PRIVATE_DNS_VERSIONS: readonly string[] = [
  '2018-09-01',
  '2020-01-01',
  '2020-06-01',
  '2024-06-01',
];

/** Resource Graph: arm-resourcegraph 5 sends 2024-04-01; docs/azure-behaviour.md §4.4 names 2021-03-01. */
export const RESOURCE_GRAPH_VERSIONS: readonly string[] = [
  '2019-04-01',
  '2021-03-01',
  '2022-10-01',
  '2024-04-01',
];

/** Microsoft.Resources (subscriptions, tenants, resource groups): arm-resources-subscriptions 2 sends 2022-12-01. */
export const RESOURCES_VERSIONS: readonly string[] = [
  '2016-06-01',
  '2019-06-01',
  '2019-11-01',
  '2020-01-01',
  '2021-01-01',
  '2021-04-01',
  '2022-09-01',
  '2022-12-01',
  '2023-07-01',
  '2024-03-01',
  '2024-07-01',
  '2024-11-01',
  '2025-03-01',
  '2025-04-01',
];

/** ARM's own endpoints: unsupported versions get InvalidApiVersionParameter. */
export function checkArmApiVersion(apiVersion: string, supported: readonly string[]): void {
  if (!supported.includes(apiVersion)) throw invalidApiVersion(apiVersion, supported);
}

/**
 * Provider types: a malformed version gets InvalidApiVersionParameter; a well-formed one the type does not
 * support gets NoRegisteredProviderFound. `supported === undefined` means any well-formed version
 * (types the emulator does not model in detail).
 */
export function checkProviderApiVersion(
  apiVersion: string,
  fullType: string,
  supported: readonly string[] | undefined,
  location: string,
): void {
  if (!isWellFormedApiVersion(apiVersion)) throw invalidApiVersion(apiVersion, supported ?? []);
  if (supported === undefined || supported.includes(apiVersion)) return;
  const typeWithoutNamespace = fullType.split('/').slice(1).join('/');
  throw noRegisteredProvider(apiVersion, typeWithoutNamespace, location, supported);
}

export function assertApiVersionPresent(apiVersion: string | undefined): asserts apiVersion is string {
  if (apiVersion === undefined || apiVersion === '') throw missingApiVersion();
}
