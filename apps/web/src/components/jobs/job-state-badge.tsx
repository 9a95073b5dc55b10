import type { JobState } from '../../lib/trpc';

const STYLE: Record<JobState, { className: string; glyph: string }> = {
  queued: { className: 'bg-slate-100 text-slate-800 ring-slate-300', glyph: '○' },
  running: { className: 'bg-blue-50 text-blue-900 ring-blue-300', glyph: '◐' },
  succeeded: { className: 'bg-green-50 text-green-900 ring-green-300', glyph: '✓' },
  failed: { className: 'bg-red-50 text-red-900 ring-red-300', glyph: '✕' },
  cancelled: { className: 'bg-amber-50 text-amber-900 ring-amber-300', glyph: '–' },
};

/** The state as words with a glyph; colour only reinforces it. */
export function JobStateBadge({ state }: { state: JobState }) {
  const { className, glyph } = STYLE[state];
  return (
    <span
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${className}`}
    >
      <span aria-hidden="true">{glyph}</span>
      {state}
    </span>
  );
}
