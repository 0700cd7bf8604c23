import { type ComponentType, lazy } from 'react';

/**
 * `React.lazy` that can be loaded ahead of time. Once its module has
 * arrived, the component renders at once instead of suspending: a screen
 * preloaded while the session is read never shows a fallback (React holds
 * a revealed fallback for at least 300 ms, which a fast load would pay).
 */
export function lazyWithPreload<P extends object>(load: () => Promise<ComponentType<P>>) {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const preload = () => {
    pending ??= load().then((c) => (loaded = c));
    return pending;
  };
  const Lazy = lazy(() => preload().then((c) => ({ default: c })));
  function Preloadable(props: P) {
    const C = loaded;
    return C ? <C {...props} /> : <Lazy {...props} />;
  }
  return Object.assign(Preloadable, { preload });
}
