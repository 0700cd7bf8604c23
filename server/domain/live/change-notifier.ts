import type { Logger } from 'pino';
import type { Database } from '../../db/database';
import type { LiveChange, LiveKind } from '../../contracts/live';
import { decodeNotices, encodeNotices, LIVE_CHANNEL, MAX_IDS, type Notice } from './change-notice';

export interface ChangeNotifierOptions {
  database: Database;
  logger: Logger;
  /** At most one NOTIFY per this many ms from this process (the first of a burst goes at once). */
  windowMs?: number;
  /** The overview's figures are the costliest to refetch: announced at most this often. */
  overviewMs?: number;
  /** How long to wait before listening again after LISTEN could not start. */
  retryMs?: number;
}

/** Kinds whose change moves the overview's cards. */
const MOVES_OVERVIEW: ReadonlySet<LiveKind> = new Set(['events', 'workflows', 'alerts']);

/**
 * The live side of the database: this process's changes go out as
 * coalesced NOTIFYs, and everything any process notified comes back through
 * one LISTEN and is handed to this process's streams (watch-changes.ts).
 * Its own changes come back the same way, so there is one path, and it runs
 * after commit.
 *
 * `changed()` is called on the hot path (after each group commit): it only
 * marks a kind pending. One NOTIFY then carries everything pending, at once
 * for the first change after a quiet window, else at the window's end, so
 * a burst costs at most 1000 / windowMs NOTIFYs a second, however many
 * webhooks it holds.
 */
export class ChangeNotifier {
  private pending = new Map<LiveKind, { ids: Set<string> | null; count: number | undefined }>();
  private overviewDue = false;
  private lastFlushAt = -Infinity;
  private lastOverviewAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
  private flushing: Promise<void> | undefined;
  private readonly listeners = new Set<(c: LiveChange) => void>();
  private readonly closing = new AbortController();
  private unlisten: (() => Promise<void>) | undefined;
  private retry: NodeJS.Timeout | undefined;
  private listenedOnce = false;
  /** NOTIFYs sent and their total round-trip time (the bench reads them). */
  readonly stats = { notifies: 0, notifyMs: 0, failures: 0 };

  constructor(private readonly o: ChangeNotifierOptions) {}

  /** Aborted when the process stops: every stream ends. */
  get closed(): AbortSignal {
    return this.closing.signal;
  }

  /** Something of `kind` changed and is committed. Cheap: the NOTIFY goes later, coalesced. */
  changed(kind: LiveKind, opts: { ids?: readonly string[]; count?: number } = {}): void {
    if (this.closing.signal.aborted) return;
    const p = this.pending.get(kind) ?? { ids: new Set<string>(), count: undefined };
    if (opts.ids && p.ids) {
      for (const id of opts.ids) p.ids.add(id);
      if (p.ids.size > MAX_IDS) p.ids = null;
    } else if (!opts.ids) {
      p.ids = null;
    }
    if (opts.count !== undefined) p.count = (p.count ?? 0) + opts.count;
    this.pending.set(kind, p);
    if (MOVES_OVERVIEW.has(kind)) this.overviewDue = true;
    this.schedule();
  }

  /** A change of another process, or of this one, as a stream sees it. */
  subscribe(listener: (c: LiveChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** LISTENs; when that fails (the database is away) it tries again, and the streams just hear nothing meanwhile. */
  async start(): Promise<void> {
    try {
      this.unlisten = await this.o.database.listen(LIVE_CHANNEL, (payload) => this.receive(payload), () => this.listening());
    } catch (e) {
      if (this.closing.signal.aborted) return;
      this.o.logger.warn({ err: e }, 'live updates: LISTEN failed; trying again');
      this.retry = setTimeout(() => void this.start(), this.o.retryMs ?? 5000).unref();
    }
  }

  /** Ends every stream, sends what is still pending, stops listening. */
  async stop(): Promise<void> {
    this.closing.abort();
    clearTimeout(this.retry);
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    if (this.pending.size > 0) await this.flush();
    await this.unlisten?.().catch(() => {});
    this.listeners.clear();
  }

  private listening(): void {
    // After a reconnect, whatever was notified meanwhile is lost: every stream refetches.
    if (this.listenedOnce) this.emit({ kind: 'resync' });
    this.listenedOnce = true;
  }

  private receive(payload: string): void {
    for (const c of decodeNotices(payload)) this.emit(c);
  }

  private emit(c: LiveChange): void {
    for (const l of this.listeners) l(c);
  }

  private schedule(): void {
    if (this.flushing) return;
    const now = performance.now();
    const windowMs = this.o.windowMs ?? 100;
    let at = Math.max(this.lastFlushAt + windowMs, now);
    if (this.pending.size === 0) {
      if (!this.overviewDue) return;
      at = Math.max(at, this.lastOverviewAt + (this.o.overviewMs ?? 1000));
    }
    // A timer set for the overview alone must not hold back a change that may go sooner.
    if (this.timer) {
      if (this.timerAt <= at) return;
      clearTimeout(this.timer);
    }
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        this.schedule();
      });
    }, at - now);
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    const now = performance.now();
    const notices: Notice[] = [...this.pending].map(([kind, p]) => ({
      kind,
      ...(p.ids ? { ids: [...p.ids] } : {}),
      ...(p.count === undefined ? {} : { count: p.count }),
    }));
    this.pending.clear();
    if (this.overviewDue && now - this.lastOverviewAt >= (this.o.overviewMs ?? 1000)) {
      notices.push({ kind: 'overview' });
      this.overviewDue = false;
      this.lastOverviewAt = now;
    }
    if (notices.length === 0) return;
    this.lastFlushAt = now;
    try {
      await this.o.database.run('select pg_notify($1, $2)', [LIVE_CHANNEL, encodeNotices(notices)]);
      this.stats.notifies++;
      this.stats.notifyMs += performance.now() - now;
    } catch (e) {
      // Lost: the consoles catch up when their stream next connects (resync) or through polling.
      this.stats.failures++;
      this.o.logger.warn({ err: e }, 'live updates: NOTIFY failed');
    }
  }
}
