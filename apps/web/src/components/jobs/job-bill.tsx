'use client';

import {
  formatDateTime,
  formatEnergy,
  formatMass,
  formatMoney,
  formatNumber,
  formatPercent,
} from '../../lib/format';
import { isFinished } from '../../lib/job-states';
import type { JobDetail, StoredBill } from '../../lib/jobs-api';
import {
  BILL_PART_LABEL,
  BILL_PARTS,
  hourlyTotals,
  parseBillDetail,
  partShare,
} from '../../lib/jobs-bill';
import type { BillInput } from '../../lib/jobs-bill';
import { useJobBill } from '../../lib/queries';
import { describeError } from '../../lib/trpc';
import { METHOD_TEXT } from './job-attempts';

const LABEL_STYLE: Record<string, string> = {
  measured: 'bg-green-50 text-green-900 ring-green-300',
  modelled: 'bg-amber-50 text-amber-900 ring-amber-300',
  rated: 'bg-sky-50 text-sky-900 ring-sky-300',
  'reported estimate': 'bg-purple-50 text-purple-900 ring-purple-300',
};

function SourceLabel({ label }: { label: string }) {
  return (
    <span
      className={`inline-block whitespace-nowrap rounded-full px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${LABEL_STYLE[label] ?? 'bg-slate-50 text-slate-800 ring-slate-300'}`}
    >
      {label}
    </span>
  );
}

const th = 'whitespace-nowrap px-2 py-2 font-semibold sm:px-3';

/** The job's bill: five parts with formulas and labelled inputs, energy, carbon and the hourly rows. */
export function JobBill({ job }: { job: JobDetail }) {
  const finished = isFinished(job.state);
  const bill = useJobBill(job.id, finished && job.attempts > 0);
  let body;
  if (!finished)
    body = <p className="text-sm text-slate-700">The bill is made when the job ends.</p>;
  else if (job.attempts === 0)
    body = <p className="text-sm text-slate-700">The job never ran, so it has no bill.</p>;
  else if (bill.error)
    body = (
      <p role="alert" className="text-sm text-red-800">
        Could not load the bill: {describeError(bill.error).message}
      </p>
    );
  else if (!bill.data)
    body = (
      <p className="text-sm text-slate-700">
        {bill.isPending
          ? 'Loading the bill…'
          : 'Not billed yet: the server bills it shortly after it ends.'}
      </p>
    );
  else body = <BillBody bill={bill.data} />;

  return (
    <section
      aria-labelledby="bill-heading"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 sm:p-5"
    >
      <h2 id="bill-heading" className="text-base font-semibold">
        Bill
      </h2>
      {body}
    </section>
  );
}

