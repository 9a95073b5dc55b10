import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';

import type { Model } from './model';
import { buildModel } from './model';
import { denseNetSpec } from './spec/network';

export const SAVED_MODEL_FORMAT = 'wattwise-nn/1';

/**
 * A model as plain JSON: its spec and every weight tensor in layer order (kernel, then bias), the
 * float32 values base64-encoded little-endian. Loads in Node and in the browser alike.
 */
export const savedModel = z.strictObject({
  format: z.literal(SAVED_MODEL_FORMAT),
  spec: denseNetSpec,
  weights: z.array(
    z.strictObject({
      shape: z.array(z.number().int().nonnegative()),
      values: z.base64(),
    }),
  ),
});

export type SavedModel = z.infer<typeof savedModel>;

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function toBase64(values: Float32Array): string {
  if (!littleEndian) throw new Error('saving needs a little-endian platform');
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let text = '';
  // Chunks keep String.fromCharCode's argument list short.
  for (let i = 0; i < bytes.length; i += 0x8000)
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text: string): Float32Array {
  if (!littleEndian) throw new Error('loading needs a little-endian platform');
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  if (bytes.length % 4 !== 0)
    throw new Error('weight data is not a whole number of float32 values');
  return new Float32Array(bytes.buffer);
}

/** The model's spec and weights, ready for JSON.stringify. */
export async function saveModel(model: Model): Promise<SavedModel> {
  const weights = model.tfModel.getWeights();
  const values = await Promise.all(weights.map((w) => w.data<'float32'>()));
  return {
    format: SAVED_MODEL_FORMAT,
    spec: model.spec,
    weights: weights.map((w, i) => ({ shape: w.shape, values: toBase64(values[i]!) })),
  };
}

/** A model from what `saveModel` wrote (parsed JSON); checks every shape against the spec. */
export function loadModel(saved: unknown): Model {
  const parsed = savedModel.safeParse(saved);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(`not a saved model: ${i.path.join('.') || 'value'}: ${i.message}`);
  }
  const { spec, weights } = parsed.data;
  const model = buildModel(spec);
  try {
    const expected = model.tfModel.getWeights().map((w) => w.shape);
    if (expected.length !== weights.length)
      throw new Error(`the spec has ${expected.length} weight tensors, the file ${weights.length}`);
    const arrays = weights.map((w, i) => {
      const want = expected[i]!;
      if (w.shape.join('×') !== want.join('×'))
        throw new Error(
          `weight ${i} has shape ${w.shape.join('×')}, the spec needs ${want.join('×')}`,
        );
      const values = fromBase64(w.values);
      const size = want.reduce((a, b) => a * b, 1);
      if (values.length !== size)
        throw new Error(
          `weight ${i} holds ${values.length} values, its shape ${want.join('×')} needs ${size}`,
        );
      return values;
    });
    const tensors = arrays.map((values, i) => tf.tensor(values, expected[i]!));
    model.tfModel.setWeights(tensors);
    tf.dispose(tensors);
    return model;
  } catch (err) {
    model.dispose();
    throw err;
  }
}
