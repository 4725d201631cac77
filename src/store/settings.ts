/**
 * The settings store: the run's settings (configs, R1/R2 toggles, the drawn dataset). Plain
 * zustand (vanilla), no React: components subscribe with selectors through `useSettings`, the
 * training session subscribes to the active config and forwards changes to the worker. The same
 * store carries two slices that are not settings of the run: the viewer's preferences (theme,
 * speed, layers: preferences.ts, remembered) and the run options (step controls, backend,
 * presentation: runOptions.ts).
 *
 * The playground trains either a 2-D toy (`config`, a GanConfig) or Stacked MNIST (`imageConfig`,
 * an ImageGanConfig); `mode` says which one is active (`activeConfig`). Both are always valid
 * (ganConfigSchema; imageGanConfigSchema + imageConfigProblem) and ready to send, and each keeps
 * its values while the other is active, so switching back and forth loses nothing.
 */
import { createStore } from 'zustand/vanilla';

import {
  DATASET_GAMMA,
  ganConfigSchema,
  imageConfigProblem,
  imageGanConfigSchema,
  isImageConfig,
  isImageDataset,
  stackedMnistDefaults,
  toyDefaults,
  type AnyGanConfig,
  type DatasetName,
  type GanConfig,
  type ImageGanConfig,
  type LatentDistribution,
} from '../engine/core/config';
import type { OptimizerKind } from '../engine/core/adam';
import type { ToyDatasetName } from '../engine/toy/datasets';
import type { LossName } from '../engine/core/lossNames';
import type { RunKind } from '../protocol';
import { CUSTOM_PRESETS, type Point } from './customPoints';
import {
  initialPreferences,
  preferenceActions,
  type PreferenceActions,
  type Preferences,
} from './preferences';
import {
  initialRunOptions,
  runOptionActions,
  type RunOptionActions,
  type RunOptions,
} from './runOptions';
import { describeIssue, type SettingIssue } from './settingLabels';

/** R1/R2 as the user sees them: on/off, and γ (one shared value when linked). */
export interface PenaltySettings {
  r1: boolean;
  r2: boolean;
  linked: boolean;
  r1Gamma: number;
  r2Gamma: number;
}

export type OptimizerField = 'lr' | 'beta1' | 'beta2';
/** Numeric top-level settings a plain number input edits. */
export type NumericKey =
  | 'seed'
  | 'latentDim'
  | 'gWidth'
  | 'gDepth'
  | 'dWidth'
  | 'dDepth'
  | 'lazyInterval'
  | 'batchSize'
  | 'dSteps'
  | 'gSteps'
  | 'emaHalfLife'
  | 'gpWeight'
  /** Image runs only: iterations per phase of progressive growing. */
  | 'fadeSteps';

/** Image-model settings the Model section edits (image runs only). */
export type ImageModelPatch = Partial<
  Pick<ImageGanConfig, 'arch' | 'gChannels' | 'dChannels' | 'mbstd' | 'progressive' | 'fadeSteps'>
>;

export type Channels = ImageGanConfig['gChannels'];

/**
 * Widths (channels at the 7, 14 and 28 pixel stages) offered for both G and D. Every preset
 * works with both architectures (ResNet: width × expansion 2 is a multiple of the group size 16).
 */
export const IMAGE_WIDTH_PRESETS: { id: string; label: string; channels: Channels }[] = [
  { id: 'tiny', label: 'Tiny (8, 8, 8): fastest, blurry', channels: [8, 8, 8] },
  { id: 'small', label: 'Small (32, 24, 16)', channels: [32, 24, 16] },
  { id: 'medium', label: 'Medium (64, 48, 32): default', channels: [64, 48, 32] },
  { id: 'large', label: 'Large (128, 96, 64): needs a GPU', channels: [128, 96, 64] },
];

/** The preset both networks use, or null when G and D (or their widths) are custom. */
export function widthPreset(config: ImageGanConfig): string | null {
  const same = (a: Channels, b: Channels) => a.every((w, i) => w === b[i]);
  const preset = IMAGE_WIDTH_PRESETS.find(
    (p) => same(p.channels, config.gChannels) && same(p.channels, config.dChannels),
  );
  return preset?.id ?? null;
}

/** The run's settings: the two configs and what the panel edits them with. */
export interface ConfigSettings {
  /** The 2-D toy run's settings (kept while Stacked MNIST is active). */
  config: GanConfig;
  /** The Stacked MNIST run's settings (kept while a toy is active). */
  imageConfig: ImageGanConfig;
  /** Which of the two the playground trains. */
  mode: RunKind;
  /** R1/R2 of the active config. */
  penalties: PenaltySettings;
  /** R1/R2 of the inactive config, swapped back in when it is picked again. */
  stashedPenalties: PenaltySettings;
  /** The custom dataset's points (kept when another dataset is picked). */
  drawing: Point[];
}

export interface SettingsState extends ConfigSettings, Preferences, RunOptions {}

