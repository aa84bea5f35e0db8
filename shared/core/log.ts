/**
 * Structured logging: a constant message plus fields (resourceId, instanceId, runId, ...).
 * Never log a token or a credential (docs/style.md 17): `redact` scrubs fields whose name says
 * secret and values that look like a bearer token or a JWT, whatever logger writes them.
 */
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

const SECRET_NAME =
  /^(authorization|access_?token|refresh_?token|id_?token|token|client_?secret|secret|password|sig|x-functions-key)$/i;
const SECRET_VALUE = /\b(Bearer\s+[\w.~+/-]+=*|eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*)/g;
export const REDACTED = '[redacted]';

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.replace(SECRET_VALUE, REDACTED);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_NAME.test(k) ? REDACTED : scrub(v, depth + 1)]),
  );
}

/** The fields with secrets replaced by `[redacted]` (by field name, and bearer tokens / JWTs in any string). */
export function redact(fields: LogFields | undefined): LogFields | undefined {
  return fields === undefined ? undefined : (scrub(fields, 0) as LogFields);
}

/** A logger writing one JSON line per entry to `write` (stderr by default), at `level` and above. */
export function jsonLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): Logger {
  const at = (l: LogLevel) => (message: string, fields?: LogFields) => {
    if (order[l] >= order[level])
      write(
        JSON.stringify({ level: l, message: message.replace(SECRET_VALUE, REDACTED), ...redact(fields) }),
      );
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** `log` with `fields` (run, instance, capability ids) added to every entry; an entry's own fields win. */
export function withFields(log: Logger, fields: LogFields): Logger {
  const at =
    (l: LogLevel) =>
    (message: string, more?: LogFields): void =>
      log[l](message, { ...fields, ...more });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
