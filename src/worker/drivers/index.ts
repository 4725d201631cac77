/**
 * Picks the run-kind driver (driver.ts) for a config: the one place that tells a toy run from an
 * image run. One instance per RunManager, because the image driver caches the digits and the
 * classifier it loaded.
 */
import { isImageConfig, type AnyGanConfig } from '../../engine/core/config';
import { differingKeys } from '../../engine/core/equal';
import type { RunKindDriver } from './driver';
import { ImageDriver, type ImageDriverContext } from './imageDriver';
import { ToyDriver } from './toyDriver';

export class RunKindDrivers {
  readonly toy: ToyDriver;
  readonly image: ImageDriver;

  constructor(context: ImageDriverContext) {
    this.toy = new ToyDriver(context);
    this.image = new ImageDriver(context);
  }

  /** The driver of the kind of run `config` describes. */
  of(config: AnyGanConfig): RunKindDriver {
    return isImageConfig(config) ? this.image : this.toy;
  }

  /** The backend is going away (device loss): drop the state that lives on it. */
  releaseBackendState(): void {
    this.image.releaseBackendState();
  }

  /** Whether going from settings a to b needs new models (or another kind of model). */
  needsNewModel(a: AnyGanConfig, b: AnyGanConfig): boolean {
    if (isImageConfig(a) !== isImageConfig(b)) return true;
    return this.of(a).needsNewModel(a, b);
  }
}

/** Top-level settings that differ (for the `rebuilt` event). */
export function changedSettings(a: AnyGanConfig, b: AnyGanConfig): string[] {
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  return differingKeys(x, y, keys);
}
