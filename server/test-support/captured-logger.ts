import { Writable } from 'node:stream';
import { createLogger } from '../logger';

/** The server's JSON logger, writing each line into `lines` instead of stdout. */
export function capturedLogger(level: 'info' | 'debug' = 'info') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, logger: createLogger({ debug: false, level, destination }) };
}
