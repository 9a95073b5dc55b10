'use client';

import { useHealth } from '../lib/queries';
import { describeError } from '../lib/trpc';

/** A small status line in the top bar: whether the portal reaches the Wattwise server. */
export function ServerStatus() {
  const health = useHealth();
  let dot = 'bg-slate-400';
  let text = 'Server: checking…';
  let title: string | undefined;
  if (health.data) {
    dot = health.data.ok ? 'bg-brand-500' : 'bg-amber-500';
    text = health.data.ok
      ? `Server: connected (${health.data.database.kind}, v${health.data.version})`
      : 'Server: database unavailable';
    title = health.data.database.error;
  }
  if (health.error) {
    dot = 'bg-red-600';
    text = 'Server: not connected';
    title = describeError(health.error).message;
  }
  return (
    <p role="status" className="flex items-center gap-2 text-sm text-slate-700" title={title}>
      <span aria-hidden="true" className={`inline-block size-2.5 rounded-full ${dot}`} />
      {text}
    </p>
  );
}
