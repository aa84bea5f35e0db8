import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import {
  ArmError,
  classify,
  ERROR_TABLE,
  isArmErrorData,
  retryAfterSecondsFrom,
  toArmError,
  hmsToSeconds,
  type ArmErrorData,
} from '../../../shared/azure/errors';

const request = createPipelineRequest({ url: 'https://management.azure.com/subscriptions/x' });

/** A RestError as core-client / @azure-rest/core-client build it from an ARM error response. */
function restError(
  status: number,
  code: string | undefined,
  headers: Record<string, string> = {},
  message = 'ARM says no',
): RestError {
  return new RestError(message, {
    statusCode: status,
    ...(code !== undefined ? { code } : {}),
    request,
    response: {
      request,
      status,
      headers: createHttpHeaders(headers),
      bodyAsText: JSON.stringify({ error: { code, message } }),
    },
  });
}

describe('the classification table', () => {
  it.each([
    // code rows: the code decides, whatever the status
    [409, 'ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity', 'retryable'],
    [409, 'AnotherOperationInProgress', 'retryable'],
    [429, 'RetryableErrorDueToAnotherOperation', 'retryable'],
    [429, 'SubscriptionRequestsThrottled', 'throttled'],
    [429, 'TooManyRequestsReceived', 'throttled'],
    [429, 'TooManyRequests', 'throttled'],
    [409, 'ScopeLocked', 'terminal'],
    [409, 'ReadOnlyDisabledSubscription', 'terminal'],
    [409, 'MissingSubscriptionRegistration', 'terminal'],
    [409, 'ResourceGroupBeingDeleted', 'terminal'],
    [undefined, 'ECONNRESET', 'retryable'],
    [undefined, 'ETIMEDOUT', 'retryable'],
    [undefined, 'ESOCKETTIMEDOUT', 'retryable'],
    [undefined, 'ECONNREFUSED', 'retryable'],
    [undefined, 'ENOTFOUND', 'retryable'],
    [undefined, 'ENOENT', 'retryable'],
    [undefined, 'EAI_AGAIN', 'retryable'],
    [undefined, 'EPIPE', 'retryable'],
    [undefined, 'ECONNABORTED', 'retryable'],
    [undefined, 'UND_ERR_SOCKET', 'retryable'],
    [undefined, 'REQUEST_SEND_ERROR', 'retryable'],
    [undefined, 'PARSE_ERROR', 'retryable'],
    // status rows: codes the table does not know
    [408, 'RequestTimeout', 'retryable'],
    [409, 'Conflict', 'retryable'],
    [429, 'SomeNewThrottle', 'throttled'],
    [429, undefined, 'throttled'],
    [500, 'InternalServerError', 'retryable'],
    [502, undefined, 'retryable'],
    [503, 'ServiceUnavailable', 'retryable'],
    [504, 'GatewayTimeout', 'retryable'],
    [501, 'NotImplemented', 'terminal'],
    [505, undefined, 'terminal'],
    [400, 'BadRequest', 'terminal'],
    [400, 'InvalidParameter', 'terminal'],
    [401, 'InvalidAuthenticationToken', 'terminal'],
    [403, 'AuthorizationFailed', 'terminal'],
    [403, 'LinkedAuthorizationFailed', 'terminal'],
    [404, 'ResourceNotFound', 'terminal'],
    [405, undefined, 'terminal'],
    [412, 'PreconditionFailed', 'terminal'],
    [undefined, undefined, 'terminal'],
    [undefined, 'SomethingOdd', 'terminal'],
  ] as const)('status %p, code %p → %s', (status, code, expected) => {
    expect(classify(status, code).classification).toBe(expected);
  });

  it('matches codes case-insensitively and names the row that decided', () => {
    expect(classify(409, 'anotheroperationinprogress')).toEqual({
      classification: 'retryable',
      rule: 'code AnotherOperationInProgress',
    });
    expect(classify(503, undefined)).toEqual({ classification: 'retryable', rule: 'status 5xx' });
    expect(classify(418, undefined)).toEqual({ classification: 'terminal', rule: 'status 4xx' });
    expect(classify(undefined, undefined)).toEqual({ classification: 'terminal', rule: 'unclassified' });
  });

  it('has every code once and every row explained', () => {
    const codes = ERROR_TABLE.flatMap((r) => ('code' in r ? [r.code.toLowerCase()] : []));
    expect(new Set(codes).size).toBe(codes.length);
    for (const row of ERROR_TABLE) expect(row.why.length).toBeGreaterThan(5);
  });
});

