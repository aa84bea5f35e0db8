/**
 * The custom role in the COMMITTED infra/main.json grants exactly the actions of the code's manifest
 * (shared/azure/permissions.ts), and the manifest covers exactly the SDK calls shared/azure makes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARM_ACTIONS, ARM_PERMISSIONS } from '../../shared/azure/permissions';
import {
  at,
  loadMainTemplate,
  moduleParameter,
  onlyResource,
  REPO,
  resolve,
  resourcesOfType,
  str,
} from './template';

const main = loadMainTemplate();
const mainText = readFileSync(join(REPO, 'infra', 'main.json'), 'utf8');

const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const MANAGED_IDENTITY_CONTRIBUTOR = 'e40ec5ca-96e0-45a2-b4ff-59039f2c2b59';

function roleDefinition() {
  return onlyResource(main, 'Microsoft.Authorization/roleDefinitions');
}

function grantedActions(): string[] {
  const role = roleDefinition();
  const permissions = at(role.body, 'properties', 'permissions');
  expect(Array.isArray(permissions) && permissions.length === 1).toBe(true);
  const first = (permissions as unknown[])[0] as Parameters<typeof at>[0];
  const actions = resolve(role.template, at(first, 'actions'));
  expect(Array.isArray(actions)).toBe(true);
  for (const key of ['notActions', 'dataActions', 'notDataActions']) expect(at(first, key)).toEqual([]);
  return actions as string[];
}

/** Client property in shared/azure/clients.ts → SDK client class. */
const CLIENT_CLASSES: Record<string, string> = {
  containerService: 'ContainerServiceClient',
  msi: 'ManagedServiceIdentityClient',
  network: 'NetworkManagementClient',
  privateDns: 'PrivateDnsManagementClient',
  resources: 'ResourceManagementClient',
  subscriptions: 'SubscriptionClient',
};

