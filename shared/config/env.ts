/**
 * Runtime settings from environment variables, parsed once and all problems reported at once.
 * This module does not read `process.env` itself: functions/runtime.ts (the one module that does,
 * docs/style.md 9) hands the environment in, and tests hand in a plain object.
 *
 * | variable                          | meaning                                                              |
 * | --------------------------------- | -------------------------------------------------------------------- |
 * | FEDLINK_CONFIG                    | path of the config file (YAML or JSON)                               |
 * | FEDLINK_CONFIG_JSON               | the config itself, inline (JSON; YAML also accepted)                 |
 * |                                   | neither set: every default (docs/design.md "Config"); both set: an error  |
 * | AZURE_RESOURCE_MANAGER_ENDPOINT   | ARM endpoint, https; default https://management.azure.com            |
 * | FEDLINK_LOG_LEVEL                 | debug, info (default), warn or error                                 |
 * | AZURE_CLIENT_ID                   | client id of the app's user-assigned managed identity; when set, the |
 * |                                   | app authenticates with exactly that identity (ManagedIdentityCredential) |
 * |                                   | instead of probing the DefaultAzureCredential chain                  |
 * | FEDLINK_REPORTS_URL               | blob container that keeps the fleet check reports (latest + history),|
 * |                                   | `https://<account>.blob.core.windows.net/<container>`, reached with  |
 * |                                   | the same credential (no key, no SAS); unset: reports are not kept    |
 * | FEDLINK_WORK_URL                  | REQUIRED. Blob container of the fleet checks' work store (claim     |
 * |                                   | check, docs/adr/0008-work-store.md), same form and credential as     |
 * |                                   | FEDLINK_REPORTS_URL; unset: the worker refuses to start              |
 * | APPLICATIONINSIGHTS_CONNECTION_STRING | Application Insights to send fedlink's metrics to (OpenTelemetry,   |
 * |                                   | signed in as the app's identity); unset: no metrics exported         |
 * |                                   | (docs/adr/0007-observability.md)                                      |
 */
import { type LogLevel } from '../core/log';
import { ConfigError, type ConfigIssue } from './issues';
import { loadConfig, parseConfig } from './load';
import { configSchema, type FedlinkConfig } from './schema';

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The environment variables read here, by role. infra/ sets each of them as an App Setting
 * (test/infra checks it against this table); `config` and `configJson` are alternatives.
 */
export const SETTINGS = {
  config: 'FEDLINK_CONFIG',
  configJson: 'FEDLINK_CONFIG_JSON',
  armEndpoint: 'AZURE_RESOURCE_MANAGER_ENDPOINT',
  logLevel: 'FEDLINK_LOG_LEVEL',
  managedIdentityClientId: 'AZURE_CLIENT_ID',
  reportsUrl: 'FEDLINK_REPORTS_URL',
  workUrl: 'FEDLINK_WORK_URL',
  appInsightsConnectionString: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
} as const;

