/**
 * Logs in Azure (docs/adr/0007-observability.md): each line goes through the invocation context, which
 * the Functions host exports to Application Insights; the line is JSON with the invocation, run
 * (instance), capability and resource ids, and never a token.
 */
import { InvocationContext } from '@azure/functions';
import { invocationLogger } from '../../../functions/invocationLog';
import { REDACTED, withFields } from '../../../shared/core/log';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJmZWRsaW5rIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('invocationLogger', () => {
  it('writes one JSON line per entry through the context, with the ids and without secrets', () => {
    const lines: { level: string; text: string }[] = [];
    const context = new InvocationContext({
      invocationId: 'c0ffee00-0000-4000-8000-000000000001',
      functionName: 'syncWork',
      logHandler: (level, ...args) => lines.push({ level, text: args.map(String).join(' ') }),
    });
    const log = withFields(invocationLogger(context), {
      instanceId: 'fedlink-abc',
      capability: 'federation',
    });
    const resourceId =
      '/subscriptions/0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9/resourcegroups/rg-id/providers/microsoft.managedidentity/userassignedidentities/id-payments';
    log.info('wrote', { resourceId, action: 'create' });
    log.warn('write failed', { resourceId, reason: `401 for Bearer ${JWT}`, authorization: `Bearer ${JWT}` });

    expect(lines.map((l) => l.level)).toEqual(['information', 'warning']);
    expect(JSON.parse(lines[0]!.text)).toEqual({
      message: 'wrote',
      invocationId: 'c0ffee00-0000-4000-8000-000000000001',
      instanceId: 'fedlink-abc',
      capability: 'federation',
      resourceId,
      action: 'create',
    });
    expect(JSON.parse(lines[1]!.text)).toMatchObject({
      reason: `401 for ${REDACTED}`,
      authorization: REDACTED,
    });
    expect(lines.map((l) => l.text).join('\n')).not.toContain('eyJ');
  });
});
