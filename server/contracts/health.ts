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
