import { jsonLogger, redact, withFields } from '../../../shared/core/log';

describe('logs', () => {
  it('never carry a token or a secret, by field name or by the look of the value', () => {
    const lines: string[] = [];
    const log = jsonLogger('debug', (l) => lines.push(l));
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJmZWRsaW5rIn0.c2lnbmF0dXJlLXZhbHVl';
    log.info('called ARM', {
      resourceId: '/subscriptions/s',
      authorization: `Bearer ${jwt}`,
      nested: { client_secret: 's3cr3t', note: `header was Bearer ${jwt}` },
      lockKey: 'aks-prod:0123',
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(jwt);
    expect(lines[0]).not.toContain('s3cr3t');
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 'info',
      message: 'called ARM',
      resourceId: '/subscriptions/s',
      authorization: '[redacted]',
      nested: { client_secret: '[redacted]', note: 'header was [redacted]' },
      lockKey: 'aks-prod:0123',
    });
    expect(redact({ token: 'x', code: 'AuthorizationFailed', instanceId: 'i' })).toEqual({
      token: '[redacted]',
      code: 'AuthorizationFailed',
      instanceId: 'i',
    });
  });

  it('withFields adds the run ids to every line', () => {
    const lines: string[] = [];
    const log = withFields(
      jsonLogger('info', (l) => lines.push(l)),
      { instanceId: 'fedlink:drift', capability: 'federation' },
    );
    log.warn('write failed', { resourceId: 'r' });
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 'warn',
      message: 'write failed',
      instanceId: 'fedlink:drift',
      capability: 'federation',
      resourceId: 'r',
    });
  });
});
