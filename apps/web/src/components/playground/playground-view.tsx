'use client';

import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';

import {
  PLAYGROUND_BATCH_SIZE,
  PLAYGROUND_DATASETS,
  PLAYGROUND_LIMITS,
  hiddenLayers,
  playgroundDataset,
  playgroundStateFromSearch,
  searchFromPlaygroundState,
  type PlaygroundDatasetName,
  type PlaygroundState,
} from '../../lib/playground-params';
import {
  CLASS_MARKERS,
  classCss,
  classProbabilities,
  dataToPixel,
  heatPixels,
  percent,
  pixelToData,
  sigDigits,
  squareBounds,
  type Bounds,
} from '../../lib/playground-plot';
import { inputClass } from '../form-field';
import type * as EngineModule from './engine';
import type { Metrics, Trainer } from './engine';
import { WorkedExamplePanel } from './worked-example-panel';

type Engine = typeof EngineModule;

/** Cells per side of the decision-boundary grid. */
const GRID = 60;
/** Canvas size in CSS pixels before scaling to the box it sits in. */
const SIZE = 480;
/** Milliseconds of training between two redraws. */
const SLICE_MS = 40;

function drawMarker(ctx: CanvasRenderingContext2D, x: number, y: number, cls: number, r: number) {
  ctx.beginPath();
  const shape = CLASS_MARKERS[cls % CLASS_MARKERS.length];
  if (shape === 'square') ctx.rect(x - r, y - r, 2 * r, 2 * r);
  else if (shape === 'triangle') {
    ctx.moveTo(x, y - r * 1.2);
    ctx.lineTo(x + r * 1.1, y + r * 0.8);
    ctx.lineTo(x - r * 1.1, y + r * 0.8);
    ctx.closePath();
  } else ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.fillStyle = classCss(cls);
  ctx.fill();
  ctx.lineWidth = 1.25;
  ctx.strokeStyle = 'white';
  ctx.stroke();
}

