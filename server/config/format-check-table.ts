/** The aligned text table `npm run test:config` prints. Messages are already secret-free. */
import type { ConfigCheck } from './config';

export function formatCheckTable(checks: readonly ConfigCheck[]): string {
  const rows = [
    ['VARIABLE', 'STATUS', 'MESSAGE'],
    ...checks.map((c) => [c.variable, c.ok ? 'OK' : 'FAIL', c.message]),
  ];
  const width = (col: number) => Math.max(...rows.map((r) => (r[col] ?? '').length));
  const [w0, w1] = [width(0), width(1)];
  return rows
    .map(([variable = '', status = '', message = '']) =>
      `${variable.padEnd(w0)}  ${status.padEnd(w1)}  ${message}`.trimEnd(),
    )
    .join('\n');
}
