import type { ReactNode } from 'react';
import { EmptyState, ErrorState, LoadingState } from './states';

export interface Column<T> {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  align?: 'left' | 'right' | 'center';
  width?: string;
  /** Shown only on wide screens. */
  secondary?: boolean;
}

/**
 * A dense, readable table with its loading, empty and error states. The
 * label names the table for assistive technology (and role-based locators).
 */
export function DataTable<T>({
  label,
  columns,
  rows,
  rowKey,
  isLoading,
  error,
  onRetry,
  empty,
  rowClassName,
}: {
  label: string;
  columns: Column<T>[];
  rows: T[] | undefined;
  rowKey: (row: T) => string;
  isLoading?: boolean;
  error?: unknown;
  onRetry?: () => void;
  empty?: ReactNode;
  rowClassName?: (row: T) => string | undefined;
}) {
  if (error && !rows) return <ErrorState error={error} onRetry={onRetry} />;
  if (isLoading && !rows) return <LoadingState label={`Loading ${label.toLowerCase()}…`} rows={5} />;
  if (!rows || rows.length === 0) return <>{empty ?? <EmptyState title="Nothing here yet" />}</>;
  return (
    <div className="table-wrap">
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" style={{ width: c.width, textAlign: c.align }} className={c.secondary ? 'col-secondary' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} className={rowClassName?.(row)}>
              {columns.map((c) => (
                <td key={c.key} style={{ textAlign: c.align }} className={[c.secondary ? 'col-secondary' : '', c.align === 'right' ? 'num' : ''].filter(Boolean).join(' ') || undefined}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
