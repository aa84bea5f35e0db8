/**
 * The Durable extension's settings from the app's host.json (`extensions.durableTask`), with the
 * defaults the extension applies when a setting is absent.
 *
 * Sources (Azure/azure-functions-durable-extension):
 * - AzureStorageDurabilityProviderFactory: on the Consumption plan `maxConcurrentOrchestratorFunctions`
 *   defaults to 5, `maxConcurrentActivityFunctions` to 10 and `maxEntityOperationBatchSize` to 50;
 *   elsewhere the concurrency defaults are 10 × Environment.ProcessorCount and the batch size 5000.
 * - DurableTaskOptions.Validate: both concurrency limits must be positive integers.
 * - AzureStorageOptions.MaxQueuePollingInterval (host.json `storageProvider.maxQueuePollingInterval`,
 *   a TimeSpan string "hh:mm:ss"): default 30 seconds, must be positive.
 *
 * ASSUMED: fedlink runs on Consumption or Flex Consumption (docs/design.md), and Flex gets the
 * Consumption defaults (the factory asks IsInConsumptionPlan(); whether Flex answers true is not
 * verified). The stricter numbers are the Consumption ones anyway (5 orchestrators, batch 50).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export type HostingPlan = 'consumption' | { readonly processorCount: number };

export interface DurableTaskSettings {
  readonly hubName: string;
  readonly maxConcurrentActivityFunctions: number;
  readonly maxConcurrentOrchestratorFunctions: number;
  readonly maxEntityOperationBatchSize: number;
  /** Azure Storage's MaxQueuePollingInterval in milliseconds. */
  readonly maxQueuePollingIntervalMs: number;
}

/** The extension's defaults for a plan (AzureStorageDurabilityProviderFactory). */
export function defaultDurableTaskSettings(plan: HostingPlan = 'consumption'): DurableTaskSettings {
  const perCore = plan === 'consumption' ? undefined : 10 * plan.processorCount;
  return {
    hubName: 'DurableFunctionsHub',
    maxConcurrentOrchestratorFunctions: perCore ?? 5,
    maxConcurrentActivityFunctions: perCore ?? 10,
    maxEntityOperationBatchSize: plan === 'consumption' ? 50 : 5000,
    maxQueuePollingIntervalMs: 30_000,
  };
}

/** A .NET TimeSpan string as host.json carries it: "[d.]hh:mm:ss[.fff]". */
export function parseTimeSpanMs(text: string): number | undefined {
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$/.exec(text.trim());
  if (!match) return undefined;
  const [, d, h, m, s, f] = match;
  const fraction = f === undefined ? 0 : Number(`0.${f}`);
  return (
    (((Number(d ?? 0) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s)) * 1000 +
    Math.round(fraction * 1000)
  );
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** host.json keys are case-insensitive (the Functions host binds options that way). */
function field(obj: Record<string, unknown> | undefined, name: string): unknown {
  if (!obj) return undefined;
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : obj[key];
}

function positiveInteger(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw new Error(`host.json extensions.durableTask.${name} must be a positive integer value.`);
  return value;
}

/** Reads `extensions.durableTask` from host.json text; absent settings take the plan's defaults. */
export function durableTaskSettingsFrom(
  hostJsonText: string,
  plan: HostingPlan = 'consumption',
): DurableTaskSettings {
  const defaults = defaultDurableTaskSettings(plan);
  const durableTask = record(
    field(record(field(record(JSON.parse(hostJsonText)), 'extensions')), 'durableTask'),
  );
  const storage = record(field(durableTask, 'storageProvider'));
  const hubName = field(durableTask, 'hubName');
  const polling = field(storage, 'maxQueuePollingInterval');
  let pollingMs: number | undefined;
  if (polling !== undefined) {
    pollingMs = typeof polling === 'string' ? parseTimeSpanMs(polling) : undefined;
    if (pollingMs === undefined || pollingMs <= 0)
      throw new Error(
        'host.json storageProvider.maxQueuePollingInterval must be a positive TimeSpan ("hh:mm:ss").',
      );
  }
  return {
    hubName: typeof hubName === 'string' && hubName !== '' ? hubName : defaults.hubName,
    maxConcurrentActivityFunctions:
      positiveInteger(
        field(durableTask, 'maxConcurrentActivityFunctions'),
        'maxConcurrentActivityFunctions',
      ) ?? defaults.maxConcurrentActivityFunctions,
    maxConcurrentOrchestratorFunctions:
      positiveInteger(
        field(durableTask, 'maxConcurrentOrchestratorFunctions'),
        'maxConcurrentOrchestratorFunctions',
      ) ?? defaults.maxConcurrentOrchestratorFunctions,
    maxEntityOperationBatchSize:
      positiveInteger(field(durableTask, 'maxEntityOperationBatchSize'), 'maxEntityOperationBatchSize') ??
      defaults.maxEntityOperationBatchSize,
    maxQueuePollingIntervalMs: pollingMs ?? defaults.maxQueuePollingIntervalMs,
  };
}

/** The app's own host.json: the nearest one above this module (repo root in source and in dist). */
export function findHostJson(from: string = __dirname): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, 'host.json');
    if (existsSync(candidate) && existsSync(join(dir, 'package.json'))) return candidate;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The settings of the app's host.json, or the plan's defaults when there is none. */
export function appDurableTaskSettings(plan: HostingPlan = 'consumption'): DurableTaskSettings {
  const path = findHostJson();
  return path ? durableTaskSettingsFrom(readFileSync(path, 'utf8'), plan) : defaultDurableTaskSettings(plan);
}
