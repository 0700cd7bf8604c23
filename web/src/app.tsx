import { useEffect, useState } from 'react';

interface Health {
  status: string;
  version: string;
  database: { reachable: boolean; driver: string };
}
interface Receiver {
  last_24h: { events_received: number; processing_failures: number; refused_deliveries: number; signature_failure_rate: number };
  last_event_at: string | null;
}

/**
 * A first page: is the server up, and what has the webhook receiver seen?
 * The full operations console (overview, events, workflows, alerts,
 * settings) is built on the typed API in a later step.
 */
export function App() {
  const [health, setHealth] = useState<Health | null>(null);
  const [receiver, setReceiver] = useState<Receiver | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      try {
        const [h, r] = await Promise.all([fetch('/api/health'), fetch('/api/webhooks/opal-workflow')]);
        if (cancelled) return;
        setHealth((await h.json()) as Health);
        setReceiver((await r.json()) as Receiver);
        setError(null);
      } catch {
        if (!cancelled) setError('The server is unreachable.');
      }
    };
    void load();
    const timer = setInterval(load, 5000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, []);

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 720, margin: '2rem auto', padding: '0 1rem' }}>
      <h1>OPAL Force Sync</h1>
      {error && <p role="alert">{error}</p>}
      <section aria-label="Health">
        <h2>Health</h2>
        {health ? (
          <p>
            Server {health.status} · version {health.version} · database {health.database.driver}{' '}
            {health.database.reachable ? 'reachable' : 'unreachable'}
          </p>
        ) : (
          <p>Loading…</p>
        )}
      </section>
      <section aria-label="Webhook receiver">
        <h2>Webhook receiver (last 24 h)</h2>
        {receiver ? (
          <ul>
            <li>Events received: {receiver.last_24h.events_received}</li>
            <li>Processing failures: {receiver.last_24h.processing_failures}</li>
            <li>Refused deliveries: {receiver.last_24h.refused_deliveries}</li>
            <li>Signature failure rate: {receiver.last_24h.signature_failure_rate}%</li>
            <li>Last event: {receiver.last_event_at ?? 'none yet'}</li>
          </ul>
        ) : (
          <p>Loading…</p>
        )}
      </section>
    </main>
  );
}
