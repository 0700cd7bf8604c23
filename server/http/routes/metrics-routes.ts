import { z } from 'zod';
import { metricsInputSchema, metricsOverviewSchema } from '../../contracts/metrics';
import { metricsOverview } from '../../domain/metrics/get-metrics';
import { scrapeMetrics } from '../../domain/metrics/scrape-metrics';
import { ok, okBody } from '../rest/envelope';
import { defineRoute } from '../rest/route';

export const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

export const metricsRoutes = [
  defineRoute({
    method: 'get',
    path: '/metrics',
    operationId: 'scrapeMetrics',
    tag: 'metrics',
    summary: "Prometheus text format: this process's counters and histograms, and the cluster-wide 24 h figures as gauges",
    verb: scrapeMetrics,
    responses: { 200: z.string().meta({ contentMediaType: PROMETHEUS_TEXT }) },
    answer: (r) => ({ status: 200, body: r.body, headers: { 'Content-Type': r.contentType, 'Cache-Control': 'no-store' } }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/metrics',
    operationId: 'getMetrics',
    tag: 'metrics',
    summary: "The runbook's key metrics and dashboard series over a range (1h, 24h, 7d, or custom from/to); Prometheus text is at /metrics",
    verb: metricsOverview,
    query: metricsInputSchema,
    responses: { 200: okBody(metricsOverviewSchema) },
    answer: (r) => ok(r),
  }),
];
