/**
 * The Function App in the COMMITTED infra/main.json: Flex Consumption on Node 22, every setting
 * shared/config/env.ts reads, storage through the managed identity only, the data roles the durable
 * Azure Storage backend needs, and documented parameters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS } from '../../shared/config/env';
import { runPrefix } from '../../shared/workStore/store';
import {
  allTemplates,
  at,
  isObject,
  loadMainTemplate,
  onlyResource,
  REPO,
  resolve,
  resourcesOfType,
  str,
} from './template';

const main = loadMainTemplate();
const mainText = readFileSync(join(REPO, 'infra', 'main.json'), 'utf8');

function appSettings(): Map<string, string> {
  const site = onlyResource(main, 'Microsoft.Web/sites');
  const list = at(site.body, 'properties', 'siteConfig', 'appSettings');
  expect(Array.isArray(list)).toBe(true);
  const settings = new Map<string, string>();
  for (const entry of list as Parameters<typeof at>[0][]) {
    const name = str(at(entry, 'name'));
    expect(settings.has(name)).toBe(false);
    settings.set(name, str(at(entry, 'value')));
  }
  return settings;
}

describe('the Function App (infra/main.json)', () => {
  it('runs on Flex Consumption (FC1) with Node 22', () => {
    const plan = onlyResource(main, 'Microsoft.Web/serverfarms');
    expect(at(plan.body, 'sku', 'name')).toBe('FC1');
    expect(at(plan.body, 'sku', 'tier')).toBe('FlexConsumption');
    const site = onlyResource(main, 'Microsoft.Web/sites');
    expect(at(site.body, 'kind')).toBe('functionapp,linux');
    expect(at(site.body, 'properties', 'functionAppConfig', 'runtime')).toEqual({
      name: 'node',
      version: '22',
    });
    expect(at(site.body, 'properties', 'functionAppConfig', 'scaleAndConcurrency', 'instanceMemoryMB')).toBe(
      "[parameters('instanceMemoryMB')]",
    );
    const storage = at(site.body, 'properties', 'functionAppConfig', 'deployment', 'storage');
    expect(at(storage, 'type')).toBe('blobContainer');
    expect(at(storage, 'authentication', 'type')).toBe('UserAssignedIdentity');
  });

  it('sets every variable shared/config/env.ts reads (one of FEDLINK_CONFIG / FEDLINK_CONFIG_JSON)', () => {
    const settings = appSettings();
    const { config, configJson, ...required } = SETTINGS;
    for (const name of Object.values(required)) expect(settings.has(name)).toBe(true);
    expect([settings.has(config), settings.has(configJson)].filter(Boolean)).toHaveLength(1);
    expect(settings.get(SETTINGS.configJson)).toBe("[parameters('fedlinkConfigJson')]");
    expect(settings.get(SETTINGS.managedIdentityClientId)).toMatch(/userAssignedIdentities.*clientId/);
  });

  it('reaches storage with the user-assigned identity and holds no key or connection string', () => {
    const settings = appSettings();
    expect(settings.get('AzureWebJobsStorage__credential')).toBe('managedidentity');
    expect(settings.get('AzureWebJobsStorage__accountName')).toBe("[parameters('storageName')]");
    expect(settings.get('AzureWebJobsStorage__clientId')).toBe(
      settings.get(SETTINGS.managedIdentityClientId),
    );
    expect(settings.has('AzureWebJobsStorage')).toBe(false);
    for (const [name, value] of settings) {
      expect(`${name}=${value}`).not.toMatch(
        /AccountKey|SharedAccessSignature|listKeys|DefaultEndpointsProtocol/i,
      );
    }
    expect(mainText).not.toMatch(/listKeys\(|listAccountSas\(/);
    const storage = onlyResource(main, 'Microsoft.Storage/storageAccounts');
    expect(at(storage.body, 'properties', 'allowSharedKeyAccess')).toBe(false);
  });

  it('keeps the fleet check reports in a "reports" container of its own storage account, by URL, no key', () => {
    const settings = appSettings();
    const url = settings.get(SETTINGS.reportsUrl);
    // https://<account>.blob.core.windows.net/ + the container: the account's own blob endpoint.
    expect(url).toBe(
      "[format('{0}{1}', reference(resourceId('Microsoft.Storage/storageAccounts', parameters('storageName')), '2023-05-01').primaryEndpoints.blob, variables('reportsContainerName'))]",
    );
    const containers = resourcesOfType(main, 'Microsoft.Storage/storageAccounts/blobServices/containers');
    const reports = containers.filter((c) =>
      str(c.body['name']).includes("variables('reportsContainerName')"),
    );
    expect(reports).toHaveLength(1);
    expect(str(reports[0]!.body['name'])).toBe(
      "[format('{0}/{1}/{2}', parameters('storageName'), 'default', variables('reportsContainerName'))]",
    );
    expect(resolve(reports[0]!.template, "[variables('reportsContainerName')]")).toBe('reports');
    // No public access on the container: the account forbids it, and the container does not ask for it.
    expect(at(reports[0]!.body, 'properties', 'publicAccess')).toBeUndefined();
  });

  it('keeps the work store in a "fedlink-work" container of its own storage account, by URL, no key', () => {
    const url = appSettings().get(SETTINGS.workUrl);
    expect(url).toBe(
      "[format('{0}{1}', reference(resourceId('Microsoft.Storage/storageAccounts', parameters('storageName')), '2023-05-01').primaryEndpoints.blob, variables('workContainerName'))]",
    );
    const containers = resourcesOfType(main, 'Microsoft.Storage/storageAccounts/blobServices/containers');
    const work = containers.filter((c) => str(c.body['name']).includes("variables('workContainerName')"));
    expect(work).toHaveLength(1);
    expect(str(work[0]!.body['name'])).toBe(
      "[format('{0}/{1}/{2}', parameters('storageName'), 'default', variables('workContainerName'))]",
    );
    expect(resolve(work[0]!.template, "[variables('workContainerName')]")).toBe('fedlink-work');
    expect(at(work[0]!.body, 'properties', 'publicAccess')).toBeUndefined();
  });

  it('deletes work documents of runs that never cleaned up: runs/ older than 2 days, that container only', () => {
    const policy = onlyResource(main, 'Microsoft.Storage/storageAccounts/managementPolicies');
    // One policy per account, and it must be called 'default'.
    expect(str(policy.body['name'])).toBe("[format('{0}/{1}', parameters('storageName'), 'default')]");
    const rules = at(policy.body, 'properties', 'policy', 'rules');
    expect(Array.isArray(rules)).toBe(true);
    const rule = (rules as Parameters<typeof at>[0][]).find((r) => at(r, 'name') === 'delete-abandoned-work');
    expect(at(rule, 'enabled')).toBe(true);
    expect(at(rule, 'type')).toBe('Lifecycle');
    expect(at(rule, 'definition', 'filters', 'blobTypes')).toEqual(['blockBlob']);
    // A lifecycle prefix starts with the container name (docs/azure-behaviour.md §8.6).
    const prefixes = at(rule, 'definition', 'filters', 'prefixMatch') as string[];
    expect(prefixes).toEqual([
      "[format('{0}/{1}', variables('workContainerName'), variables('workRunsPrefix'))]",
    ]);
    expect(resolve(policy.template, "[variables('workContainerName')]")).toBe('fedlink-work');
    // The layout of shared/workStore/store.ts: every run's documents under runs/<run>/.
    expect(resolve(policy.template, "[variables('workRunsPrefix')]")).toBe(
      runPrefix('x').replace(/x\/$/, ''),
    );
    const days = at(rule, 'definition', 'actions', 'baseBlob', 'delete', 'daysAfterModificationGreaterThan');
    expect(resolve(policy.template, days)).toBe(2);
    // Delete only: no tiering, no snapshot or version rules that could touch other containers.
    expect(Object.keys(at(rule, 'definition', 'actions') as object)).toEqual(['baseBlob']);
    expect(Object.keys(at(rule, 'definition', 'actions', 'baseBlob') as object)).toEqual(['delete']);
  });

  it('grants the identity Storage Blob Data Contributor on the work container itself', () => {
    const onWork = resourcesOfType(main, 'Microsoft.Authorization/roleAssignments').filter(
      (a) =>
        a.body['scope'] ===
        "[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('storageName'), 'default', variables('workContainerName'))]",
    );
    expect(onWork).toHaveLength(1);
    const props = at(onWork[0]!.body, 'properties');
    expect(at(props, 'roleDefinitionId')).toBe(
      "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('storageBlobDataContributor'))]",
    );
    expect(resolve(onWork[0]!.template, "[variables('storageBlobDataContributor')]")).toBe(
      'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    );
    expect(at(props, 'principalId')).toBe(
      "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('identityName')), '2023-01-31').principalId]",
    );
    expect(at(props, 'principalType')).toBe('ServicePrincipal');
    // The site starts after its grant exists.
    const site = onlyResource(main, 'Microsoft.Web/sites');
    expect(str(site.body['dependsOn'])).toContain(
      "'Microsoft.Authorization/roleAssignments', guid(resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('storageName'), 'default', variables('workContainerName'))",
    );
  });

  it('sends telemetry to Application Insights with the identity, local auth off', () => {
    const settings = appSettings();
    expect(settings.get('APPLICATIONINSIGHTS_CONNECTION_STRING')).toMatch(/ConnectionString/);
    expect(settings.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toMatch(/ClientId=.*Authorization=AAD/);
    const insights = onlyResource(main, 'Microsoft.Insights/components');
    expect(at(insights.body, 'properties', 'DisableLocalAuth')).toBe(true);
    expect(str(at(insights.body, 'properties', 'WorkspaceResourceId'))).toContain(
      'Microsoft.OperationalInsights/workspaces',
    );
  });

  it('runs as its user-assigned identity', () => {
    const site = onlyResource(main, 'Microsoft.Web/sites');
    expect(at(site.body, 'identity', 'type')).toBe('UserAssigned');
  });

  it('gives the identity the blob, queue and table data roles on its own storage', () => {
    const storageRoles = resourcesOfType(main, 'Microsoft.Authorization/roleAssignments').filter(
      (a) =>
        a.body['scope'] === "[resourceId('Microsoft.Storage/storageAccounts', parameters('storageName'))]",
    );
    expect(storageRoles).toHaveLength(1);
    const roles = at(storageRoles[0]!.template.body, 'variables', 'storageRoles');
    expect(roles).toEqual([
      "[variables('storageBlobDataOwner')]",
      "[variables('storageQueueDataContributor')]",
      "[variables('storageTableDataContributor')]",
    ]);
    const variables = storageRoles[0]!.template.body['variables'];
    expect(at(variables, 'storageBlobDataOwner')).toBe('b7e6dc6d-f1e8-4753-8033-0f276bb0955b');
    expect(at(variables, 'storageQueueDataContributor')).toBe('974c5e8b-45b9-4653-ba55-5f855dd0fb88');
    expect(at(variables, 'storageTableDataContributor')).toBe('0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3');
  });

  it('documents every parameter of every template, and outputs the URL and identity ids', () => {
    for (const template of allTemplates(main)) {
      const parameters = template.body['parameters'];
      if (!isObject(parameters)) continue;
      for (const [name, definition] of Object.entries(parameters))
        expect([template.path, name, typeof at(definition, 'metadata', 'description')]).toEqual([
          template.path,
          name,
          'string',
        ]);
    }
    const outputs = main['outputs'];
    for (const name of [
      'FUNCTION_APP_URL',
      'APP_IDENTITY_CLIENT_ID',
      'APP_IDENTITY_PRINCIPAL_ID',
      'APP_IDENTITY_RESOURCE_ID',
    ])
      expect(isObject(at(outputs, name))).toBe(true);
  });
});
