import { describe, expect, it } from 'vitest';

import {
  classProbabilities,
  dataToPixel,
  gridCentres,
  heatPixels,
  percent,
  pixelToData,
  sigDigits,
  squareBounds,
} from './playground-plot';

describe('playground plot geometry', () => {
  it('pads a square box around the points', () => {
    const b = squareBounds(Float32Array.from([0, 0, 1, 0.5]), 0.1);
    // Side 1 (the wider extent), centred on (0.5, 0.25), padded by 0.1 on each edge.
    expect(b.x1Min).toBeCloseTo(-0.1, 12);
    expect(b.x1Max).toBeCloseTo(1.1, 12);
    expect(b.x2Min).toBeCloseTo(-0.35, 12);
    expect(b.x2Max).toBeCloseTo(0.85, 12);
  });

  it('maps pixels to data and back', () => {
    const b = { x1Min: -2, x1Max: 2, x2Min: -1, x2Max: 3 };
    expect(pixelToData(0, 0, 400, 400, b)).toEqual([-2, 3]);
    expect(pixelToData(400, 400, 400, 400, b)).toEqual([2, -1]);
    const [px, py] = dataToPixel(0.5, 0.25, 400, 400, b);
    const [x1, x2] = pixelToData(px, py, 400, 400, b);
    expect(x1).toBeCloseTo(0.5, 12);
    expect(x2).toBeCloseTo(0.25, 12);
  });

  it('lays the grid out row by row from the top, at cell centres', () => {
    const g = gridCentres({ x1Min: 0, x1Max: 2, x2Min: 0, x2Max: 2 }, 2, 2);
    expect(Array.from(g)).toEqual([0.5, 1.5, 1.5, 1.5, 0.5, 0.5, 1.5, 0.5]);
  });
});

describe('playground heat map', () => {
  it('reads one sigmoid output as P(class 1) and softmax outputs as they are', () => {
    expect(classProbabilities([[0.25]], 2)).toEqual([[0.75, 0.25]]);
    expect(classProbabilities([[0.2, 0.3, 0.5]], 3)).toEqual([[0.2, 0.3, 0.5]]);
  });

  it('tints towards the likeliest class, more when the model is sure', () => {
    const [unsure, sure] = [
      [0.5, 0.5],
      [0, 1],
    ];
    const px = heatPixels([unsure!, sure!]);
    // Class 1 is blue (0, 114, 178): the sure cell is bluer (lower red) than the unsure one.
    expect(px[4]!).toBeLessThan(px[0]!);
    expect(px[3]).toBe(255);
  });

  it('formats numbers for the tables', () => {
    expect(sigDigits(0.123456)).toBe('0.1235');
    expect(sigDigits(Number.NaN)).toBe('—');
    expect(percent(0.875)).toBe('87.5 %');
    expect(percent(undefined)).toBe('—');
  });
});
