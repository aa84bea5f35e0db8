/**
 * The runner's read back for federation (shared/federation/act.ts `afterWrites`): a synchronous FIC PUT
 * or DELETE answered 2xx tells the identity's FICs afterwards, so no second list is read.
 */
import { type Fic } from '../../../shared/core/model';
import { afterWrites } from '../../../shared/federation/act';
import { type FicWrite } from '../../../shared/federation/plan';

const ID =
  '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-a';
const ISSUER = 'https://eastus.oic.prod-aks.azure.com/t/u1/';
const fic = (name: string, subject: string, issuer = ISSUER): Fic => ({
  id: `${ID}/federatedIdentityCredentials/${name}`,
  name,
  issuer,
  subject,
  audiences: ['api://AzureADTokenExchange'],
});

describe('afterWrites', () => {
  const observed = [
    fic('fedlink-a', 'system:serviceaccount:ns:old'),
    fic('Fedlink-Gone', 'system:serviceaccount:ns:x'),
    fic('theirs', 'system:serviceaccount:ns:y'),
  ];
  const done: FicWrite[] = [
    {
      kind: 'update',
      name: 'fedlink-a',
      issuer: ISSUER,
      subject: 'system:serviceaccount:ns:api',
      audience: 'api://AzureADTokenExchange',
      reason: 'subject',
    },
    {
      kind: 'create',
      name: 'fedlink-b',
      issuer: 'https://eastus.oic.prod-aks.azure.com/t/u2/',
      subject: 'system:serviceaccount:ns:api',
      audience: 'api://AzureADTokenExchange',
      reason: 'new',
    },
    {
      kind: 'delete',
      name: 'fedlink-gone',
      issuer: ISSUER,
      subject: 'system:serviceaccount:ns:x',
      reason: 'gone',
    },
  ];

  it('applies updates, creates and deletes (names case-insensitively), keeping what was not written', () => {
    expect(afterWrites(ID, observed, done)).toEqual([
      fic('fedlink-a', 'system:serviceaccount:ns:api'),
      fic('theirs', 'system:serviceaccount:ns:y'),
      fic('fedlink-b', 'system:serviceaccount:ns:api', 'https://eastus.oic.prod-aks.azure.com/t/u2/'),
    ]);
  });

  it('with no writes it is the observed set', () => {
    expect(afterWrites(ID, observed, [])).toEqual(observed);
  });
});
