/** The command's logger: JSON lines on stderr at FEDLINK_LOG_LEVEL (default warn), in every process of it. */
import { jsonLogger, type Logger, type LogLevel } from '../shared/core/log';

export function cliLogger(): Logger {
  const level = (process.env.FEDLINK_LOG_LEVEL ?? 'warn') as LogLevel;
  return jsonLogger(['debug', 'info', 'warn', 'error'].includes(level) ? level : 'warn');
}