/** Trains a small network on a toy set in the browser and paints its decision boundary. */
export function PlaygroundView() {
  const params = useSearchParams();
  const [state, setState] = useState<PlaygroundState>(() => playgroundStateFromSearch(params));
  const [engine, setEngine] = useState<Engine | null>(null);
  const [backend, setBackend] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [metrics, setMetrics] = useState<Metrics | null>(null);
  const [addClass, setAddClass] = useState(1);
  const [generation, setGeneration] = useState(0);
  const trainer = useRef<Trainer | null>(null);
  const bounds = useRef<Bounds | null>(null);
  const heat = useRef<number[][] | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const runningRef = useRef(false);
  const epochsRef = useRef(state.epochs);
  epochsRef.current = state.epochs;

  const info = playgroundDataset(state.dataset);
  const classes = info.classes;

  const update = (next: PlaygroundState) => {
    setState(next);
    const query = searchFromPlaygroundState(next);
    window.history.replaceState(null, '', query ? `?${query}` : window.location.pathname);
  };

  // TensorFlow.js and nn-core's trainer load here, on this route only.
  useEffect(() => {
    let live = true;
    import('./engine')
      .then(async (m) => {
        const name = await m.startBackend();
        if (!live) return;
        setBackend(name);
        setEngine(m);
      })
      .catch((err: unknown) => {
        if (live) setLoadError(err instanceof Error ? err.message : String(err));
      });
    return () => {
      live = false;
    };
  }, []);

  const draw = useCallback(() => {
    const c = canvas.current;
    const t = trainer.current;
    const b = bounds.current;
    if (!c || !t || !b) return;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    const scale = c.width / SIZE;
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.clearRect(0, 0, SIZE, SIZE);
    if (heat.current) {
      const img = new ImageData(
        heatPixels(heat.current) as Uint8ClampedArray<ArrayBuffer>,
        GRID,
        GRID,
      );
      const off = document.createElement('canvas');
      off.width = GRID;
      off.height = GRID;
      off.getContext('2d')!.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(off, 0, 0, SIZE, SIZE);
    } else {
      ctx.fillStyle = '#f8fafc';
      ctx.fillRect(0, 0, SIZE, SIZE);
    }
    t.xs.forEach(([x1, x2], i) => {
      const [px, py] = dataToPixel(x1!, x2!, SIZE, SIZE, b);
      drawMarker(ctx, px, py, t.labels[i]!, 4.5);
    });
  }, []);

  const refresh = useCallback(async () => {
    const t = trainer.current;
    const b = bounds.current;
    if (!t || !b) return;
    const [m, outputs] = await Promise.all([t.metrics(), t.grid(b, GRID, GRID)]);
    if (trainer.current !== t) return;
    heat.current = classProbabilities(outputs, t.config.classes);
    setMetrics(m);
    draw();
  }, [draw]);

  // A new network and data whenever the dataset, seed or network settings change.
  useEffect(() => {
    if (!engine) return;
    runningRef.current = false;
    setRunning(false);
    const t = new engine.Trainer({
      dataset: state.dataset,
      size: info.size,
      classes: info.classes,
      seed: state.seed,
      learningRate: state.learningRate,
      hidden: hiddenLayers(state),
    });
    trainer.current = t;
    bounds.current = squareBounds(t.flatPoints());
    heat.current = null;
    setAddClass((c) => Math.min(c, info.classes - 1));
    void refresh();
    return () => {
      if (trainer.current === t) trainer.current = null;
      t.dispose();
    };
  }, [
    engine,
    generation,
    state.dataset,
    state.seed,
    state.learningRate,
    state.hidden,
    state.layers,
    refresh,
  ]);

  const loop = useCallback(async () => {
    while (runningRef.current) {
      const t = trainer.current;
      if (!t) break;
      const until = performance.now() + SLICE_MS;
      while (performance.now() < until && t.epoch < epochsRef.current) t.runEpoch();
      await refresh();
      if (t.epoch >= epochsRef.current) {
        runningRef.current = false;
        setRunning(false);
        break;
      }
      await new Promise((r) => setTimeout(r, 0));
    }
  }, [refresh]);

  const start = () => {
    if (runningRef.current || !trainer.current) return;
    runningRef.current = true;
    setRunning(true);
    void loop();
  };
  const pause = () => {
    runningRef.current = false;
    setRunning(false);
  };
  const reset = () => {
    // Same settings, a fresh network and the dataset without added points.
    pause();
    setGeneration((g) => g + 1);
  };

  useEffect(() => () => void (runningRef.current = false), []);

  const onPlotClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const t = trainer.current;
    const b = bounds.current;
    if (!t || !b) return;
    const rect = e.currentTarget.getBoundingClientRect();
    const [x1, x2] = pixelToData(
      e.clientX - rect.left,
      e.clientY - rect.top,
      rect.width,
      rect.height,
      b,
    );
    t.addPoint(x1, x2, addClass);
    draw();
    if (!runningRef.current) void refresh();
  };

  // Sharp on high-density screens.
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    c.width = SIZE * dpr;
    c.height = SIZE * dpr;
    draw();
  }, [draw, engine]);

  const done = metrics !== null && metrics.epoch >= state.epochs;
  const total = metrics ? metrics.counts.reduce((a, b) => a + b, 0) : 0;
  const b = bounds.current;

  return (
    <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
      <section
        aria-labelledby="train-heading"
        className="min-w-0 rounded-lg border border-slate-200 bg-white p-5"
      >
        <h2 id="train-heading" className="text-base font-semibold">
          Train in your browser
        </h2>
        <p className="mt-1 text-sm text-slate-700">
          {info.label}: {info.note}. Adam, mini-batches of {PLAYGROUND_BATCH_SIZE}, tanh hidden
          units, trained by nn-core on TensorFlow.js
          {backend ? ` (${backend} backend)` : ''}.
        </p>

        <div className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-3">
          <label className="text-sm font-medium text-slate-800">
            Dataset
            <select
              className={`${inputClass} mt-1`}
              value={state.dataset}
              onChange={(e) =>
                update({ ...state, dataset: e.target.value as PlaygroundDatasetName })
              }
            >
              {PLAYGROUND_DATASETS.map((d) => (
                <option key={d.name} value={d.name}>
                  {d.label}
                </option>
              ))}
            </select>
          </label>
          <NumberInput
            label="Seed"
            value={state.seed}
            limits={PLAYGROUND_LIMITS.seed}
            step={1}
            onChange={(v) => update({ ...state, seed: v })}
          />
          <NumberInput
            label="Epochs"
            value={state.epochs}
            limits={PLAYGROUND_LIMITS.epochs}
            step={10}
            onChange={(v) => update({ ...state, epochs: v })}
          />
          <NumberInput
            label="Learning rate"
            value={state.learningRate}
            limits={PLAYGROUND_LIMITS.learningRate}
            step={0.001}
            onChange={(v) => update({ ...state, learningRate: v })}
          />
          <NumberInput
            label="Hidden units"
            value={state.hidden}
            limits={PLAYGROUND_LIMITS.hidden}
            step={1}
            onChange={(v) => update({ ...state, hidden: v })}
          />
          <NumberInput
            label="Hidden layers"
            value={state.layers}
            limits={PLAYGROUND_LIMITS.layers}
            step={1}
            disabled={state.hidden === 0}
            onChange={(v) => update({ ...state, layers: v })}
          />
        </div>

        <div className="mt-4 flex flex-wrap items-center gap-2">
          {running ? (
            <button
              type="button"
              onClick={pause}
              className="rounded bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
            >
              Pause
            </button>
          ) : (
            <button
              type="button"
              onClick={start}
              disabled={!engine || done}
              className="rounded bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50"
            >
              {metrics && metrics.epoch > 0 ? 'Resume' : 'Start'}
            </button>
          )}
          <button
            type="button"
            onClick={reset}
            disabled={!engine}
            className="rounded border border-slate-300 px-4 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100 disabled:opacity-50"
          >
            Reset
          </button>
          <fieldset className="ml-auto flex items-center gap-3 text-sm">
            <legend className="sr-only">Class of a clicked point</legend>
            <span className="text-slate-700">Click adds:</span>
            {Array.from({ length: classes }, (_, k) => (
              <label key={k} className="flex items-center gap-1">
                <input
                  type="radio"
                  name="add-class"
                  value={k}
                  checked={addClass === k}
                  onChange={() => setAddClass(k)}
                  className="accent-brand-600"
                />
                <span
                  aria-hidden="true"
                  className="inline-block h-3 w-3 rounded-full"
                  style={{ background: classCss(k) }}
                />
                class {k}
              </label>
            ))}
          </fieldset>
        </div>

        <div className="mt-4 w-full max-w-[480px]">
          <canvas
            ref={canvas}
            width={SIZE}
            height={SIZE}
            onClick={onPlotClick}
            role="img"
            aria-label={
              `Decision boundary of the network on ${info.label}: ${total} points coloured by class over ` +
              `the class the network predicts at each place` +
              (metrics ? `, epoch ${metrics.epoch}, accuracy ${percent(metrics.accuracy)}` : '') +
              '. Click to add a point of the selected class; the tables below give the same figures.'
            }
            className="aspect-square w-full cursor-crosshair rounded border border-slate-300"
          />
          {b && (
            <p className="mt-1 text-xs text-slate-600">
              x1 from {sigDigits(b.x1Min, 3)} to {sigDigits(b.x1Max, 3)} (left to right), x2 from{' '}
              {sigDigits(b.x2Min, 3)} to {sigDigits(b.x2Max, 3)} (bottom to top). Shapes: class 0 ●,
              class 1 ■{classes > 2 ? ', class 2 ▲' : ''}.
            </p>
          )}
          {loadError && (
            <p role="alert" className="mt-2 text-sm text-red-700">
              TensorFlow.js did not load: {loadError}
            </p>
          )}
          {!engine && !loadError && (
            <p className="mt-2 text-sm text-slate-700">Loading TensorFlow.js…</p>
          )}
        </div>

        <div className="mt-4 grid gap-4 sm:grid-cols-2">
          <table className="text-sm" aria-label="Training metrics">
            <caption className="mb-1 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              Training, on all points
            </caption>
            <tbody>
              <MetricRow
                name="Epoch"
                value={metrics ? `${metrics.epoch} of ${state.epochs}` : '—'}
              />
              <MetricRow
                name="Loss"
                value={metrics ? sigDigits(metrics.loss) : '—'}
                testId="pg-loss"
              />
              <MetricRow name="Accuracy" value={percent(metrics?.accuracy)} testId="pg-accuracy" />
              <MetricRow
                name="Majority baseline"
                value={percent(metrics?.baseline)}
                testId="pg-baseline"
              />
              <MetricRow
                name="Status"
                value={
                  running
                    ? 'training'
                    : done
                      ? 'done'
                      : metrics && metrics.epoch > 0
                        ? 'paused'
                        : 'ready'
                }
              />
            </tbody>
          </table>
          <table className="text-sm" aria-label="Points per class">
            <caption className="mb-1 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              Points per class
            </caption>
            <tbody>
              {Array.from({ length: classes }, (_, k) => (
                <MetricRow
                  key={k}
                  name={`Class ${k}`}
                  value={metrics ? String(metrics.counts[k] ?? 0) : '—'}
                  testId={`pg-count-${k}`}
                />
              ))}
              <MetricRow
                name="Total"
                value={metrics ? String(total) : '—'}
                testId="pg-count-total"
              />
            </tbody>
          </table>
        </div>
        <p className="mt-3 text-xs text-slate-600">
          Loss is the mean cross-entropy; the majority baseline is the accuracy of always answering
          the commonest class, the bar a network must clear to have learnt anything.
        </p>
      </section>
      <WorkedExamplePanel />
    </div>
  );
}

function MetricRow({ name, value, testId }: { name: string; value: string; testId?: string }) {
  return (
    <tr className="border-b border-slate-100">
      <th scope="row" className="py-1 pr-4 text-left font-medium text-slate-700">
        {name}
      </th>
      <td className="py-1 text-right tabular-nums" data-testid={testId}>
        {value}
      </td>
    </tr>
  );
}

function NumberInput({
  label,
  value,
  limits,
  step,
  disabled,
  onChange,
}: {
  label: string;
  value: number;
  limits: { min: number; max: number };
  step: number;
  disabled?: boolean;
  onChange: (v: number) => void;
}) {
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);
  return (
    <label className="text-sm font-medium text-slate-800">
      {label}
      <input
        type="number"
        className={`${inputClass} mt-1`}
        value={text}
        min={limits.min}
        max={limits.max}
        step={step}
        disabled={disabled}
        onChange={(e) => {
          setText(e.target.value);
          const v = Number(e.target.value);
          if (e.target.value !== '' && Number.isFinite(v) && v >= limits.min && v <= limits.max)
            onChange(v);
        }}
      />
    </label>
  );
}
