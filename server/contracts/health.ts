import { z } from 'zod';

/** `GET /api/health` (the runbook's combined view), and the facts about this process other answers repeat. */

export const DATABASE_DRIVERS = ['pglite', 'postgres'] as const;
export type DatabaseDriver = (typeof DATABASE_DRIVERS)[number];
export const databaseDriverSchema = z.enum(DATABASE_DRIVERS).describe('pglite (embedded, DATABASE_URL unset) or postgres');

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnvName = (typeof NODE_ENVS)[number];
export const nodeEnvSchema = z.enum(NODE_ENVS).describe('NODE_ENV of this server');

export const HEALTH_STATUSES = ['ok', 'unavailable'] as const;

/** The body of both answers: 200 with `success: true`, or 503 with the error fields beside it. */
export const healthSchema = z.strictObject({
  status: z.enum(HEALTH_STATUSES).describe('ok when the database answered a ping within 3 s'),
  version: z.string().describe("This server's version"),
  uptime_seconds: z.int().describe('Since this process started'),
  database: z.strictObject({
    reachable: z.boolean(),
    driver: databaseDriverSchema,
    latency_ms: z.number().nonnegative().nullable().describe('Round trip of the ping, 0.1 ms precision; null when unreachable'),
    error: z.string().optional().describe('Why it is unreachable; never a connection string'),
  }),
});
export type Health = z.infer<typeof healthSchema>;

/** `GET /api/health/live`: the process is up; nothing else is asked, the database least of all. */
export const livenessSchema = z.strictObject({
  status: z.literal('live'),
  version: z.string().describe("This server's version"),
  uptime_seconds: z.int().describe('Since this process started'),
});
export type Liveness = z.infer<typeof livenessSchema>;

export const NOT_READY_REASONS = ['database_unreachable', 'draining'] as const;
export type NotReadyReason = (typeof NOT_READY_REASONS)[number];

/** `GET /api/health/ready` 200: the database answered and the process is not shutting down. */
export const readinessSchema = z.strictObject({
  status: z.literal('ready'),
  database_latency_ms: z.number().nonnegative().describe('Round trip of the ping, 0.1 ms precision'),
});

/** What the 503 adds to DESIGN.md's error body. */
export const notReadySchema = z.strictObject({
  reason: z
    .enum(NOT_READY_REASONS)
    .describe('database_unreachable: no answer to a ping within the deadline; draining: SIGTERM received, the process stops soon'),
});
