import { type FormEvent, useState } from 'react';
import { useLocation } from 'wouter';
import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { TextField } from '../../../components/field';
import { PageHeader } from '../../../components/page-header';
import { ComingNext } from '../../../components/states';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function EventsPage() {
  return (
    <>
      <PageHeader title="Events" description="Every callback Opal sent, as stored, and the deliveries that were refused." />
      <ComingNext title="The webhook event log">
        Filters by status, type, workflow, agent, time range and payload text, failed events marked by kind, and refused deliveries (bad signatures and the like) in their own tab. Until then, open an event from a workflow’s event list, or by its id below.
      </ComingNext>
      <Card title="Open an event by id" id="open-event">
        <OpenEventForm />
      </Card>
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
      setError('An event id is a UUID, like 0b6f…-…-…-…-…');
      return;
    }
    navigate(`/events/${v}`);
  };
  return (
    <form className="form-inline" onSubmit={submit} aria-label="Open an event by id">
      <TextField label="Event id" value={id} onChange={(e) => (setId(e.target.value), setError(null))} error={error} placeholder="e.g. 3f1c2a8e-…" className="field-grow" />
      <Button type="submit">Open event</Button>
    </form>
  );
}
