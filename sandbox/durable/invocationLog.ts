/**
 * Routes `context.log` / `context.info` ... of orchestrator and entity functions (the
 * @azure/functions InvocationContext log handler) to the host's injected logger, with the function
 * and instance as fields (docs/style.md 17). Quiet by default: the host's logger defaults to silent.
 */
import { type LogHandler } from '@azure/functions';
import { inspect } from 'node:util';
import { type Logger } from '../../shared/core/log';

export function invocationLogHandler(log: Logger, fields: Readonly<Record<string, string>>): LogHandler {
  return (level, ...args) => {
    const message = args
      .map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 4, breakLength: Infinity })))
      .join(' ');
    switch (level) {
      case 'trace':
      case 'debug':
        return log.debug(message, fields);
      case 'information':
        return log.info(message, fields);
      case 'warning':
        return log.warn(message, fields);
      case 'error':
      case 'critical':
        return log.error(message, fields);
      case 'none':
        return;
    }
  };
}
