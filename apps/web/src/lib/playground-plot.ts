/**
 * Geometry and colours of the Playground's plot: the data's bounds, the grid the model is asked
 * about for the decision boundary, pixel ↔ data coordinates, and the heat map's colours.
 */

export type Bounds = { x1Min: number; x1Max: number; x2Min: number; x2Max: number };

/** The smallest square box around the points, padded by `pad` of its side on every edge. */
export function squareBounds(points: ArrayLike<number>, pad = 0.1): Bounds {
  let x1Min = Infinity;
  let x1Max = -Infinity;
  let x2Min = Infinity;
  let x2Max = -Infinity;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const a = points[i]!;
    const b = points[i + 1]!;
    x1Min = Math.min(x1Min, a);
    x1Max = Math.max(x1Max, a);
    x2Min = Math.min(x2Min, b);
    x2Max = Math.max(x2Max, b);
  }
  if (!Number.isFinite(x1Min)) return { x1Min: -1, x1Max: 1, x2Min: -1, x2Max: 1 };
  const side = Math.max(x1Max - x1Min, x2Max - x2Min, 1e-6);
  const half = side / 2 + side * pad;
  const c1 = (x1Min + x1Max) / 2;
  const c2 = (x2Min + x2Max) / 2;
  return { x1Min: c1 - half, x1Max: c1 + half, x2Min: c2 - half, x2Max: c2 + half };
}

/**
 * The centres of a `cols × rows` grid over the bounds as x1, x2 pairs, row by row from the top
 * (largest x2) down, the order an image's pixels are in.
 */
export function gridCentres(b: Bounds, cols: number, rows: number): Float32Array {
  const out = new Float32Array(cols * rows * 2);
  for (let r = 0; r < rows; r++) {
    const x2 = b.x2Max - ((r + 0.5) / rows) * (b.x2Max - b.x2Min);
    for (let c = 0; c < cols; c++) {
      const i = (r * cols + c) * 2;
      out[i] = b.x1Min + ((c + 0.5) / cols) * (b.x1Max - b.x1Min);
      out[i + 1] = x2;
    }
  }
  return out;
}

/** Data coordinates of a point on a plot of `width × height` pixels (y grows downwards). */
export function pixelToData(
  px: number,
  py: number,
  width: number,
  height: number,
  b: Bounds,
): [number, number] {
  return [
    b.x1Min + (px / width) * (b.x1Max - b.x1Min),
    b.x2Max - (py / height) * (b.x2Max - b.x2Min),
  ];
}

/** Pixel coordinates of a data point on a plot of `width × height` pixels. */
export function dataToPixel(
  x1: number,
  x2: number,
  width: number,
  height: number,
  b: Bounds,
): [number, number] {
  return [
    ((x1 - b.x1Min) / (b.x1Max - b.x1Min)) * width,
    ((b.x2Max - x2) / (b.x2Max - b.x2Min)) * height,
  ];
}

/** Class colours (Okabe–Ito: orange, blue, bluish green), told apart by colour-blind readers too. */
export const CLASS_COLOURS: readonly [number, number, number][] = [
  [230, 159, 0],
  [0, 114, 178],
  [0, 158, 115],
];

export const CLASS_MARKERS = ['circle', 'square', 'triangle'] as const;

export function classCss(c: number): string {
  const [r, g, b] = CLASS_COLOURS[c % CLASS_COLOURS.length]!;
  return `rgb(${r} ${g} ${b})`;
}

/**
 * Each class's probability per grid cell from the model's outputs: one sigmoid output is
 * P(class 1), several (softmax) are one probability per class.
 */
export function classProbabilities(
  outputs: readonly (readonly number[])[],
  classes: number,
): number[][] {
  return outputs.map((o) => (classes === 2 && o.length === 1 ? [1 - o[0]!, o[0]!] : [...o]));
}

/**
 * The heat map's RGBA pixels: each cell tinted towards its likeliest class, the stronger the
 * surer the model is (white at a coin toss between classes).
 */
export function heatPixels(probs: readonly (readonly number[])[]): Uint8ClampedArray {
  const px = new Uint8ClampedArray(probs.length * 4);
  probs.forEach((p, i) => {
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
    const k = p.length;
    // 0 at 1/k (no preference), 1 at certainty.
    const sure = k > 1 ? Math.max(0, Math.min(1, (p[best]! - 1 / k) / (1 - 1 / k))) : 0;
    const strength = 0.15 + 0.5 * sure;
    const [r, g, b] = CLASS_COLOURS[best % CLASS_COLOURS.length]!;
    px[i * 4] = 255 + (r - 255) * strength;
    px[i * 4 + 1] = 255 + (g - 255) * strength;
    px[i * 4 + 2] = 255 + (b - 255) * strength;
    px[i * 4 + 3] = 255;
  });
  return px;
}

/** A number for a table cell: up to `digits` significant digits, trailing zeros dropped. */
export function sigDigits(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return '—';
  return String(Number(x.toPrecision(digits)));
}

export function percent(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(1)} %`;
}