export interface ConfigActions {
  /** A toy dataset, or 'stacked-mnist' (switches the playground to image mode). */
  setDataset(dataset: DatasetName): void;
  setLoss(loss: LossName): void;
  /** Returns an error message (and changes nothing) when the value is out of range. */
  setNumber(key: NumericKey, value: number): string | null;
  setOptimizer(which: 'g' | 'd', field: OptimizerField, value: number): string | null;
  /** Adam or plain SGD for one network (a new optimiser: restarts training). */
  setOptimizerKind(which: 'g' | 'd', kind: OptimizerKind): void;
  /** G's input noise: Gaussian or uniform (restarts training). */
  setLatentDist(latentDist: LatentDistribution): void;
  setPenaltyEnabled(which: 'r1' | 'r2', enabled: boolean): void;
  setGamma(which: 'r1' | 'r2', gamma: number): string | null;
  setGammaLinked(linked: boolean): void;
  /** Architecture, widths, minibatch stddev, progressive growing (image runs). */
  setImageModel(patch: ImageModelPatch): string | null;
  setDrawing(points: Point[]): void;
  /**
   * Takes a config from elsewhere (the worker, a link, a lesson, a file) and makes its kind the
   * active one.
   */
  adoptConfig(config: AnyGanConfig): void;
  /** Back to the opening preset (settings only; view and theme stay). */
  restoreDefaults(): void;
}

export type SettingsActions = ConfigActions & PreferenceActions & RunOptionActions;

export type SettingsStore = SettingsState & SettingsActions;

/** The opening preset: the classic GAN (non-saturating loss, no R1/R2) on the ring of 8. */
export function presetConfig(): GanConfig {
  return { ...toyDefaults('ring8'), loss: 'nsgan', r1Gamma: 0, r2Gamma: 0 };
}

/** What picking Stacked MNIST starts from: the engine's defaults (R3GAN's recipe, γ 0.1). */
export function imagePresetConfig(): ImageGanConfig {
  return stackedMnistDefaults();
}

/** The active config: what the run trains. */
export function activeConfig(
  s: Pick<SettingsState, 'mode' | 'config' | 'imageConfig'>,
): AnyGanConfig {
  return s.mode === 'image' ? s.imageConfig : s.config;
}

/** The R1/R2 toggles a config implies; γ of a disabled penalty comes from `fallback`. */
function penaltiesOf(config: AnyGanConfig, fallback: PenaltySettings): PenaltySettings {
  const penalties: PenaltySettings = {
    ...fallback,
    r1: config.r1Gamma > 0,
    r2: config.r2Gamma > 0,
    r1Gamma: config.r1Gamma > 0 ? config.r1Gamma : fallback.r1Gamma,
    r2Gamma: config.r2Gamma > 0 ? config.r2Gamma : fallback.r2Gamma,
  };
  penalties.linked = fallback.linked && penalties.r1Gamma === penalties.r2Gamma;
  return penalties;
}

export function initialSettings(): SettingsState {
  const gamma = DATASET_GAMMA.ring8;
  const imageConfig = imagePresetConfig();
  return {
    config: presetConfig(),
    imageConfig,
    mode: 'toy',
    penalties: { r1: false, r2: false, linked: true, r1Gamma: gamma, r2Gamma: gamma },
    stashedPenalties: penaltiesOf(imageConfig, {
      r1: false,
      r2: false,
      linked: true,
      r1Gamma: imageConfig.r1Gamma,
      r2Gamma: imageConfig.r2Gamma,
    }),
    drawing: CUSTOM_PRESETS.heart.points(),
    ...initialPreferences(),
    ...initialRunOptions(),
  };
}

/** The config's γ fields from the penalty settings. */
export function withPenalties<C extends AnyGanConfig>(config: C, p: PenaltySettings): C {
  return { ...config, r1Gamma: p.r1 ? p.r1Gamma : 0, r2Gamma: p.r2 ? p.r2Gamma : 0 };
}

/** The first problem, in the panel's words ("G β1 must be less than 1"). */
function firstIssue(result: {
  success: boolean;
  error?: { issues: SettingIssue[] };
}): string | null {
  if (result.success) return null;
  const issue = result.error?.issues[0];
  return issue ? describeIssue([], issue) : 'These settings are not valid.';
}

/** Validates a candidate config: the first problem as a short message, or null. */
export function configProblem(config: GanConfig): string | null {
  return firstIssue(ganConfigSchema.safeParse(config));
}

/** Validates a candidate image config (schema, then the cross-field rules), like configProblem. */
export function imageProblem(config: ImageGanConfig): string | null {
  return firstIssue(imageGanConfigSchema.safeParse(config)) ?? imageConfigProblem(config);
}

/** Either kind's problem. */
export function anyConfigProblem(config: AnyGanConfig): string | null {
  return isImageConfig(config) ? imageProblem(config) : configProblem(config);
}

function datasetConfig(config: GanConfig, dataset: ToyDatasetName, drawing: Point[]): GanConfig {
  const next: GanConfig = { ...config, dataset };
  if (dataset === 'custom') next.customPoints = drawing;
  else delete next.customPoints;
  return next;
}

