/**
 * The Function App instance a sandbox worker is sized as (sandbox/workerProcess.ts, bench/): Node configures
 * V8 from the memory the process may use, a container's limit where there is one (src/api/environment.cc
 * SetIsolateCreateParamsForNode: uv_get_constrained_memory, then ResourceConstraints::ConfigureDefaults),
 * and V8 gives the old generation a quarter of it (docs/adr/0002-sandbox-virtual-time.md).
 */

/** Flex Consumption instance sizes (MB), and the one infra/main.bicep deploys by default. */
export const INSTANCE_MEMORY_SIZES = [512, 2048, 4096] as const;
export const DEFAULT_INSTANCE_MEMORY_MB = 2048;

/**
 * The V8 heap limit (MB) of a Node worker in an instance with this much memory. On a 24 GB machine it is
 * 4 GB, and V8, sized for plenty, lets the heap grow to four times what stays live before it collects.
 */
export function heapLimitMbFor(instanceMemoryMb: number): number {
  return instanceMemoryMb / 4;
}

/** This process's peak resident set so far, in MB to one decimal (resourceUsage().maxRSS is in kilobytes). */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 102.4) / 10;
}
