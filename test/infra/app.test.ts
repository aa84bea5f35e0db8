/**
 * The Function App in the COMMITTED infra/main.json: Flex Consumption on Node 22, every setting
 * shared/config/env.ts reads, storage through the managed identity only, the data roles the durable
 * Azure Storage backend needs, and documented parameters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS } from '../../shared/config/env';
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
