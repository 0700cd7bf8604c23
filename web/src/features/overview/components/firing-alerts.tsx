import { Link } from 'wouter';
import { Badge } from '../../../components/badge';
import { RelativeTime } from '../../../components/relative-time';
import { useFiringAlerts } from '../hooks/use-overview-data';

/** What is wrong right now, above everything else; one quiet line when nothing is. */
export function FiringAlerts() {
  const q = useFiringAlerts();
  const alerts = q.data?.alerts;
  if (!alerts) {
    return q.isError ? (
      <div className="alert-strip alert-strip-unknown" role="status" aria-label="Firing alerts">
        Alerts could not be read just now; retrying. <Link href="/alerts">Alerts →</Link>
      </div>
    ) : null;
  }
  if (alerts.length === 0) {
    return (
      <div className="alert-strip alert-strip-ok" role="status" aria-label="Firing alerts">
        <span className="dot dot-ok" aria-hidden="true" /> No alerts firing. <Link href="/alerts?status=resolved">Alert history →</Link>
      </div>
    );
  }
  return (
    <section className="alert-strip alert-strip-firing" aria-label="Firing alerts" role="region">
      <header className="alert-strip-head">
        <strong>
          {alerts.length} {alerts.length === 1 ? 'alert' : 'alerts'} firing
        </strong>
        <Link href="/alerts">All alerts →</Link>
      </header>
      <ul className="alert-strip-list">
        {alerts.map((a) => (
          <li key={a.id}>
            <Badge tone={a.severity === 'critical' ? 'bad' : 'warn'}>{a.severity}</Badge> <span className="mono small">{a.rule}</span>{' '}
            <span>{a.message}</span>{' '}
            <span className="muted small">
              fired <RelativeTime iso={a.fired_at} />
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
