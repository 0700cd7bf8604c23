import type { ListWorkflowsInput } from '@contracts/workflows';
import { useUrlParams } from '../../../hooks/use-url-params';

export type WorkflowStatusFilter = NonNullable<ListWorkflowsInput['status']>;

/**
 * The contract's status filter, checked against it by the compiler in both
 * directions (a value the contract lacks, or one it adds, fails to build)
 * without shipping zod to this screen.
 */
export const STATUS_FILTERS = ['all', 'running', 'completed', 'failed', 'timed_out'] as const satisfies readonly WorkflowStatusFilter[];
type Missing = Exclude<WorkflowStatusFilter, (typeof STATUS_FILTERS)[number]>;
const _complete: [Missing] extends [never] ? true : Missing = true;

const isStatus = (s: string): s is WorkflowStatusFilter => (STATUS_FILTERS as readonly string[]).includes(s);

/** `?status=failed&search=wf_1&cursor=…`: the list's filters, from and to the URL. */
export function useWorkflowFilters() {
  const { values, cursor, update } = useUrlParams(['status', 'search'] as const);
  const status: WorkflowStatusFilter = isStatus(values.status) ? values.status : 'all';
  return {
    status,
    search: values.search,
    cursor,
    setStatus: (s: WorkflowStatusFilter) => update({ status: s === 'all' ? null : s }),
    setSearch: (s: string) => update({ search: s.trim() || null }, { replace: true }),
    setCursor: (c: string | null) => update({ cursor: c }, { keepCursor: true }),
    clear: () => update({ status: null, search: null }),
    filtered: status !== 'all' || values.search !== '',
  };
}
