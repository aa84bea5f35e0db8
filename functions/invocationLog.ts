/**
 * A `Logger` over the Functions invocation context: in Azure every line goes through
 * `context.info/warn/...`, so Application Insights correlates it with the invocation (its
 * invocation id and operation id) and the host's own log level and sampling apply. Fields are
 * redacted like every fedlink log line (shared/core/log.ts: no tokens or secrets).
 */
import { type InvocationContext } from '@azure/functions';
import { type LogFields, type Logger, redact } from '../shared/core/log';

export function invocationLogger(context: InvocationContext): Logger {
  const line = (message: string, fields?: LogFields): string =>
    JSON.stringify({ message, invocationId: context.invocationId, ...redact(fields) });
  return {
    debug: (message, fields) => context.debug(line(message, fields)),
    info: (message, fields) => context.info(line(message, fields)),
    warn: (message, fields) => context.warn(line(message, fields)),
    error: (message, fields) => context.error(line(message, fields)),
  };
}
