/**
 * The units of federation work that observe → plan → act pass along (and that cross the durable
 * activity boundary as plain JSON: small records, never whole ARM resources).
 */
import { type DesiredFic } from './desired';
import { type FicWrite } from './plan';
import { type Finding } from '../validation/findings';

export type RunMode = 'plan' | 'apply';

/** One identity's share of a run: its complete desired FIC set and its lock key. */
export interface IdentityWork {
  readonly identityId: string;
  readonly lockKey: string;
  readonly desired: readonly DesiredFic[];
}

/** Output of the scope activity: what the run has to do, or why it does nothing. */
export type ScopeResult =
  | {
      readonly kind: 'proceed';
      readonly work: readonly IdentityWork[];
      readonly findings: readonly Finding[];
    }
  | { readonly kind: 'skip'; readonly reason: string; readonly findings: readonly Finding[] }
  | {
      readonly kind: 'block';
      readonly reason: string;
      readonly retryAfterSeconds: number;
      readonly findings: readonly Finding[];
    };

export type IdentityStatus = 'converged' | 'changed' | 'planned' | 'refused' | 'failed' | 'retry';

export interface IdentityOutcome {
  readonly identityId: string;
  readonly status: IdentityStatus;
  /** The writes made (apply) or that would be made (plan). */
  readonly writes: readonly FicWrite[];
  /** FICs fedlink does not own that already satisfy a binding (no write). */
  readonly adopted: number;
  /** fedlink's own FICs already in place (no write). */
  readonly unchanged: number;
  readonly findings: readonly Finding[];
  readonly reason?: string;
  readonly retryAfterSeconds?: number;
}

export interface SyncOutput {
  readonly outcomes: readonly IdentityOutcome[];
}
