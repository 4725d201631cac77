/**
 * An MLP's weights as one flat device buffer (netLayout order), for the fused kernels, kept in
 * sync with the Mlp's tf.Variables lazily in both directions:
 * - the fused step replaces the flat buffer; the variables are then stale, and are written back
 *   (split + assign) only when something uses them (views, snapshots, the op path): Mlp.beforeUse;
 * - anything that assigns a variable (a restored snapshot, the op path) changes its dataId, and
 *   the next fused step repacks the buffer from the variables.
 * So an ordinary training step costs no copies, and every reader sees current weights.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Mlp } from '../../engine/toy/mlp';

export class FlatParams {
  private flat: tf.Tensor1D | null = null;
  /** The flat buffer is newer than the variables. */
  private stale = false;
  /** The variables' data when they last matched the flat buffer. */
  private syncedIds: object[] = [];

  constructor(private readonly net: Mlp) {
    net.beforeUse = () => this.writeBack();
  }

  /** The current flat parameters (packed from the variables if those changed since). */
  current(): tf.Tensor1D {
    const variables = this.net.storedVariables;
    const inSync = variables.every((v, i) => v.dataId === this.syncedIds[i]);
    if (this.flat && (this.stale || inSync)) return this.flat;
    this.flat?.dispose();
    this.flat = tf.keep(
      tf.tidy(() => tf.concat(variables.map((v) => tf.reshape(v, [-1]))) as tf.Tensor1D),
    );
    this.stale = false;
    this.syncedIds = variables.map((v) => v.dataId);
    return this.flat;
  }

  /** Takes `next` (kept by the caller) as the new parameters; the variables are stale until used. */
  replace(next: tf.Tensor1D): void {
    this.flat?.dispose();
    this.flat = next;
    this.stale = true;
  }

  /** The flat buffer if it is newer than the variables (what the last step wrote), else null. */
  get pending(): tf.Tensor | null {
    return this.stale ? this.flat : null;
  }

  /** Writes the flat parameters into the variables if they are newer. */
  writeBack(): void {
    const flat = this.flat;
    if (!this.stale || !flat) return;
    const variables = this.net.storedVariables;
    tf.tidy(() => {
      const parts = tf.split(
        flat,
        variables.map((v) => v.size),
      );
      variables.forEach((v, i) => v.assign(tf.reshape(parts[i], v.shape)));
    });
    this.stale = false;
    this.syncedIds = variables.map((v) => v.dataId);
  }

  dispose(): void {
    this.flat?.dispose();
    this.flat = null;
    this.net.beforeUse = null;
  }
}