export interface RuntimeSettings {
  readonly config: FedlinkConfig;
  /** Where the config came from, for the startup log line: a path, `FEDLINK_CONFIG_JSON` or `defaults`. */
  readonly configSource: string;
  /** undefined: the public cloud (the default of createArmClients). */
  readonly armEndpoint: string | undefined;
  readonly logLevel: LogLevel;
  /** AZURE_CLIENT_ID: use this user-assigned managed identity. */
  readonly managedIdentityClientId: string | undefined;
  /** FEDLINK_REPORTS_URL: the report container's URL; undefined: reports are not kept. */
  readonly reportsUrl: string | undefined;
  /**
   * FEDLINK_WORK_URL: the work store's container URL. Required: a fleet check's work items and outcomes
   * live there between activities that may run on different workers, so a store in one worker's
   * memory cannot stand in for it (docs/adr/0008-work-store.md).
   */
  readonly workUrl: string;
  /** APPLICATIONINSIGHTS_CONNECTION_STRING; undefined: metrics are not exported. */
  readonly appInsightsConnectionString: string | undefined;
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
/** Blob container names: 3-63 lower-case letters, digits and single hyphens, starting and ending alphanumeric. */
const CONTAINER = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A set variable with surrounding whitespace removed; '' counts as unset (App Settings often hold ''). */
function read(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * Reads every setting; throws one `ConfigError` (source `environment`) listing every bad variable,
 * or the config's own `ConfigError` (naming the file) when the variables are fine but the config is not.
 */
export function readRuntimeSettings(env: Environment): RuntimeSettings {
  const issues: ConfigIssue[] = [];

  const levelText = read(env, SETTINGS.logLevel)?.toLowerCase() ?? 'info';
  const logLevel: LogLevel = isLogLevel(levelText) ? levelText : 'info';
  if (!isLogLevel(levelText))
    issues.push({
      path: SETTINGS.logLevel,
      message: `expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(levelText)}`,
    });

  const endpointText = read(env, SETTINGS.armEndpoint);
  let armEndpoint: string | undefined;
  if (endpointText !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(endpointText);
    } catch {
      url = undefined;
    }
    // core-rest-pipeline refuses to send a bearer token over plain http, so catch it here, at startup.
    if (!url || url.protocol !== 'https:')
      issues.push({
        path: SETTINGS.armEndpoint,
        message: `expected an https URL, got ${JSON.stringify(endpointText)}`,
      });
    else armEndpoint = endpointText.replace(/\/+$/, '');
  }

  const managedIdentityClientId = read(env, SETTINGS.managedIdentityClientId);
  if (managedIdentityClientId !== undefined && !GUID.test(managedIdentityClientId)) {
    issues.push({
      path: SETTINGS.managedIdentityClientId,
      message: `expected a GUID (the managed identity's client id), got ${JSON.stringify(managedIdentityClientId)}`,
    });
  }

  const reportsText = read(env, SETTINGS.reportsUrl);
  let reportsUrl: string | undefined;
  if (reportsText !== undefined) {
    const problem = containerUrlProblem(reportsText);
    if (problem) issues.push({ path: SETTINGS.reportsUrl, message: problem });
    else reportsUrl = reportsText.replace(/\/+$/, '');
  }

  const workText = read(env, SETTINGS.workUrl);
  let workUrl = '';
  if (workText === undefined)
    issues.push({
      path: SETTINGS.workUrl,
      message:
        "required: the blob container of the fleet checks' work store, https://<account>.blob.core.windows.net/fedlink-work " +
        '(infra/modules/app.bicep sets it)',
    });
  else {
    const problem = containerUrlProblem(workText);
    if (problem) issues.push({ path: SETTINGS.workUrl, message: problem });
    else workUrl = workText.replace(/\/+$/, '');
  }

  const appInsightsConnectionString = read(env, SETTINGS.appInsightsConnectionString);
  if (
    appInsightsConnectionString !== undefined &&
    !/(^|;)\s*InstrumentationKey=[^;]+/i.test(appInsightsConnectionString)
  )
    issues.push({
      path: SETTINGS.appInsightsConnectionString,
      message:
        'expected an Application Insights connection string (InstrumentationKey=...;IngestionEndpoint=...)',
    });

  const configPath = read(env, SETTINGS.config);
  const configJson = read(env, SETTINGS.configJson);
  if (configPath !== undefined && configJson !== undefined) {
    issues.push({ path: SETTINGS.config, message: 'set FEDLINK_CONFIG or FEDLINK_CONFIG_JSON, not both' });
  }

  if (issues.length > 0) throw new ConfigError('environment', issues);

  let config: FedlinkConfig;
  let configSource: string;
  if (configPath !== undefined) {
    config = loadConfig(configPath);
    configSource = configPath;
  } else if (configJson !== undefined) {
    config = parseConfig(configJson, SETTINGS.configJson);
    configSource = SETTINGS.configJson;
  } else {
    config = configSchema.parse({});
    configSource = 'defaults';
  }
  return {
    config,
    configSource,
    armEndpoint,
    logLevel,
    managedIdentityClientId,
    reportsUrl,
    workUrl,
    appInsightsConnectionString,
  };
}

/**
 * Why `text` is not a blob container URL the app can use, or undefined when it is one: https (a bearer
 * token is never sent over http), a path of exactly one valid container name, and no query string (a
 * SAS token there would be a key in an App Setting; the app uses its identity).
 */
function containerUrlProblem(text: string): string | undefined {
  const expected = 'expected https://<account>.blob.core.windows.net/<container>';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${expected}, got ${JSON.stringify(text)}`;
  }
  if (url.protocol !== 'https:') return `${expected} (https), got ${JSON.stringify(text)}`;
  if (url.search !== '' || url.username !== '' || url.password !== '')
    return 'must not carry a query string or credentials (no SAS token): the app reaches it with its identity';
  const segments = url.pathname.split('/').filter((s) => s !== '');
  if (segments.length !== 1 || !CONTAINER.test(segments[0]!))
    return `${expected}: the path must be one container name (3-63 lower-case letters, digits, hyphens), got ${JSON.stringify(url.pathname)}`;
  return undefined;
}
