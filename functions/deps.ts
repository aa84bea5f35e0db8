/**
 * What an activity receives besides its input. In Azure these are built once per worker from the
 * environment (./runtime.ts); in the sandbox the durable host passes its own (emulator-backed).
 */
import { type AzureGateway } from '../shared/azure/gateway';
import { type Clock } from '../shared/core/clock';
import { type Logger } from '../shared/core/log';
import { type FedlinkConfig } from '../shared/config/schema';
import { type ReportStore } from '../shared/reportStore/store';
import { type Telemetry } from '../shared/core/telemetry';
import { type WorkStore } from '../shared/workStore/store';

export interface ActivityDeps {
  readonly azure: AzureGateway;
  readonly config: FedlinkConfig;
  readonly clock: Clock;
  readonly log: Logger;
  /** Where fleet check reports are kept (FEDLINK_REPORTS_URL); undefined: not kept. */
  readonly reports?: ReportStore | undefined;
  /**
   * Where a fleet check keeps its work items and full outcomes (the claim check,
   * shared/workStore/store.ts): orchestration histories carry only the documents' names.
   */
  readonly work: WorkStore;
  /** Counters of writes, outcomes and findings (./telemetry.ts in Azure); undefined: not recorded. */
  readonly telemetry?: Telemetry | undefined;
}