/** Every `Client.group.method` that shared/azure calls, read from its source. */
function sdkCallsInCode(): Set<string> {
  const calls = new Set<string>();
  // Every adapter in shared/azure (the ports' implementations), not one file: a call moved or added in
  // any of them must be in the manifest.
  const dir = join(REPO, 'shared', 'azure');
  const adapters = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'permissions.ts')
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n')
    .replace(/\s+/g, '');
  for (const m of adapters.matchAll(
    /\.(containerService|msi|network|privateDns|resources|subscriptions)\.(\w+)\.(\w+)\(/g,
  ))
    calls.add(`${CLIENT_CLASSES[m[1]!]}.${m[2]}.${m[3]}`);
  const graph = readFileSync(join(REPO, 'shared', 'azure', 'resourceGraph.ts'), 'utf8');
  if (/\bclient\.resources\(/.test(graph)) calls.add('ResourceGraphClient.resources');
  return calls;
}

describe('the fedlink custom role (infra/main.json)', () => {
  it('grants exactly the actions of shared/azure/permissions.ts, in its order', () => {
    expect(grantedActions()).toEqual([...ARM_ACTIONS]);
  });

  it('grants no wildcard, no identity write and no private-link or DNS action the code does not call', () => {
    for (const action of grantedActions()) {
      expect(action).not.toContain('*');
      expect(action.toLowerCase()).not.toBe('microsoft.managedidentity/userassignedidentities/write');
      // Approvals are PUTs of the connection; fedlink creates no endpoint, so no approval-on-create action.
      expect(action.toLowerCase()).not.toMatch(/privateendpointconnectionsapproval/);
    }
    // Private link actions: only those of the calls ./armPrivateLink.ts makes (listed in the manifest).
    const privateLink = grantedActions().filter(
      (a) => /privateendpoint|privatelink/i.test(a) && !/privatedns/i.test(a),
    );
    expect(privateLink).toEqual(
      ARM_PERMISSIONS.filter(
        (p) =>
          p.calls.some((c) => /Connection|PrivateEndpoint/.test(c)) &&
          /privateendpoint|privatelink/i.test(p.action) &&
          !/privatedns/i.test(p.action),
      ).map((p) => p.action),
    );
    expect(privateLink).toContain('Microsoft.KeyVault/vaults/privateEndpointConnections/write');
  });

  it('grants exactly the private DNS actions the DNS capability calls (shared/azure/armPrivateDns.ts)', () => {
    expect(
      grantedActions().filter((a) =>
        /privatedns|privateendpoints|virtualnetworks|locations\/operations/i.test(a),
      ),
    ).toEqual([
      'Microsoft.Network/privateDnsZones/read',
      'Microsoft.Network/privateDnsZones/virtualNetworkLinks/read',
      'Microsoft.Network/privateDnsZones/virtualNetworkLinks/write',
      'Microsoft.Network/virtualNetworks/join/action',
      'Microsoft.Network/privateDnsOperationStatuses/read',
      'Microsoft.Network/privateDnsZones/A/read',
      'Microsoft.Network/privateEndpoints/read',
      'Microsoft.Network/privateEndpoints/privateDnsZoneGroups/read',
      'Microsoft.Network/privateEndpoints/privateDnsZoneGroups/write',
      'Microsoft.Network/privateDnsZones/join/action',
      'Microsoft.Network/locations/operations/read',
    ]);
  });

  it('is a custom role assignable to the watched subscriptions', () => {
    const role = roleDefinition();
    expect(at(role.body, 'properties', 'type')).toBe('CustomRole');
    expect(str(at(role.body, 'properties', 'assignableScopes'))).toContain("variables('subscriptionIds')");
  });

  it('never assigns Contributor, Owner or Managed Identity Contributor', () => {
    for (const id of [CONTRIBUTOR, OWNER, MANAGED_IDENTITY_CONTRIBUTOR]) expect(mainText).not.toContain(id);
  });

  it('is assigned to the app identity in every watched subscription, under a deterministic guid() name', () => {
    const watched = main['resources'] as Record<string, Parameters<typeof at>[0]>;
    expect(at(watched['watched'], 'copy', 'count')).toBe("[length(variables('subscriptionIds'))]");
    expect(at(watched['watched'], 'subscriptionId')).toBe("[variables('subscriptionIds')[copyIndex()]]");

    const assignments = resourcesOfType(main, 'Microsoft.Authorization/roleAssignments').filter((a) =>
      str(at(a.body, 'properties', 'roleDefinitionId')).includes("parameters('roleDefinitionName')"),
    );
    expect(assignments).toHaveLength(1);
    const assignment = assignments[0]!;
    expect(assignment.template.path).toBe('/watched');
    expect(moduleParameter(assignment.template, 'roleDefinitionName')).toBe(
      "[variables('roleDefinitionName')]",
    );
    expect(moduleParameter(assignment.template, 'appPrincipalId')).toBe(
      "[reference('app').outputs.identityPrincipalId.value]",
    );
    expect(at(assignment.body, 'properties', 'principalType')).toBe('ServicePrincipal');
    expect(str(at(assignment.body, 'name'))).toMatch(
      /^\[guid\(subscription\(\)\.id, parameters\('appIdentityId'\)/,
    );
  });

  it('names every role assignment with guid() of compile-time values', () => {
    const assignments = resourcesOfType(main, 'Microsoft.Authorization/roleAssignments');
    // storage data roles (one copy loop), the work container's, App Insights publisher, fedlink role,
    // dead-letter writer
    expect(assignments).toHaveLength(5);
    for (const a of assignments) {
      const name = str(a.body['name']);
      expect(name).toMatch(/^\[guid\(/);
      expect(name).not.toMatch(/reference\(|principalId/i);
    }
  });
});

describe('shared/azure/permissions.ts', () => {
  it('lists every SDK call shared/azure makes, and none it does not make', () => {
    const manifestCalls = new Set(ARM_PERMISSIONS.flatMap((p) => p.calls.map((c) => c.split(' ')[0]!)));
    expect([...manifestCalls].sort()).toEqual([...sdkCallsInCode()].sort());
  });

  it('has each action once', () => {
    expect(new Set(ARM_ACTIONS.map((a) => a.toLowerCase())).size).toBe(ARM_ACTIONS.length);
  });

  it('finds calls in the source (the reader above is not vacuous)', () => {
    const calls = sdkCallsInCode();
    expect(calls).toContain('ManagedServiceIdentityClient.federatedIdentityCredentials.createOrUpdate');
    expect(calls).toContain('SubscriptionClient.subscriptions.list');
    expect(calls).toContain('ResourceGraphClient.resources');
  });
});
