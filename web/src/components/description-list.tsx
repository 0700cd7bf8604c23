import type { ReactNode } from 'react';

/** Label/value pairs, for detail views. */
export function DescriptionList({ items, columns = 1 }: { items: { label: string; value: ReactNode; hidden?: boolean }[]; columns?: 1 | 2 | 3 }) {
  return (
    <dl className={`dl dl-cols-${columns}`}>
      {items
        .filter((i) => !i.hidden)
        .map((i) => (
          <div key={i.label} className="dl-item">
            <dt>{i.label}</dt>
            <dd>{i.value}</dd>
          </div>
        ))}
    </dl>
  );
}
