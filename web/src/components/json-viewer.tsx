import { useMemo, useState } from 'react';
import { copyText } from '../lib/clipboard';
import { formatNumber } from '../lib/format';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Entries a level shows before "Show more", and how many each click adds. */
export const ENTRIES_PER_PAGE = 100;
/** Characters of a string shown before "Show all". */
export const STRING_PREVIEW = 300;
/** Characters of the raw view shown before "Show all". */
const RAW_PREVIEW = 100_000;

/**
 * A payload as a collapsible tree that stays responsive with a 1 MiB body:
 * a node renders its children only once opened (large ones start closed),
 * each level shows 100 entries at a time, long strings are cut with "Show
 * all", and the raw text is built only when asked for (the raw view, or
 * "Copy raw JSON", which copies the whole document).
 */
export function JsonViewer({ value, label = 'JSON', collapseDepth = 3 }: { value: unknown; label?: string; collapseDepth?: number }) {
  const [raw, setRaw] = useState(false);
  const [status, setStatus] = useState('');
  const copy = async () => {
    const ok = await copyText(JSON.stringify(value) ?? 'null');
    setStatus(ok ? 'Copied the raw JSON to the clipboard' : 'Could not copy: open the raw view and copy the text by hand');
  };
  return (
    <div className="json-viewer" role="group" aria-label={label}>
      <div className="json-toolbar">
        <span role="status" className="muted small">
          {status}
        </span>
        <button type="button" className="btn btn-ghost btn-sm" aria-pressed={raw} onClick={() => setRaw((r) => !r)}>
          {raw ? 'Tree view' : 'Raw JSON'}
        </button>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => void copy()}>
          Copy raw JSON
        </button>
      </div>
      {raw ? <RawText value={value} /> : (
        <div className="json-tree" tabIndex={0}>
          <Node path="root" value={value as Json} depth={0} collapseDepth={collapseDepth} />
        </div>
      )}
    </div>
  );
}

function RawText({ value }: { value: unknown }) {
  const text = useMemo(() => JSON.stringify(value, null, 2) ?? 'undefined', [value]);
  const [all, setAll] = useState(false);
  const cut = !all && text.length > RAW_PREVIEW;
  return (
    <pre className="json-raw" tabIndex={0}>
      {cut ? text.slice(0, RAW_PREVIEW) : text}
      {cut && (
        <>
          {'\n… '}
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setAll(true)}>
            Show all {formatNumber(text.length)} characters
          </button>
        </>
      )}
    </pre>
  );
}

function entriesOf(value: Json[] | { [k: string]: Json }): [string, Json][] {
  return Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
}

function Node({
  name,
  path,
  value,
  depth,
  collapseDepth,
  last = true,
}: {
  name?: string;
  /** What its toggle is called: the key, `parent[3]` for an array item, `root`. */
  path: string;
  value: Json;
  depth: number;
  collapseDepth: number;
  last?: boolean;
}) {
  const isObject = value !== null && typeof value === 'object';
  const size = isObject ? (Array.isArray(value) ? value.length : Object.keys(value).length) : 0;
  // A node with more than a page of entries starts closed, wherever it is.
  const [open, setOpen] = useState(depth < collapseDepth && size <= ENTRIES_PER_PAGE);
  const [shown, setShown] = useState(ENTRIES_PER_PAGE);
  const comma = last ? '' : ',';
  const key = name !== undefined ? <span className="json-key">{JSON.stringify(name)}: </span> : null;
  if (!isObject) {
    return (
      <div className="json-line">
        {key}
        <Scalar value={value} />
        {comma}
      </div>
    );
  }
  const isArray = Array.isArray(value);
  const [openB, closeB] = isArray ? ['[', ']'] : ['{', '}'];
  if (size === 0) {
    return (
      <div className="json-line">
        {key}
        <span className="json-punct">{`${openB}${closeB}`}</span>
        {comma}
      </div>
    );
  }
  const title = path;
  // Entries are listed only while open, and only as many as are shown.
  const entries = open ? entriesOf(value).slice(0, shown) : [];
  const left = size - entries.length;
  return (
    <div className="json-node">
      <div className="json-line">
        <button type="button" className="json-toggle" aria-expanded={open} aria-label={`${open ? 'Collapse' : 'Expand'} ${title}`} onClick={() => setOpen((o) => !o)}>
          {open ? '▾' : '▸'}
        </button>
        {key}
        <span className="json-punct">{openB}</span>
        {!open && (
          <>
            <span className="json-summary"> {isArray ? `${formatNumber(size)} items` : `${formatNumber(size)} keys`} </span>
            <span className="json-punct">{closeB}</span>
            {comma}
          </>
        )}
      </div>
      {open && (
        <>
          <div className="json-children">
            {entries.map(([k, v], i) => (
              <Node
                key={k}
                name={isArray ? undefined : k}
                path={isArray ? `${path}[${k}]` : k}
                value={v}
                depth={depth + 1}
                collapseDepth={collapseDepth}
                last={left === 0 && i === entries.length - 1}
              />
            ))}
            {left > 0 && (
              <div className="json-line">
                <button type="button" className="btn btn-ghost btn-sm" onClick={() => setShown((n) => n + ENTRIES_PER_PAGE)}>
                  Show {formatNumber(Math.min(left, ENTRIES_PER_PAGE))} more of {title} ({formatNumber(left)} left)
                </button>
              </div>
            )}
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
  if (typeof value === 'string') return <StringValue value={value} />;
  if (typeof value === 'number') return <span className="json-number">{value}</span>;
  return <span className="json-bool">{String(value)}</span>;
}

function StringValue({ value }: { value: string }) {
  const [all, setAll] = useState(false);
  const className = value === '[redacted]' ? 'json-string json-redacted' : 'json-string';
  if (value.length <= STRING_PREVIEW) return <span className={className}>{JSON.stringify(value)}</span>;
  if (all) return <LongString className={className} text={JSON.stringify(value)} />;
  return (
    <>
      <span className={className}>{`${JSON.stringify(value.slice(0, STRING_PREVIEW)).slice(0, -1)}…`}</span>{' '}
      <button type="button" className="btn btn-ghost btn-sm" onClick={() => setAll(true)}>
        Show all {formatNumber(value.length)} characters
      </button>
    </>
  );
}

/** Characters per block of a string shown whole; blocks out of view are not laid out. */
const CHUNK = 10_000;
const chunkStyle = { display: 'block', contentVisibility: 'auto', containIntrinsicSize: 'auto 1600px' } as const;

/**
 * A string of hundreds of kilobytes, shown whole: one text node that size
 * costs a single layout of well over 100 ms, so it is split into blocks
 * that the browser lays out only when they scroll into view
 * (content-visibility), and the click that opens it stays short.
 */
function LongString({ className, text }: { className: string; text: string }) {
  if (text.length <= CHUNK) return <span className={className}>{text}</span>;
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += CHUNK) chunks.push(text.slice(i, i + CHUNK));
  return (
    <span className={className}>
      {chunks.map((c, i) => (
        <span key={i} style={chunkStyle}>
          {c}
        </span>
      ))}
    </span>
  );
}
