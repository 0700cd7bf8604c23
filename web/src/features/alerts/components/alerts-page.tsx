import { PageHeader } from '../../../components/page-header';
import { ComingNext } from '../../../components/states';

export function AlertsPage() {
  return (
    <>
      <PageHeader title="Alerts" description="What is wrong now, and what was." />
      <ComingNext title="Firing and resolved alerts">
        Each alert with its rule, the value that fired it, the threshold, and when it fired and resolved. Firing alerts will also appear at the top of the Overview.
      </ComingNext>
    </>
  );
}
