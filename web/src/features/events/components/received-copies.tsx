import { Badge } from '../../../components/badge';
import { formatNumber } from '../../../lib/format';

/**
 * "received 3×": the stored event and the copies that came after it (OSA
 * 409s, Standard Webhooks duplicates). Nothing for an event received once;
 * a retry storm from Opal or a relay shows as a high count.
 */
export function ReceivedCopies({ duplicateCount }: { duplicateCount: number }) {
  if (duplicateCount <= 0) return null;
  const times = formatNumber(duplicateCount + 1);
  return (
    <Badge tone="warn" title={`Stored once; ${formatNumber(duplicateCount)} ${duplicateCount === 1 ? 'copy' : 'copies'} arrived after it and were answered as duplicates`}>
      received {times}×
    </Badge>
  );
}
