'use client';

import { ACCELERATORS, ESTIMATE_DEFAULTS, PRECISIONS } from '@wattwise/cost-model';

import type { ReactNode } from 'react';

import type { EstimateKey, EstimateValues } from '../../lib/estimate-params';
import { inputClass } from '../form-field';

type TextField = {
  key: EstimateKey;
  label: string;
  placeholder?: string;
  hint: string;
};

const GROUPS: { legend: string; fields: TextField[] }[] = [
  {
    legend: 'Work',
    fields: [
      {
        key: 'params',
        label: 'Parameters',
        placeholder: 'e.g. 7B',
        hint: 'With tokens: FLOPs = 6·N·D. CLI --params',
      },
      { key: 'tokens', label: 'Training tokens', placeholder: 'e.g. 1T', hint: 'CLI --tokens' },
      {
        key: 'flops',
        label: 'FLOPs',
        placeholder: 'e.g. 3.15e23',
        hint: 'Instead of parameters and tokens. CLI --flops',
      },
      {
        key: 'mfu',
        label: 'MFU',
        placeholder: `${ESTIMATE_DEFAULTS.mfu.value} (${ESTIMATE_DEFAULTS.mfu.low}–${ESTIMATE_DEFAULTS.mfu.high})`,
        hint: 'Model FLOPs utilisation, 0–1. CLI --mfu',
      },
    ],
  },
  {
    legend: 'Duration (instead of the work, or with it to imply the MFU)',
    fields: [
      {
        key: 'gpu-hours',
        label: 'GPU-hours',
        placeholder: 'e.g. 20000',
        hint: 'Accelerator-hours. CLI --gpu-hours',
      },
      {
        key: 'days',
        label: 'Days',
        placeholder: 'e.g. 14',
        hint: 'Wall-clock days on all accelerators. CLI --days',
      },
    ],
  },
  {
    legend: 'Power, facility and grid',
    fields: [
      {
        key: 'power-w',
        label: 'Power per accelerator (W)',
        placeholder: 'catalogue TDP',
        hint: 'Average draw, taken as measured. CLI --power-w',
      },
      {
        key: 'pue',
        label: 'PUE',
        placeholder: String(ESTIMATE_DEFAULTS.pue.value),
        hint: 'CLI --pue',
      },
      {
        key: 'grid-intensity',
        label: 'Grid intensity (kgCO2e/kWh)',
        placeholder: String(ESTIMATE_DEFAULTS.gridKgPerKWh.value),
        hint: 'CLI --grid-intensity',
      },
      {
        key: 'price',
        label: 'Energy price (USD/kWh)',
        placeholder: String(ESTIMATE_DEFAULTS.pricePerKWh.value),
        hint: 'CLI --price',
      },
    ],
  },
  {
    legend: 'Other costs of owning (USD)',
    fields: [
      {
        key: 'hardware-per-gpu-hour',
        label: 'Hardware per GPU-hour',
        placeholder: `price over ${ESTIMATE_DEFAULTS.hardwareLifeYears} years`,
        hint: 'CLI --hardware-per-gpu-hour',
      },
      {
        key: 'ops-per-gpu-hour',
        label: 'Operations per GPU-hour',
        placeholder: '0',
        hint: 'CLI --ops-per-gpu-hour',
      },
      {
        key: 'storage-cost',
        label: 'Storage for the run',
        placeholder: '0',
        hint: 'CLI --storage-cost',
      },
      {
        key: 'bandwidth-cost',
        label: 'Bandwidth for the run',
        placeholder: '0',
        hint: 'CLI --bandwidth-cost',
      },
    ],
  },
];

const fieldId = (key: EstimateKey) => `est-${key}`;

type Control = { id: string; 'aria-describedby': string; 'aria-invalid'?: true };

/** A compact labelled control: label, control, then the error (if any) and the hint, both described-by. */
function Field({
  name,
  label,
  hint,
  error,
  className,
  children,
}: {
  name: EstimateKey;
  label: string;
  hint: string;
  error?: string;
  className?: string;
  children: (control: Control) => ReactNode;
}) {
  const id = fieldId(name);
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <div className="mt-1">
        {children({
          id,
          'aria-describedby': error ? `${id}-error ${id}-hint` : `${id}-hint`,
          'aria-invalid': error ? true : undefined,
        })}
      </div>
      {error && (
        <p id={`${id}-error`} className="mt-1 text-xs font-medium text-red-700">
          {error}
        </p>
      )}
      <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
        {hint}
      </p>
    </div>
  );
}

/** The estimator's inputs: one control per CLI flag, each holding the text typed (7B, 3.15e23…). */
export function EstimatorForm({
  values,
  errors,
  onChange,
}: {
  values: EstimateValues;
  errors: Partial<Record<EstimateKey, string>>;
  onChange: (key: EstimateKey, value: string) => void;
}) {
  const text = (f: TextField) => (
    <Field key={f.key} name={f.key} label={f.label} hint={f.hint} error={errors[f.key]}>
      {(control) => (
        <input
          {...control}
          name={f.key}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          spellCheck={false}
          placeholder={f.placeholder}
          value={values[f.key] ?? ''}
          onChange={(e) => onChange(f.key, e.target.value)}
          className={inputClass}
        />
      )}
    </Field>
  );

  return (
    <form
      aria-label="Training run"
      onSubmit={(e) => e.preventDefault()}
      noValidate
      className="space-y-5"
    >
      <fieldset className="grid grid-cols-2 gap-x-3 gap-y-4 md:grid-cols-4 xl:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold text-brand-700">Accelerators</legend>
        <Field
          name="gpu"
          label="Accelerator"
          hint="Required. CLI --gpu"
          error={errors.gpu}
          className="col-span-2"
        >
          {(control) => (
            <select
              {...control}
              name="gpu"
              value={values.gpu ?? ''}
              onChange={(e) => onChange('gpu', e.target.value)}
              className={inputClass}
            >
              <option value="">Choose…</option>
              {values.gpu && !ACCELERATORS.some((a) => a.id === values.gpu) && (
                <option value={values.gpu}>{values.gpu}</option>
              )}
              {ACCELERATORS.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="count" label="Count" hint="Used together. CLI --count" error={errors.count}>
          {(control) => (
            <input
              {...control}
              name="count"
              type="text"
              inputMode="numeric"
              autoComplete="off"
              placeholder="1"
              value={values.count ?? ''}
              onChange={(e) => onChange('count', e.target.value)}
              className={inputClass}
            />
          )}
        </Field>
        <Field
          name="precision"
          label="Precision"
          hint="Peak rate the MFU applies to. CLI --precision"
          error={errors.precision}
        >
          {(control) => (
            <select
              {...control}
              name="precision"
              value={values.precision ?? ''}
              onChange={(e) => onChange('precision', e.target.value)}
              className={inputClass}
            >
              <option value="">bf16, else fp16</option>
              {PRECISIONS.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          )}
        </Field>
      </fieldset>
      {GROUPS.map((group) => (
        <fieldset
          key={group.legend}
          className="grid grid-cols-2 gap-x-3 gap-y-4 md:grid-cols-4 xl:grid-cols-2"
        >
          <legend className="mb-2 text-sm font-semibold text-brand-700">{group.legend}</legend>
          {group.fields.map(text)}
        </fieldset>
      ))}
    </form>
  );
}
