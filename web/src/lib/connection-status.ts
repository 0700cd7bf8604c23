import { useSyncExternalStore } from 'react';

/**
 * How fresh is what the console shows? Fed by the query cache (every
 * successful or failed request), read by the shell's indicator.
 */
export interface ConnectionSnapshot {
  lastSuccessAt: number | null;
  /** Set while the latest request failed for lack of a (healthy) server; cleared by the next success. */
  failingSince: number | null;
  failure: 'unreachable' | 'unavailable' | null;
  lastError: string | null;
}

let snapshot: ConnectionSnapshot = { lastSuccessAt: null, failingSince: null, failure: null, lastError: null };
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export const connectionStatus = {
  succeeded(at = Date.now()) {
    // Many answers a second: only a change of state re-renders the shell... and the age, at most once a second.
    if (snapshot.failingSince === null && snapshot.lastSuccessAt !== null && at - snapshot.lastSuccessAt < 1000) return;
    snapshot = { lastSuccessAt: at, failingSince: null, failure: null, lastError: null };
    emit();
  },
  failed(failure: 'unreachable' | 'unavailable', message: string, at = Date.now()) {
    snapshot = { ...snapshot, failingSince: snapshot.failingSince ?? at, failure, lastError: message };
    emit();
  },
  get: () => snapshot,
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useConnectionStatus(): ConnectionSnapshot {
  return useSyncExternalStore(connectionStatus.subscribe, connectionStatus.get, connectionStatus.get);
}

/** Older than this and the shell says the data is stale, even without an error. */
export const STALE_AFTER_MS = 30_000;

export type ConnectionState = 'connecting' | 'live' | 'stale' | 'unreachable' | 'unavailable';

export function connectionState(s: ConnectionSnapshot, now: number): ConnectionState {
  if (s.failure) return s.failure;
  if (s.lastSuccessAt === null) return 'connecting';
  return now - s.lastSuccessAt > STALE_AFTER_MS ? 'stale' : 'live';
}
