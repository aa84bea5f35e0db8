/**
 * Federated identity credentials through the real @azure/arm-msi client (docs/azure-behaviour.md §1): synchronous
 * PUT 201/200, DELETE 200/204, paging, the documented 400s, the 20 limit, and the 409 for concurrent
 * writes to one identity, detected from real overlap in time.
 */
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { RestError } from '@azure/core-rest-pipeline';
import { VirtualClock } from '../../sandbox/clock';
import { type ArmResource } from '../../sandbox/estate';
import {
  capture,
  estateOf,
  rawRequest,
  fic,
  identity,
  identityId,
  ISSUER,
  RG,
  sdkOptions,
  startTestEmulator,
  SUB,
  type TestEmulator,
} from '../helpers/emulator';

const SUBJECT = 'system:serviceaccount:payments:api';
const AUDIENCE = 'api://AzureADTokenExchange';

async function restError(p: Promise<unknown>): Promise<RestError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RestError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('emulator: federated identity credentials', () => {
  let t: TestEmulator;
  let msi: ManagedServiceIdentityClient;

  async function start(
    resources: ArmResource[],
    options: Parameters<typeof startTestEmulator>[0] extends infer O ? Partial<O> : never = {},
  ): Promise<void> {
    t = await startTestEmulator({ estate: estateOf(resources), limits: 'off', ...options });
    msi = t.clients.forSubscription(SUB).msi;
  }

  afterEach(async () => {
    await t?.close();
  });

  it('creates with 201, updates with 200, and the FIC is in the state exactly as PUT', async () => {
    await start([identity('id-a')]);
    const seen = capture(msi.pipeline);
    await msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', 'fedlink-one', {
      issuer: ISSUER,
      subject: SUBJECT,
      audiences: [AUDIENCE],
    });
    await msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', 'fedlink-one', {
      issuer: ISSUER,
      subject: SUBJECT,
      audiences: [AUDIENCE],
    });
    expect(seen.map((s) => s.status)).toEqual([201, 200]);
    const stored = t.emulator.state().resources.find((r) => r.name === 'fedlink-one');
    expect(stored).toEqual({
      id: `/subscriptions/${SUB}/resourcegroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-a/federatedIdentityCredentials/fedlink-one`,
      name: 'fedlink-one',
      type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
      properties: { issuer: ISSUER, subject: SUBJECT, audiences: [AUDIENCE] },
    });
  });

  it('deletes with 200, then 204 when it no longer exists', async () => {
    await start([identity('id-a'), fic('id-a', 'fedlink-one', ISSUER, SUBJECT)]);
    const seen = capture(msi.pipeline);
    await msi.federatedIdentityCredentials.delete(RG, 'id-a', 'fedlink-one');
    await msi.federatedIdentityCredentials.delete(RG, 'id-a', 'fedlink-one');
    expect(seen.map((s) => s.status)).toEqual([200, 204]);
    expect(t.emulator.state().resources.map((r) => r.name)).toEqual(['id-a']);
  });

  it('lists with $top and follows nextLink ($skiptoken) through every page', async () => {
    const fics = Array.from({ length: 12 }, (_, i) =>
      fic('id-a', `fic-${String(i).padStart(2, '0')}`, ISSUER, `system:serviceaccount:ns:sa${i}`),
    );
    await start([identity('id-a'), ...fics]);
    const seen = capture(msi.pipeline);
    const names: string[] = [];
    for await (const f of msi.federatedIdentityCredentials.list(RG, 'id-a', { top: 5 })) names.push(f.name!);
    expect(names).toEqual(fics.map((f) => f.name));
    expect(seen.map((s) => (s.body as { value: unknown[] }).value.length)).toEqual([5, 5, 2]);
    expect(seen[0]!.url).toContain('$top=5');
    expect((seen[0]!.body as { nextLink: string }).nextLink).toMatch(
      new RegExp(
        `^${t.emulator.endpoint}/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-a/federatedIdentityCredentials\\?api-version=2024-11-30&\\$top=5&\\$skiptoken=[A-Za-z0-9_-]+$`,
      ),
    );
    expect((seen[2]!.body as Record<string, unknown>)['nextLink']).toBeUndefined();
  });

  it('two concurrent FIC PUTs on one identity: exactly one 409 with the observed code and message', async () => {
    // Wall-clock speed and a 250 ms hold, so the two requests certainly overlap.
    await start([identity('id-a')], { clock: new VirtualClock({ scale: 1 }), latency: { ficWriteMs: 250 } });
    const results = await Promise.allSettled([
      msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', 'fedlink-one', {
        issuer: ISSUER,
        subject: `${SUBJECT}1`,
        audiences: [AUDIENCE],
      }),
      msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', 'fedlink-two', {
        issuer: ISSUER,
        subject: `${SUBJECT}2`,
        audiences: [AUDIENCE],
      }),
    ]);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    const error = rejected[0]!.reason as RestError;
    expect(error.statusCode).toBe(409);
    expect(error.code).toBe('ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity');
    expect(error.message).toBe(
      `Too many Federated Identity Credentials are written concurrently for the managed identity '${identityId('id-a').toLowerCase()}'. ` +
        'Concurrent Federated Identity Credentials writes under the same managed identity are not supported.',
    );
    expect(t.emulator.metrics().conflicts409).toBe(1);
    expect(
      t.emulator.state().resources.filter((r) => r.type.endsWith('federatedIdentityCredentials')),
    ).toHaveLength(1);
  });

  it('a delete overlapping a write on the same identity is refused too; different identities run in parallel', async () => {
    await start(
      [identity('id-a'), identity('id-b'), fic('id-a', 'old', ISSUER, 'system:serviceaccount:x:y')],
      {
        clock: new VirtualClock({ scale: 1 }),
        latency: { ficWriteMs: 250 },
      },
    );
    const results = await Promise.allSettled([
      msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', 'new-one', {
        issuer: ISSUER,
        subject: SUBJECT,
        audiences: [AUDIENCE],
      }),
      msi.federatedIdentityCredentials.delete(RG, 'id-a', 'old'),
      msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-b', 'new-one', {
        issuer: ISSUER,
        subject: SUBJECT,
        audiences: [AUDIENCE],
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(((results[1] as PromiseRejectedResult).reason as RestError).statusCode).toBe(409);
  });

  it('refuses a 21st FIC with the synthetic 400 and writes nothing', async () => {
    const twenty = Array.from({ length: 20 }, (_, i) =>
      fic('id-a', `fic-${i}`, ISSUER, `system:serviceaccount:ns:sa${i}`),
    );
    await start([identity('id-a'), ...twenty]);
    const e = await restError(
      msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', 'fic-20', {
        issuer: ISSUER,
        subject: SUBJECT,
        audiences: [AUDIENCE],
      }),
    );
    expect(e.statusCode).toBe(400);
    expect(e.code).toBe('FedlinkEmulatorFederatedIdentityCredentialLimitExceeded');
    expect(t.emulator.state().resources).toHaveLength(21);
    // Updating one of the twenty is still allowed.
    await msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', 'fic-3', {
      issuer: ISSUER,
      subject: SUBJECT,
      audiences: [AUDIENCE],
    });
  });

  it.each([
    [
      'a duplicate issuer+subject under another name',
      'other',
      { issuer: ISSUER, subject: SUBJECT, audiences: [AUDIENCE] },
      'Issuer and subject combination already exists for this Managed Identity.',
    ],
    [
      'two audiences',
      'fic-x',
      { issuer: ISSUER, subject: 'system:serviceaccount:a:b', audiences: [AUDIENCE, 'api://other'] },
      'Federated Identity Credentials must have exactly one audience.',
    ],
    [
      'no audience',
      'fic-x',
      { issuer: ISSUER, subject: 'system:serviceaccount:a:b', audiences: [] },
      'Federated Identity Credentials must have exactly one audience.',
    ],
    [
      'a name starting with a dash',
      '-bad',
      { issuer: ISSUER, subject: 'system:serviceaccount:a:b', audiences: [AUDIENCE] },
      "Federated Identity Credential name '-bad' is invalid.",
    ],
    [
      'a two-character name',
      'ab',
      { issuer: ISSUER, subject: 'system:serviceaccount:a:b', audiences: [AUDIENCE] },
      "Federated Identity Credential name 'ab' is invalid.",
    ],
    [
      'a 121-character name',
      'a'.repeat(121),
      { issuer: ISSUER, subject: 'system:serviceaccount:a:b', audiences: [AUDIENCE] },
      `Federated Identity Credential name '${'a'.repeat(121)}' is invalid.`,
    ],
    [
      'an issuer that is not a URI',
      'fic-x',
      { issuer: 'not a uri', subject: 'system:serviceaccount:a:b', audiences: [AUDIENCE] },
      "Federated Identity Credential issuer 'not a uri' is not a valid URI.",
    ],
    [
      'an issuer with a leading space',
      'fic-x',
      { issuer: ` ${ISSUER}`, subject: 'system:serviceaccount:a:b', audiences: [AUDIENCE] },
      `Federated Identity Credential issuer ' ${ISSUER}' is not a valid URI.`,
    ],
    [
      'an issuer over 600 characters',
      'fic-x',
      { issuer: `https://x/${'a'.repeat(600)}`, subject: 'system:serviceaccount:a:b', audiences: [AUDIENCE] },
      'Federated Identity Credential issuer must be at most 600 characters.',
    ],
    [
      'a subject over 600 characters',
      'fic-x',
      { issuer: ISSUER, subject: 's'.repeat(601), audiences: [AUDIENCE] },
      'Federated Identity Credential subject must be at most 600 characters.',
    ],
    [
      'no subject',
      'fic-x',
      { issuer: ISSUER, audiences: [AUDIENCE] },
      'Federated Identity Credential subject is required.',
    ],
  ])('400 for %s', async (_what, name, body, message) => {
    await start([identity('id-a'), fic('id-a', 'existing', ISSUER, SUBJECT)]);
    const e = await restError(msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', name, body));
    expect([e.statusCode, e.code, e.message]).toEqual([400, 'BadRequest', message]);
    expect(t.emulator.state().resources).toHaveLength(2);
  });

  it('400 for empty properties (raw REST: the SDK always sends the three fields)', async () => {
    await start([identity('id-a')]);
    const r = await rawRequest(
      t.emulator,
      'PUT',
      `${identityId('id-a')}/federatedIdentityCredentials/fic-x?api-version=2024-11-30`,
      { properties: {} },
    );
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      error: {
        code: 'BadRequest',
        message: 'Federated Identity Credential from HTTP body has empty properties',
      },
    });
  });

  it('404 with the documented message when the parent identity does not exist', async () => {
    await start([identity('id-a')]);
    const e = await restError(
      msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-missing', 'fic-x', {
        issuer: ISSUER,
        subject: SUBJECT,
        audiences: [AUDIENCE],
      }),
    );
    expect([e.statusCode, e.message]).toEqual([404, "The parent user-assigned identity doesn't exist."]);
    const list = await restError(
      (async () => {
        for await (const _ of msi.federatedIdentityCredentials.list(RG, 'id-missing')) void _;
      })(),
    );
    expect(list.statusCode).toBe(404);
  });

  it('"foreign FIC writer" fault: a seeded share of writes see the identity held (409), reproducibly', async () => {
    const outcomes: string[][] = [];
    for (let run = 0; run < 2; run++) {
      await start([identity('id-a')], { faults: { foreignFicWriter: 0.5 }, seed: 42 });
      const statuses: string[] = [];
      for (let i = 0; i < 10; i++) {
        try {
          await msi.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', `fic-${i}`, {
            issuer: ISSUER,
            subject: `${SUBJECT}${i}`,
            audiences: [AUDIENCE],
          });
          statuses.push('ok');
        } catch (e) {
          statuses.push(String((e as RestError).statusCode));
        }
      }
      outcomes.push(statuses);
      await t.close();
    }
    expect(outcomes[0]).toEqual(outcomes[1]);
    expect(outcomes[0]).toContain('409');
    expect(outcomes[0]).toContain('ok');
    t = await startTestEmulator({ estate: estateOf([]) });
  });

  it('the MSI client at the fixtures api-version (2026-05-31) is served as well', async () => {
    await start([identity('id-a')]);
    const client = new ManagedServiceIdentityClient(
      t.emulator.credential,
      SUB,
      sdkOptions(t.emulator, { apiVersion: '2026-05-31' }),
    );
    const seen = capture(client.pipeline);
    await client.federatedIdentityCredentials.createOrUpdate(RG, 'id-a', 'fic-new', {
      issuer: ISSUER,
      subject: SUBJECT,
      audiences: [AUDIENCE],
    });
    expect(seen[0]!.url).toContain('api-version=2026-05-31');
    expect(seen[0]!.status).toBe(201);
  });
});
