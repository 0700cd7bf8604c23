import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useLivePoll } from '../../../lib/live-status';
import { POLL_MS } from '../../../lib/query-client';
import { type RouterOutputs, useTRPC } from '../../../lib/trpc';
import type { OverviewRange } from '../lib/chart-data';

export type Metrics = RouterOutputs['metrics']['overview'];
export type FiringAlert = RouterOutputs['alerts']['list']['alerts'][number];

/** While the live stream is down, metrics and alerts are polled every 10 s: cheap on a large log. */
export const METRICS_POLL_MS = 10_000;

export function useReceiverStatus() {
  const trpc = useTRPC();
  return useQuery(trpc.system.receiver.queryOptions(undefined, { refetchInterval: useLivePoll(POLL_MS) }));
}

export function useRecentWorkflows() {
  const trpc = useTRPC();
  return useQuery(trpc.workflows.list.queryOptions({ status: 'all', limit: 8 }, { refetchInterval: useLivePoll(POLL_MS) }));
}

/** The key metrics and chart series over a range; the previous range stays on screen while the next loads. */
export function useMetrics(range: OverviewRange) {
  const trpc = useTRPC();
  return useQuery(trpc.metrics.overview.queryOptions({ range }, { refetchInterval: useLivePoll(METRICS_POLL_MS), placeholderData: keepPreviousData }));
}

export function useFiringAlerts() {
  const trpc = useTRPC();
  return useQuery(trpc.alerts.list.queryOptions({ status: 'firing', limit: 20 }, { refetchInterval: useLivePoll(METRICS_POLL_MS) }));
}
