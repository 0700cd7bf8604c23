import { type FormEvent, useEffect, useState } from 'react';
import { Button } from '../../../components/button';
import { DebouncedInput } from '../../../components/debounced-input';
import { Segmented } from '../../../components/segmented';
import { fromLocalInput, toLocalInput } from '../../../lib/local-datetime';
import { AGENTS, EVENT_TYPES, type EventFilters as Filters, SINCE, STATUS_FILTERS } from '../hooks/use-event-filters';

/** The diagnostics filters: status, type, workflow, agent, time range and payload search, every one in the URL. */
export function EventFilters({ f }: { f: Filters }) {
  const setTime = (mode: string) => {
    if (mode === 'custom') {
      // A custom range starts as the last 24 hours, then the operator moves it.
      f.update({ since: null, start_date: new Date(Date.now() - 86_400_000).toISOString(), end_date: null });
    } else f.update({ since: mode === 'any' ? null : mode, start_date: null, end_date: null });
  };
  return (
    <div className="filters" role="search" aria-label="Filter events">
      <div className="toolbar">
        <Segmented label="Status" options={STATUS_FILTERS} value={f.status} onChange={(s) => f.update({ status: s === 'all' ? null : s })} />
        <select className="input" aria-label="Event type" value={f.eventType} onChange={(e) => f.update({ event_type: e.target.value || null })}>
          <option value="">Any event type</option>
          {EVENT_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <DebouncedInput type="search" aria-label="Workflow id" placeholder="Workflow id" className="input input-mid mono-input" value={f.workflowId} onCommit={(v) => f.update({ workflow_id: v || null }, { replace: true })} />
        <DebouncedInput type="search" aria-label="Agent" placeholder="Agent" list="event-agents" className="input input-mid" value={f.agentId} onCommit={(v) => f.update({ agent_id: v || null }, { replace: true })} />
        <datalist id="event-agents">
          {AGENTS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <select className="input" aria-label="Time range" value={f.timeMode === 'since' ? f.since : f.timeMode} onChange={(e) => setTime(e.target.value)}>
          <option value="any">Any time</option>
          {SINCE.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
          <option value="custom">Custom range…</option>
        </select>
        {f.timeMode === 'custom' && (
          <>
            <LocalDateInput label="From" iso={f.startDate} onChange={(iso) => f.update({ start_date: iso })} />
            <LocalDateInput label="To" iso={f.endDate} onChange={(iso) => f.update({ end_date: iso })} />
          </>
        )}
      </div>
      <PayloadSearch f={f} />
    </div>
  );
}

function LocalDateInput({ label, iso, onChange }: { label: string; iso: string; onChange: (iso: string | null) => void }) {
  return (
    <label className="inline-field">
      <span>{label}</span>
      <input type="datetime-local" className="input" value={toLocalInput(iso)} onChange={(e) => onChange(fromLocalInput(e.target.value))} />
    </label>
  );
}

/** JSON containment over the stored payloads; checked as JSON here, applied on Enter (half-typed JSON is never sent). */
function PayloadSearch({ f }: { f: Filters }) {
  const [text, setText] = useState(f.q);
  useEffect(() => setText(f.q), [f.q]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    f.update({ q: text.trim() || null });
  };
  const error = !f.payload.ok && text === f.q ? f.payload.error : null;
  return (
    <form className="toolbar" onSubmit={submit} aria-label="Payload search">
      <input
        className="input input-wide mono-input"
        aria-label="Payload search (JSON)"
        aria-invalid={error ? true : undefined}
        aria-describedby="payload-search-hint"
        placeholder='Payload contains, as JSON: {"agent_data":{"score":3}}'
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <Button type="submit" size="sm">
        Search payloads
      </Button>
      {f.filtered && (
        <Button size="sm" variant="ghost" onClick={f.clear}>
          Clear filters
        </Button>
      )}
      <span id="payload-search-hint" className={error ? 'field-error' : 'field-hint'} role={error ? 'alert' : undefined}>
        {error ?? 'Matches events whose payload contains this JSON (PostgreSQL @>).'}
      </span>
    </form>
  );
}
