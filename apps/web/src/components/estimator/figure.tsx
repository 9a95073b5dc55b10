import type { ReactNode } from 'react';

import { sig } from '../../lib/estimate-params';

/**
 * A computed figure: shown as the CLI's table prints it (four significant digits, in the unit the
 * table uses), with the exact number cost-model returned, in the unit of the CLI's JSON field, in
 * `data-value`; `data-field` names that JSON field (e.g. "cost.total"). An Explain button sits beside it.
 */
export function Figure({
  testId,
  field,
  value,
  scale = 1,
  unit,
  range,
  explain,
}: {
  testId: string;
  field: string;
  value: number | null;
  /** Divide by this for display (1000: kWh shown as MWh). */
  scale?: number;
  unit?: string;
  range?: { low: number; high: number } | null;
  explain?: ReactNode;
}) {
  const shown = value === null ? '—' : sig(value / scale);
  const spread =
    range && value !== null && range.low !== range.high
      ? `${sig(range.low / scale, 3)} – ${sig(range.high / scale, 3)}`
      : null;
  return (
    <span className="inline-flex flex-wrap items-baseline justify-end gap-x-1.5">
      <span
        data-testid={testId}
        data-field={field}
        data-value={value === null ? '' : String(value)}
        className="font-semibold tabular-nums"
      >
        {shown}
        {unit && value !== null ? (
          <span className="font-normal text-slate-600"> {unit}</span>
        ) : null}
      </span>
      {spread && (
        <span className="text-xs tabular-nums text-slate-600" data-testid={`${testId}-range`}>
          ({spread})
        </span>
      )}
      {explain && <span className="self-center">{explain}</span>}
    </span>
  );
}