describe('toArmError', () => {
  it('keeps status, code and message of an ARM RestError and classifies it', () => {
    const e = toArmError(
      restError(
        409,
        'ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity',
        {},
        'Too many Federated Identity Credentials are written concurrently',
      ),
      {
        resourceId:
          '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id',
      },
    );
    expect(e).toBeInstanceOf(ArmError);
    expect(e).toMatchObject({
      status: 409,
      code: 'ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity',
      message: 'Too many Federated Identity Credentials are written concurrently',
      classification: 'retryable',
      resourceId:
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id',
      retryAfterSeconds: undefined,
    });
    expect(e.transient).toBe(true);
  });

  it('honours Retry-After on a throttled 429', () => {
    const e = toArmError(restError(429, 'SubscriptionRequestsThrottled', { 'Retry-After': '17' }));
    expect(e.classification).toBe('throttled');
    expect(e.retryAfterSeconds).toBe(17);
  });

  it('classifies a connection reset (RestError without status, Node code) as retryable', () => {
    const e = toArmError(new RestError('socket hang up', { code: 'ECONNRESET', request }));
    expect(e).toMatchObject({ status: undefined, code: 'ECONNRESET', classification: 'retryable' });
  });

  it('classifies a raw Node socket error by its code', () => {
    const socketError = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), {
      code: 'ECONNREFUSED',
    });
    expect(toArmError(socketError)).toMatchObject({ code: 'ECONNREFUSED', classification: 'retryable' });
  });

  it('uses the body text, or the status, when the error has no message', () => {
    const noMessage = new RestError('', {
      statusCode: 502,
      request,
      response: {
        request,
        status: 502,
        headers: createHttpHeaders(),
        bodyAsText: '<html>Bad gateway</html>',
      },
    });
    expect(toArmError(noMessage).message).toBe('<html>Bad gateway</html>');
    const nothing = new RestError('', {
      statusCode: 500,
      request,
      response: { request, status: 500, headers: createHttpHeaders() },
    });
    expect(toArmError(nothing).message).toBe('HTTP 500');
  });

  it('clips very long messages', () => {
    expect(toArmError(restError(500, undefined, {}, 'x'.repeat(5000))).message.length).toBeLessThanOrEqual(
      1001,
    );
  });

  it('treats an abort and an unknown error as terminal', () => {
    const abort = Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
    expect(toArmError(abort)).toMatchObject({ code: 'Aborted', classification: 'terminal' });
    expect(toArmError(new TypeError('x is undefined'))).toMatchObject({
      code: undefined,
      classification: 'terminal',
      rule: 'unclassified',
    });
    expect(toArmError('a string')).toMatchObject({ message: 'a string', classification: 'terminal' });
  });

  it('passes an ArmError through, adding the resource id when it had none', () => {
    const original = toArmError(restError(404, 'ResourceNotFound'));
    expect(toArmError(original)).toBe(original);
    expect(toArmError(original, { resourceId: '/subscriptions/s' }).resourceId).toBe('/subscriptions/s');
  });
});

describe('the serializable form (it crosses the durable activity boundary)', () => {
  it('round-trips through JSON with every field', () => {
    const e = toArmError(restError(429, 'TooManyRequestsReceived', { 'retry-after': '3' }), {
      resourceId: '/subscriptions/s',
    });
    const json: unknown = JSON.parse(JSON.stringify(e));
    expect(json).toEqual({
      kind: 'ArmError',
      status: 429,
      code: 'TooManyRequestsReceived',
      message: 'ARM says no',
      classification: 'throttled',
      rule: 'code TooManyRequestsReceived',
      retryAfterSeconds: 3,
      resourceId: '/subscriptions/s',
    });
    expect(isArmErrorData(json)).toBe(true);
    const back = toArmError(json);
    expect(back).toBeInstanceOf(ArmError);
    expect(back.toData()).toEqual(json);
    expect(ArmError.fromData(json as ArmErrorData).classification).toBe('throttled');
  });

  it('omits absent fields and rejects look-alikes', () => {
    expect(toArmError(new Error('boom')).toData()).toEqual({
      kind: 'ArmError',
      message: 'boom',
      classification: 'terminal',
      rule: 'unclassified',
    });
    expect(isArmErrorData({ kind: 'ArmError', message: 'x', classification: 'fatal', rule: 'r' })).toBe(
      false,
    );
    expect(
      isArmErrorData({
        kind: 'ArmError',
        message: 'x',
        classification: 'terminal',
        rule: 'r',
        status: '409',
      }),
    ).toBe(false);
    expect(isArmErrorData(null)).toBe(false);
  });
});

describe('Retry-After', () => {
  const headers = (h: Record<string, string>) => createHttpHeaders(h);
  it.each([
    [{ 'retry-after': '17' }, 17],
    [{ 'retry-after': '0' }, 0],
    [{ 'retry-after': '1.2' }, 2],
    [{ 'retry-after-ms': '1500' }, 2],
    [{ 'x-ms-retry-after-ms': '250' }, 1],
    [{ 'retry-after-ms': '2000', 'retry-after': '60' }, 60],
    [{ 'retry-after-ms': '2000', 'retry-after': 'garbage' }, 2],
    [{ 'x-ms-user-quota-resets-after': '00:00:03' }, 3],
    [{ 'x-ms-user-quota-resets-after': '01:02:03' }, 3723],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('%p → %p seconds', (h, seconds) => {
    expect(retryAfterSecondsFrom(headers(h))).toBe(seconds);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterSecondsFrom(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30);
    expect(retryAfterSecondsFrom(headers({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }), now)).toBe(0);
  });

  it('parses hh:mm:ss', () => {
    expect(hmsToSeconds('00:00:05')).toBe(5);
    expect(hmsToSeconds('00:00:05.5')).toBe(6);
    expect(hmsToSeconds('5 seconds')).toBeUndefined();
  });
});
