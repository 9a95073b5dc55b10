'use client';

import { JOB_STATES, isJobState } from '../../lib/job-states';
import type { JobState, Team } from '../../lib/trpc';
import { PAGE_SIZES } from '../../lib/use-jobs-url-state';
import { inputClass } from '../form-field';

export function JobsToolbar({
  state,
  team,
  teams,
  size,
  onStateChange,
  onTeamChange,
  onSizeChange,
}: {
  state: JobState | undefined;
  team: string | undefined;
  teams: readonly Team[] | undefined;
  size: number;
  onStateChange: (state: JobState | undefined) => void;
  onTeamChange: (team: string | undefined) => void;
  onSizeChange: (size: number) => void;
}) {
  return (
    <div className="flex flex-wrap items-end gap-4">
      <div>
        <label htmlFor="jobs-state" className="block text-sm font-medium text-slate-800">
          State
        </label>
        <select
          id="jobs-state"
          value={state ?? ''}
          onChange={(e) => onStateChange(isJobState(e.target.value) ? e.target.value : undefined)}
          className={`${inputClass} mt-1 w-36`}
        >
          <option value="">All states</option>
          {JOB_STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="jobs-team" className="block text-sm font-medium text-slate-800">
          Team
        </label>
        <select
          id="jobs-team"
          value={team ?? ''}
          onChange={(e) => onTeamChange(e.target.value || undefined)}
          className={`${inputClass} mt-1 w-36`}
        >
          <option value="">All teams</option>
          {/* A team in the URL stays selectable before the list arrives. */}
          {team && !teams?.some((t) => t.id === team) && <option value={team}>{team}</option>}
          {teams?.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="jobs-size" className="block text-sm font-medium text-slate-800">
          Rows per page
        </label>
        <select
          id="jobs-size"
          value={size}
          onChange={(e) => onSizeChange(Number(e.target.value))}
          className={`${inputClass} mt-1 w-24`}
        >
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