export function createSettingsStore(initial: SettingsState = initialSettings()) {
  return createStore<SettingsStore>()((set, get) => {
    /**
     * Applies a change of the active config if valid (and stores it in its slot: `config` or
     * `imageConfig`); returns the problem otherwise.
     */
    const tryConfig = (config: AnyGanConfig, extra: Partial<SettingsState> = {}): string | null => {
      const problem = anyConfigProblem(config);
      if (problem === null) {
        if (isImageConfig(config)) set({ imageConfig: config, ...extra });
        else set({ config, ...extra });
      }
      return problem;
    };
    const active = () => activeConfig(get());
    return {
      ...initial,
      ...preferenceActions(set, get),
      ...runOptionActions(set),
      setDataset(dataset) {
        const s = get();
        if (isImageDataset(dataset)) {
          if (s.mode === 'image') return;
          set({ mode: 'image', penalties: s.stashedPenalties, stashedPenalties: s.penalties });
          return;
        }
        // Back from Stacked MNIST to the toy it left: its settings, R1/R2 included, as they were.
        const fromImage = s.mode === 'image';
        const penaltiesNow = fromImage ? s.stashedPenalties : s.penalties;
        const swap: Partial<SettingsState> = fromImage
          ? { mode: 'toy', penalties: penaltiesNow, stashedPenalties: s.penalties }
          : {};
        if (fromImage && dataset === s.config.dataset) {
          set(swap);
          return;
        }
        // γ is a squared distance chosen from the data's geometry (DATASET_GAMMA).
        const gamma = DATASET_GAMMA[dataset];
        const penalties = { ...penaltiesNow, r1Gamma: gamma, r2Gamma: gamma };
        const config = withPenalties(datasetConfig(s.config, dataset, s.drawing), penalties);
        tryConfig(config, { ...swap, penalties });
      },
      setLoss(loss) {
        tryConfig({ ...active(), loss });
      },
      setNumber(key, value) {
        return tryConfig({ ...active(), [key]: value } as AnyGanConfig);
      },
      setOptimizer(which, field, value) {
        const config = active();
        const key = which === 'g' ? 'gOptimizer' : 'dOptimizer';
        return tryConfig({ ...config, [key]: { ...config[key], [field]: value } });
      },
      setOptimizerKind(which, kind) {
        const config = active();
        const key = which === 'g' ? 'gOptimizer' : 'dOptimizer';
        tryConfig({ ...config, [key]: { ...config[key], kind } });
      },
      setLatentDist(latentDist) {
        tryConfig({ ...active(), latentDist });
      },
      setPenaltyEnabled(which, enabled) {
        const s = get();
        const penalties = { ...s.penalties, [which]: enabled };
        tryConfig(withPenalties(active(), penalties), { penalties });
      },
      setGamma(which, gamma) {
        const s = get();
        const penalties = s.penalties.linked
          ? { ...s.penalties, r1Gamma: gamma, r2Gamma: gamma }
          : { ...s.penalties, [which === 'r1' ? 'r1Gamma' : 'r2Gamma']: gamma };
        return tryConfig(withPenalties(active(), penalties), { penalties });
      },
      setGammaLinked(linked) {
        const s = get();
        // Linking takes R1's γ for both.
        const penalties = linked
          ? { ...s.penalties, linked, r2Gamma: s.penalties.r1Gamma }
          : { ...s.penalties, linked };
        tryConfig(withPenalties(active(), penalties), { penalties });
      },
      setImageModel(patch) {
        return tryConfig({ ...get().imageConfig, ...patch });
      },
      setDrawing(points) {
        const s = get();
        if (s.config.dataset !== 'custom') {
          set({ drawing: points });
          return;
        }
        if (points.length === 0) {
          set({ drawing: points }); // not trainable: the run keeps its last points
          return;
        }
        tryConfig({ ...s.config, customPoints: points }, { drawing: points });
      },
      adoptConfig(config) {
        const s = get();
        const mode: RunKind = isImageConfig(config) ? 'image' : 'toy';
        const same = mode === s.mode;
        const penalties = penaltiesOf(config, same ? s.penalties : s.stashedPenalties);
        const stashedPenalties = same ? s.stashedPenalties : s.penalties;
        if (isImageConfig(config)) {
          set({ imageConfig: config, mode, penalties, stashedPenalties });
          return;
        }
        const drawing =
          config.dataset === 'custom' && config.customPoints ? config.customPoints : s.drawing;
        set({ config, mode, penalties, stashedPenalties, drawing });
      },
      restoreDefaults() {
        const fresh = initialSettings();
        set({
          config: fresh.config,
          imageConfig: fresh.imageConfig,
          mode: fresh.mode,
          penalties: fresh.penalties,
          stashedPenalties: fresh.stashedPenalties,
        });
      },
    };
  });
}

export type SettingsStoreApi = ReturnType<typeof createSettingsStore>;
