import { useUrlParams } from '../../../hooks/use-url-params';
import { isRange, type OverviewRange } from '../lib/chart-data';

const DEFAULT_RANGE: OverviewRange = '24h';

/** `?range=1h`: the Overview's range, in the URL so a link (or a reload) shows the same window. */
export function useOverviewRange() {
  const { values, update } = useUrlParams(['range'] as const);
  const range: OverviewRange = isRange(values.range) ? values.range : DEFAULT_RANGE;
  return { range, setRange: (r: OverviewRange) => update({ range: r === DEFAULT_RANGE ? null : r }) };
}
