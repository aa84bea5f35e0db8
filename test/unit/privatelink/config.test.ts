/** A privateLink rule naming a type or group id fedlink does not decide is a config error listing the supported ones. */
import { ConfigError, parseConfig } from '../../../shared/config/load';

function issuesOf(yaml: string): { path: string; message: string; line?: number }[] {
  try {
    parseConfig(yaml, 'fedlink.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => ({ ...i }));
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const SUPPORTED_TYPES =
  'Microsoft.Storage/storageAccounts, Microsoft.KeyVault/vaults, Microsoft.Web/sites, Microsoft.Network/privateLinkServices, Microsoft.Sql/servers, Microsoft.DocumentDB/databaseAccounts, Microsoft.ContainerRegistry/registries';

describe('config: privateLink rules are checked against the supported types', () => {
  it('an unknown resource type and an unknown group id, each with its path and line, all at once', () => {
    const issues = issuesOf(
      [
        'privateLink:',
        '  rules:',
        '    - name: redis',
        '      action: approve',
        '      resourceTypes: [Microsoft.Cache/redis]',
        '    - name: kv',
        '      action: approve',
        '      resourceTypes: [Microsoft.KeyVault/vaults, Microsoft.Sql/servers]',
        '      groupIds: [vault, blob]',
        '',
      ].join('\n'),
    );
    expect(issues).toEqual([
      {
        path: 'privateLink.rules[0].resourceTypes[0]',
        message: `fedlink does not decide private endpoint connections of Microsoft.Cache/redis; supported: ${SUPPORTED_TYPES}`,
        line: 5,
        column: expect.any(Number) as unknown,
      },
      {
        path: 'privateLink.rules[1].groupIds[1]',
        message:
          'no resource type of this rule has the group id "blob"; supported: Microsoft.KeyVault/vaults: vault; Microsoft.Sql/servers: sqlServer',
        line: 9,
        column: expect.any(Number) as unknown,
      },
    ]);
  });

  it('a group id on a private link service (which has none) is an error too', () => {
    const issues = issuesOf(
      'privateLink:\n  rules:\n    - {name: pls, action: approve, resourceTypes: [Microsoft.Network/privateLinkServices], groupIds: [x]}\n',
    );
    expect(issues.map((i) => i.message)).toEqual([
      'no resource type of this rule has the group id "x"; supported: Microsoft.Network/privateLinkServices: (none)',
    ]);
  });
});
