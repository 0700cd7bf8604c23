import { Button } from '../../../components/button';

/** "N new events": what arrived while the operator was reading, shown on request. */
export function NewEventsBanner({ waiting, onShow }: { waiting: number; onShow: () => void }) {
  if (waiting === 0) return null;
  return (
    <div className="banner" role="status">
      <span>
        <strong>
          {waiting} new {waiting === 1 ? 'event' : 'events'}
        </strong>{' '}
        arrived since this page was read (before filters).
      </span>
      <Button size="sm" onClick={onShow}>
        Show newest
      </Button>
    </div>
  );
}
