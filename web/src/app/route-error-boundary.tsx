import { Component, type ReactNode } from 'react';
import { Button } from '../components/button';

/**
 * A screen that throws (or whose chunk fails to load after a deploy) breaks
 * that screen only; the shell and navigation stay usable.
 */
export class RouteErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="state state-error" role="alert">
        <p className="state-title">This screen failed to load</p>
        <p className="state-text">{/chunk|module|import/i.test(this.state.error.message) ? 'A newer version of the console may have been deployed.' : this.state.error.message}</p>
        <div className="state-action">
          <Button onClick={() => window.location.reload()}>Reload the page</Button>
        </div>
      </div>
    );
  }
}
