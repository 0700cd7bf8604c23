import type { Logger } from 'pino';
import type { Config, ConfigCheck } from '../config/config';
import type { Database, Db } from '../db/database';
import type { ApiKeyAuthenticator } from './auth/api-key-authenticator';
import type { AuditRecorder } from './auth/audit-recorder';
import type { DatabaseHealth } from './alerts/database-health';
import type { ServingState } from './health/lifecycle';
import type { ClusterScheduler } from './jobs/cluster-scheduler';
import type { ChangeNotifier } from './live/change-notifier';
import type { Telemetry } from './metrics/telemetry';
import type { OpalGateway } from './opal/opal-gateway';
import type { ProjectionWorker } from './workflows/projection-worker';
import type { EventAppender } from './webhooks/event-appender';
import type { RejectionRecorder } from './webhooks/rejection-recorder';
import type { SignatureVerifier } from './webhooks/signature/verify-signature';

/**
 * What every domain function receives: configuration parsed once at
 * start-up, the database, and the long-lived services of this process.
 */
export interface Ctx {
  config: Config;
  /** The configuration checks made at start-up (no secret values). */
  configChecks: ConfigCheck[];
  db: Db;
  database: Database;
  logger: Logger;
  /** Epoch ms; tests replace it to control time. */
  now: () => number;
  startedAt: number;
  version: string;
  /** Keys derived once from the configured secrets. */
  verifier: SignatureVerifier;
  appender: EventAppender;
  rejections: RejectionRecorder;
  projections: ProjectionWorker;
  /** Runs bulk replay jobs claimed from replay_jobs (replay/bulk-replay-worker.ts). */
  replayJobs: ReplayJobRunner;
  apiKeys: ApiKeyAuthenticator;
  audit: AuditRecorder;
  opal: OpalGateway;
  /** Background jobs that run once per cluster (alerts, retention, rollups). */
  scheduler: ClusterScheduler;
  telemetry: Telemetry;
  dbHealth: DatabaseHealth;
  /** Live updates: this process's changes out as NOTIFY, every process's back to the console's streams. */
  changes: ChangeNotifier;
  /** Serving, or shutting down (readiness reads it). */
  lifecycle: ServingState;
}

/**
 * What the rest of the server asks of the bulk replay worker. Declared here,
 * not imported from the worker (which reads Ctx), so the two do not import
 * each other.
 */
export interface ReplayJobRunner {
  start(): void;
  /** A job was queued: look for it now rather than at the next poll. */
  kick(): void;
  /** Resolves once no job is left to run (tests drive jobs through it). */
  runUntilIdle(): Promise<void>;
  stop(): Promise<void>;
}
