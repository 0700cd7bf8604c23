import { useSyncExternalStore } from 'react';

/**
 * The live stream's state (app/shell/live-updates.tsx feeds it): `live`
 * while the server pushes changes, `reconnecting` once it dropped (screens
 * then poll until it is back), `connecting` before the first connection.
 */
export type LiveState = 'connecting' | 'live' | 'reconnecting';

let state: LiveState = 'connecting';
const listeners = new Set<() => void>();

export const liveStatus = {
  set(next: LiveState) {
    if (next === state) return;
    state = next;
    listeners.forEach((l) => l());
  },
  get: () => state,
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useLiveState(): LiveState {
  return useSyncExternalStore(liveStatus.subscribe, liveStatus.get, liveStatus.get);
}

/** A query's refetchInterval: no timer while changes are pushed, `ms` as the fallback while they are not. */
export function useLivePoll(ms: number): number | false {
  return useLiveState() === 'live' ? false : ms;
}

/** What a screen hears of the webhook log: stored events (with their count) and projections that moved. */
export type LogNotice = { kind: 'events'; count: number } | { kind: 'workflows' };
const logListeners = new Set<(n: LogNotice) => void>();

/** The events log decides itself what a change does to an open page (it must not shift under the reader). */
export const logNotices = {
  emit: (n: LogNotice) => logListeners.forEach((l) => l(n)),
  subscribe(listener: (n: LogNotice) => void) {
    logListeners.add(listener);
    return () => void logListeners.delete(listener);
  },
};