function BillBody({ bill }: { bill: StoredBill }) {
  const detail = parseBillDetail(bill.detail);
  const money = (x: number) => formatMoney(x, bill.currency);
  const pue = bill.itKWh > 0 ? bill.facilityKWh / bill.itKWh : null;
  const hours = hourlyTotals(detail.hourly);
  return (
    <div className="space-y-5 text-sm">
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Stat label="Total" value={money(bill.total)} testId="bill-total" raw={bill.total} />
        <Stat
          label="IT energy"
          value={formatEnergy(bill.itKWh)}
          note={METHOD_TEXT[bill.energyMethod] ?? bill.energyMethod}
        />
        <Stat
          label="At the meter"
          value={formatEnergy(bill.facilityKWh)}
          note={pue ? `IT energy × PUE ${formatNumber(pue, 3)}` : undefined}
        />
        <Stat
          label="Carbon"
          value={`${formatMass(bill.co2eKg)} CO2e`}
          note="location-based, operational"
        />
      </dl>
      {detail.range && (
        <p
          className="rounded border border-amber-300 bg-amber-50 p-3 text-amber-950"
          data-testid="bill-range"
        >
          Part of the energy is modelled, not metered: the total lies between{' '}
          <strong>{money(detail.range.low)}</strong> and <strong>{money(detail.range.high)}</strong>
          .
        </p>
      )}

      <div
        role="region"
        aria-label="Bill parts table"
        tabIndex={0}
        className="overflow-x-auto rounded-lg border border-slate-200"
      >
        <table className="w-full text-left">
          <caption className="sr-only">
            The bill&apos;s five parts and their share of the total
          </caption>
          <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-700">
            <tr>
              <th scope="col" className={th}>
                Part
              </th>
              <th scope="col" className={`${th} text-right`}>
                Amount
              </th>
              <th scope="col" className={`${th} text-right`}>
                % of total
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200">
            {BILL_PARTS.map((part) => (
              <tr key={part} data-testid={`bill-part-${part}`} data-value={bill[part]}>
                <th scope="row" className="px-2 py-2 sm:px-3 font-medium">
                  <a href={`#bill-line-${part}`} className="text-brand-700 hover:underline">
                    {BILL_PART_LABEL[part]}
                  </a>
                </th>
                <td className="px-2 py-2 sm:px-3 text-right tabular-nums">{money(bill[part])}</td>
                <td className="px-2 py-2 sm:px-3 text-right tabular-nums">
                  {formatPercent(partShare(bill[part], bill.total))}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot className="border-t-2 border-slate-300 font-semibold">
            <tr>
              <th scope="row" className="px-2 py-2 sm:px-3">
                Total
              </th>
              <td className="px-2 py-2 sm:px-3 text-right tabular-nums">{money(bill.total)}</td>
              <td className="px-2 py-2 sm:px-3 text-right tabular-nums">
                {bill.total > 0 ? '100 %' : '—'}
              </td>
            </tr>
          </tfoot>
        </table>
      </div>

      <div className="space-y-3">
        <h3 className="font-semibold">How each part is worked out</h3>
        {BILL_PARTS.map((part) => {
          const line = detail.lines[part];
          return (
            <article
              key={part}
              id={`bill-line-${part}`}
              aria-labelledby={`bill-line-${part}-heading`}
              className="rounded border border-slate-200 p-3"
            >
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <h4 id={`bill-line-${part}-heading`} className="font-medium">
                  {BILL_PART_LABEL[part]}
                </h4>
                <span className="tabular-nums">{money(bill[part])}</span>
              </div>
              {line ? (
                <>
                  <p className="mt-1 break-words font-mono text-xs text-slate-800">
                    {line.formula}
                  </p>
                  {line.inputs.length > 0 && <InputsTable part={part} inputs={line.inputs} />}
                </>
              ) : (
                <p className="mt-1 text-slate-700">The bill carries no formula for this part.</p>
              )}
            </article>
          );
        })}
      </div>

      <div className="space-y-2">
        <h3 className="font-semibold">Energy by hour</h3>
        {detail.hourly.length === 0 ? (
          <p className="text-slate-700">The bill has no hourly rows.</p>
        ) : (
          <div
            className="max-h-96 overflow-auto rounded-lg border border-slate-200"
            tabIndex={0}
            role="region"
            aria-label="Energy by hour"
          >
            <table className="w-full text-left text-xs">
              <caption className="sr-only">
                Energy, price and carbon of each hour the job ran
              </caption>
              <thead className="sticky top-0 bg-slate-50 text-slate-700">
                <tr>
                  <th scope="col" className={th}>
                    Hour starting
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    IT kWh
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    PUE
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    Meter kWh
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    Price / kWh
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    kg CO2e / kWh
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    Energy cost
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {detail.hourly.map((h) => (
                  <tr key={h.hourStartMs}>
                    <th scope="row" className="whitespace-nowrap px-3 py-1.5 font-normal">
                      <time dateTime={new Date(h.hourStartMs).toISOString()}>
                        {formatDateTime(new Date(h.hourStartMs).toISOString())}
                      </time>
                    </th>
                    <td className="px-3 py-1.5 text-right tabular-nums">
                      {formatNumber(h.itKWh, 3)}
                    </td>
                    <td className="px-3 py-1.5 text-right tabular-nums">
                      {formatNumber(h.pue, 3)}
                    </td>
                    <td className="px-3 py-1.5 text-right tabular-nums">
                      {formatNumber(h.itKWh * h.pue, 3)}
                    </td>
                    <td className="px-3 py-1.5 text-right tabular-nums">{money(h.pricePerKWh)}</td>
                    <td className="px-3 py-1.5 text-right tabular-nums">
                      {formatNumber(h.kgPerKWh, 3)}
                    </td>
                    <td className="px-3 py-1.5 text-right tabular-nums">{money(h.cost)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot className="border-t-2 border-slate-300 font-semibold">
                <tr>
                  <th scope="row" className="px-3 py-1.5">
                    {detail.hourly.length} hour{detail.hourly.length === 1 ? '' : 's'}
                  </th>
                  <td className="px-3 py-1.5 text-right tabular-nums">
                    {formatNumber(hours.itKWh, 3)}
                  </td>
                  <td colSpan={4} />
                  <td className="px-3 py-1.5 text-right tabular-nums">{money(hours.cost)}</td>
                </tr>
              </tfoot>
            </table>
          </div>
        )}
        {detail.hours !== null && (
          <p className="text-xs text-slate-700">
            Resources were held for {formatNumber(detail.hours, 3)} h in all (attempts added up).
          </p>
        )}
      </div>
    </div>
  );
}

function InputsTable({ part, inputs }: { part: string; inputs: BillInput[] }) {
  // A list rather than a table, so that it reflows at phone width: name and value on one line,
  // then the kind and the source.
  const grid =
    'grid grid-cols-[minmax(45%,1fr)_auto] gap-x-3 gap-y-0.5 sm:grid-cols-[minmax(0,2fr)_10rem_8rem_minmax(0,2fr)] sm:items-center';
  return (
    <div className="mt-2 text-xs">
      <div
        aria-hidden="true"
        className={`${grid} hidden border-b border-slate-200 pb-1 font-semibold text-slate-700 sm:grid`}
      >
        <span>Input</span>
        <span className="text-right">Value</span>
        <span>Kind</span>
        <span>Source</span>
      </div>
      <ul aria-label={`Inputs of the ${part} part`} className="divide-y divide-slate-100">
        {inputs.map((input) => (
          <li key={input.name} className={`${grid} py-1`}>
            <span>{input.name}</span>
            <span className="whitespace-nowrap text-right tabular-nums">
              {formatNumber(input.value, 4)} {input.unit}
            </span>
            <span>
              <SourceLabel label={input.label} />
            </span>
            <span className="text-right text-slate-700 sm:text-left">{input.source ?? '—'}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Stat({
  label,
  value,
  note,
  testId,
  raw,
}: {
  label: string;
  value: string;
  note?: string;
  testId?: string;
  raw?: number;
}) {
  return (
    <div className="rounded border border-slate-200 bg-slate-50 p-3">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-700">{label}</dt>
      <dd className="mt-1 text-lg font-semibold tabular-nums" data-testid={testId} data-value={raw}>
        {value}
      </dd>
      {note && <dd className="text-xs text-slate-700">{note}</dd>}
    </div>
  );
}
