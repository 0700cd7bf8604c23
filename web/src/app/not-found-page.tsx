import { ButtonLink } from '../components/button';
import { PageHeader } from '../components/page-header';
import { EmptyState } from '../components/states';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <EmptyState title="There is no screen at this address." action={<ButtonLink href="/">Go to the overview</ButtonLink>} />
    </>
  );
}
