import { useState } from 'react';
import { CopyButton } from './copy-button';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * A payload as a collapsible tree: keys, typed values in colour, long
 * strings kept whole (wrapped), and a copy of the whole document.
 */
export function JsonViewer({ value, label = 'JSON', collapseDepth = 3 }: { value: unknown; label?: string; collapseDepth?: number }) {
  const text = JSON.stringify(value, null, 2) ?? 'undefined';
  const [raw, setRaw] = useState(false);
  return (
    <div className="json-viewer" role="group" aria-label={label}>
      <div className="json-toolbar">
        <button type="button" className="btn btn-ghost btn-sm" aria-pressed={raw} onClick={() => setRaw((r) => !r)}>
          {raw ? 'Tree view' : 'Raw JSON'}
        </button>
        <CopyButton text={text} label={`Copy ${label}`} />
      </div>
      {raw ? (
        <pre className="json-raw" tabIndex={0}>
          {text}
        </pre>
      ) : (
        <div className="json-tree" tabIndex={0}>
          <Node value={value as Json} depth={0} collapseDepth={collapseDepth} />
        </div>
      )}
    </div>
  );
}

function Node({ name, value, depth, collapseDepth, last = true }: { name?: string; value: Json; depth: number; collapseDepth: number; last?: boolean }) {
  const [open, setOpen] = useState(depth < collapseDepth);
  const comma = last ? '' : ',';
  const key = name !== undefined ? <span className="json-key">{JSON.stringify(name)}: </span> : null;
  if (value === null || typeof value !== 'object') {
    return (
      <div className="json-line">
        {key}
        <Scalar value={value} />
        {comma}
      </div>
    );
  }
  const isArray = Array.isArray(value);
  const entries: [string, Json][] = isArray ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const [openB, closeB] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    return (
      <div className="json-line">
        {key}
        <span className="json-punct">{`${openB}${closeB}`}</span>
        {comma}
      </div>
    );
  }
  return (
    <div className="json-node">
      <div className="json-line">
        <button type="button" className="json-toggle" aria-expanded={open} aria-label={`${open ? 'Collapse' : 'Expand'} ${name ?? 'root'}`} onClick={() => setOpen((o) => !o)}>
          {open ? '▾' : '▸'}
        </button>
        {key}
        <span className="json-punct">{openB}</span>
        {!open && (
          <>
            <span className="json-summary"> {isArray ? `${entries.length} items` : `${entries.length} keys`} </span>
            <span className="json-punct">{closeB}</span>
            {comma}
          </>
        )}
      </div>
      {open && (
        <>
          <div className="json-children">
            {entries.map(([k, v], i) => (
              <Node key={k} name={isArray ? undefined : k} value={v} depth={depth + 1} collapseDepth={collapseDepth} last={i === entries.length - 1} />
            ))}
          </div>
          <div className="json-line">
            <span className="json-punct">{closeB}</span>
            {comma}
          </div>
        </>
      )}
    </div>
  );
}

function Scalar({ value }: { value: null | boolean | number | string }) {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === 'string') return <span className={value === '[redacted]' ? 'json-string json-redacted' : 'json-string'}>{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="json-number">{value}</span>;
  return <span className="json-bool">{String(value)}</span>;
}
