'use client';

import { formatDateTime, formatEnergy, formatMass, formatMoney } from '../../lib/format';
import { useJobPreview } from '../../lib/queries';
import { describeError, type RouterInputs } from '../../lib/trpc';
import { Explain } from '../explain';

/**
 * Before a job is submitted: what it would cost if it ran its expected time now (modelled energy,
 * the site's prices and rates, as its bill would be made) and what the scheduler would do with it.
 */
export function SubmitPreview({ input }: { input: RouterInputs['jobs']['preview'] | null }) {
  const preview = useJobPreview(input);
  const estimate = preview.data?.estimate;
  const schedule = preview.data?.schedule;
  return (
    <section
      aria-labelledby="preview-heading"
      aria-busy={preview.isFetching}
      className="rounded border border-slate-200 bg-slate-50 p-4 md:col-span-6"
    >
      <h3 id="preview-heading" className="text-sm font-semibold text-slate-800">
        Before you submit
      </h3>
      {input === null ? (
        <p className="mt-2 text-sm text-slate-700">
          Enter valid resources and times to see the estimate and where the scheduler would start
          it.
        </p>
      ) : preview.error ? (
        <p className="mt-2 text-sm text-slate-700">
          No preview: {describeError(preview.error).message}
        </p>
      ) : !preview.data ? (
        <p className="mt-2 text-sm text-slate-700">Asking the server…</p>
      ) : (
        <dl className="mt-2 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-slate-600">Estimated cost</dt>
            <dd className="font-medium text-slate-900" data-testid="preview-cost">
              {estimate ? (
                <span className="inline-flex items-center gap-2">
                  {formatMoney(estimate.total, estimate.currency)}
                  {estimate.range &&
                    ` (${formatMoney(estimate.range.low, estimate.currency)} – ${formatMoney(estimate.range.high, estimate.currency)})`}
                  <Explain
                    title="Estimated cost"
                    value={formatMoney(estimate.total, estimate.currency)}
                    label="modelled"
                    formula="the bill it would get: hardware + energy + operations + storage + bandwidth over its expected run time from its planned start"
                    inputs={[
                      {
                        name: 'Draw',
                        value: `${estimate.assumptions.watts} W (${estimate.assumptions.gpu ?? 'no GPU'} at TDP + 10 W per core)`,
                        source: { label: 'modelled', note: 'TDP from the accelerator catalogue' },
                      },
                      {
                        name: 'Energy',
                        value: `${formatEnergy(estimate.itKWh)} IT, ${formatEnergy(estimate.facilityKWh)} at the meter`,
                        source: {
                          label: 'modelled',
                          note: `± ${estimate.assumptions.errorBand * 100} % until metered`,
                        },
                      },
                      {
                        name: 'Prices',
                        value: estimate.assumptions.site,
                        source: { label: 'rated', note: "the site's hourly prices and rates" },
                      },
                      ...Object.entries(estimate.parts).map(([part, amount]) => ({
                        name: part,
                        value: formatMoney(amount, estimate.currency),
                      })),
                    ]}
                  />
                </span>
              ) : (
                'give an expected run time to estimate'
              )}
            </dd>
          </div>
          {estimate && (
            <div>
              <dt className="text-slate-600">Energy and emissions</dt>
              <dd className="text-slate-900">
                {formatEnergy(estimate.facilityKWh)}, {formatMass(estimate.co2eKg)} CO2e
              </dd>
            </div>
          )}
          <div className="sm:col-span-2">
            <dt className="text-slate-600">Scheduler</dt>
            <dd className="text-slate-900" data-testid="preview-schedule">
              {preview.data.heldReason ? (
                <>
                  Its team&apos;s budget would hold it until an admin releases it:{' '}
                  {preview.data.heldReason}
                </>
              ) : schedule ? (
                <>
                  {schedule.reason}
                  {schedule.plannedStartAt &&
                    ` — planned start ${formatDateTime(String(schedule.plannedStartAt))}`}
                  {schedule.ahead > 0 &&
                    ` (${schedule.ahead} queued job${schedule.ahead === 1 ? '' : 's'} start first)`}
                </>
              ) : (
                'the server runs without a scheduler: jobs start in priority order'
              )}
            </dd>
          </div>
        </dl>
      )}
    </section>
  );
}
