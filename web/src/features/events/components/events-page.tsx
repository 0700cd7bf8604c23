import { type FormEvent, useState } from 'react';
import { useLocation } from 'wouter';
import { Button } from '../../../components/button';
import { PageHeader } from '../../../components/page-header';
import { SubNav } from '../../../components/sub-nav';
import { EventLog } from './event-log';
import { RefusedDeliveries } from './refused-deliveries';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function EventsPage() {
  const [location] = useLocation();
  const refused = location === '/events/refused';
  return (
    <>
      <PageHeader
        title="Events"
        description="Every callback Opal sent, as stored, and the deliveries that were refused. Live: a callback appears as soon as it is stored."
        actions={<OpenEventForm />}
      />
      <SubNav
        label="Event views"
        items={[
          { href: '/events', label: 'Event log' },
          { href: '/events/refused', label: 'Refused deliveries' },
        ]}
      />
      {refused ? <RefusedDeliveries /> : <EventLog />}
    </>
  );
}

/** An event id from a 409 answer, a log line or a replay result, straight to its detail. */
function OpenEventForm() {
  const [, navigate] = useLocation();
  const [id, setId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = id.trim();
    if (!UUID.test(v)) {
      setError('An event id is a UUID');
      return;
    }
    navigate(`/events/${v}`);
  };
  return (
    <form className="toolbar" onSubmit={submit} aria-label="Open an event by id">
      <input
        className="input input-mid mono-input"
        aria-label="Event id"
        aria-invalid={error ? true : undefined}
        title={error ?? undefined}
        value={id}
        onChange={(e) => (setId(e.target.value), setError(null))}
        placeholder="Event id (UUID)"
      />
      <Button type="submit" size="sm">
        Open event
      </Button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
