/**
 * CPU copies of a trainer's state (weights, EMA, optimiser moments and step counts), so a run can
 * continue on another backend after the GPU device is lost: GPU buffers are gone by then, so the
 * worker takes a snapshot every few hundred steps and whenever a run pauses.
 *
 * Not captured: the trainer's random streams and its count of D updates (lazy regularisation
 * phase). A restored run therefore draws different batches than the original would have; its
 * weights, optimiser state and iteration count are exact.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isImageConfig, type AnyGanConfig, type GanConfig } from './config';
import type { ImageGanTrainer } from '../image/imageTrainer';
import { ToyGanTrainer } from './trainer';

/** Either trainer: both expose the state a snapshot holds. */
export type AnyTrainer = ToyGanTrainer | ImageGanTrainer;

/** Builds a fresh trainer for a config (image trainers need the worker's data source). */
export type TrainerBuilder = (
  config: AnyGanConfig,
  logEvery: number,
  namePrefix: string,
) => AnyTrainer;

/** Toy configs only: the builder for contexts without image data. */
export const buildToyTrainer: TrainerBuilder = (config, logEvery, namePrefix) => {
  if (isImageConfig(config)) throw new Error('This context cannot build image trainers.');
  return new ToyGanTrainer(config as GanConfig, logEvery, namePrefix);
};

export interface TrainerSnapshot {
  config: AnyGanConfig;
  logEvery: number;
  iteration: number;
  optimizerSteps: [number, number];
  /** Shapes of `trainer.variables`, in order. */
  shapes: number[][];
  /** Every variable's values, flattened and concatenated in that order. */
  values: Float32Array;
}

/**
 * Reads the trainer's state back with ONE asynchronous readback (all variables concatenated),
 * never a synchronous one. The values are those in force when this is called, even if more
 * steps are queued before the readback completes.
 */
export async function takeSnapshot(trainer: AnyTrainer): Promise<TrainerSnapshot> {
  const variables = trainer.variables;
  const meta = {
    config: trainer.config,
    logEvery: trainer.logEvery,
    iteration: trainer.iteration,
    optimizerSteps: trainer.optimizerSteps,
    shapes: variables.map((v) => [...v.shape]),
  };
  const flat = tf.tidy(() => tf.concat(variables.map((v) => tf.reshape(v, [-1]))));
  try {
    const values = (await flat.data()) as Float32Array;
    return { ...meta, values };
  } finally {
    flat.dispose();
  }
}

/** Writes a snapshot into a trainer built with the same config (shapes are checked). */
export function assignSnapshot(trainer: AnyTrainer, snapshot: TrainerSnapshot): void {
  const variables = trainer.variables;
  if (variables.length !== snapshot.shapes.length) {
    throw new Error(
      `Snapshot holds ${snapshot.shapes.length} variables but the trainer has ${variables.length}.`,
    );
  }
  let offset = 0;
  variables.forEach((v, i) => {
    if (snapshot.shapes[i].join('x') !== v.shape.join('x')) {
      throw new Error(
        `Snapshot variable ${i} has shape [${snapshot.shapes[i]}], the trainer's ${v.name} [${v.shape}].`,
      );
    }
    // slice(): a copy, because some backends keep a reference to the array they are given.
    const values = snapshot.values.slice(offset, offset + v.size);
    offset += v.size;
    tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));
  });
  if (offset !== snapshot.values.length) {
    throw new Error(`Snapshot holds ${snapshot.values.length} values, the trainer ${offset}.`);
  }
  trainer.iteration = snapshot.iteration;
  trainer.optimizerSteps = snapshot.optimizerSteps;
}

/** Builds a new trainer (on the current backend) in the snapshot's state. */
export function restoreSnapshot(
  snapshot: TrainerSnapshot,
  namePrefix = '',
  build: TrainerBuilder = buildToyTrainer,
): AnyTrainer {
  const trainer = build(snapshot.config, snapshot.logEvery, namePrefix);
  try {
    assignSnapshot(trainer, snapshot);
  } catch (error) {
    trainer.dispose();
    throw error;
  }
  return trainer;
}
