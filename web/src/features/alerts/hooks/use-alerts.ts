import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ListAlertsInput } from '@contracts/alerts';
import { ALERTS_LIMIT } from '@contracts/limits';
import { useUrlParams } from '../../../hooks/use-url-params';
import { useLivePoll } from '../../../lib/live-status';
import { type RouterOutputs, useTRPC } from '../../../lib/trpc';

export type AlertRow = RouterOutputs['alerts']['list']['alerts'][number];
export type SilenceRow = RouterOutputs['alerts']['list']['silences'][number];
export type AlertStatusFilter = NonNullable<ListAlertsInput['status']>;

/** The contract's status filter, checked by the compiler both ways (without shipping zod here). */
export const ALERT_FILTERS = [
  { value: 'all', label: 'All' },
  { value: 'firing', label: 'Firing' },
  { value: 'resolved', label: 'Resolved' },
] as const satisfies readonly { value: AlertStatusFilter; label: string }[];
type Missing = Exclude<AlertStatusFilter, (typeof ALERT_FILTERS)[number]['value']>;
const _complete: [Missing] extends [never] ? true : Missing = true;

const isFilter = (s: string): s is AlertStatusFilter => ALERT_FILTERS.some((f) => f.value === s);

/** `?status=firing`: the list's filter, from and to the URL. */
export function useAlertFilter() {
  const { values, update } = useUrlParams(['status'] as const);
  const status: AlertStatusFilter = isFilter(values.status) ? values.status : 'all';
  return { status, setStatus: (s: AlertStatusFilter) => update({ status: s === 'all' ? null : s }) };
}

export function useAlerts(status: AlertStatusFilter) {
  const trpc = useTRPC();
  return useQuery(trpc.alerts.list.queryOptions({ status, limit: ALERTS_LIMIT.max }, { refetchInterval: useLivePoll(10_000), placeholderData: keepPreviousData }));
}

/** The lifecycle's mutations: each refreshes the list, so the state, who and the silence show at once. */
export function useAlertActions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: trpc.alerts.list.queryKey() });
  return {
    acknowledge: useMutation(trpc.alerts.acknowledge.mutationOptions({ onSuccess })),
    silence: useMutation(trpc.alerts.silence.mutationOptions({ onSuccess })),
    liftSilence: useMutation(trpc.alerts.liftSilence.mutationOptions({ onSuccess })),
  };
}
