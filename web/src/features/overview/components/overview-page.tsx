import { ButtonLink } from '../../../components/button';
import { Card } from '../../../components/card';
import { PageHeader } from '../../../components/page-header';
import { ComingNext } from '../../../components/states';
import { ReceiverCard } from './receiver-card';
import { RecentWorkflows } from './recent-workflows';

export function OverviewPage() {
  return (
    <>
      <PageHeader
        title="Overview"
        description="How healthy the loop is: force syncs going out, Opal’s callbacks coming back, workflows completing. Updated every 5 seconds."
      />
      <ComingNext title="Key metrics, charts and firing alerts">
        The runbook’s targets as cards (force sync success rate &gt; 95%, webhook processing time, workflow completion rate &gt; 90%, agent success rate &gt; 95%, end-to-end time &lt; 8 min), charts over 1 h, 24 h and 7 d, and firing alerts at the top of this page.
      </ComingNext>
      <ReceiverCard />
      <Card title="Recent workflows" id="recent-workflows" flush actions={<ButtonLink href="/workflows" size="sm" variant="ghost">All workflows →</ButtonLink>}>
        <RecentWorkflows />
      </Card>
    </>
  );
}
