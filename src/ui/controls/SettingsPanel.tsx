/** The settings column: data, model and training, each control labelled and explained. */
import { useState } from 'react';

import type { OptimizerKind } from '../../engine/core/adam';
import type {
  AnyGanConfig,
  ConvArch,
  DatasetName,
  ImageGanConfig,
  LatentDistribution,
} from '../../engine/core/config';
import type { LossName } from '../../engine/core/lossNames';
import { BACKEND_NAMES, type BackendName } from '../../protocol';
import {
  activeConfig,
  IMAGE_WIDTH_PRESETS,
  widthPreset,
  type ImageModelPatch,
  type NumericKey,
  type OptimizerField,
} from '../../store/settings';
import {
  ARCH_LABELS,
  DATASET_LABELS,
  LATENT_DIST_LABELS,
  LOSS_LABELS,
  OPTIMIZER_KIND_LABELS,
  SETTING_LABELS,
} from '../../store/settingLabels';
import { useSettings, useSettingsApi } from '../context';
import { HINTS } from '../hints';
import { useHidden } from '../hiddenControls';
import { CheckField, NumberField, SelectField } from './Field';

/** A select's options from one of the shared label tables (settingLabels.ts), in its order. */
function optionsOf<T extends string>(labels: Record<T, string>): { value: T; label: string }[] {
  return (Object.keys(labels) as T[]).map((value) => ({ value, label: labels[value] }));
}

export const DATASET_OPTIONS = optionsOf<DatasetName>(DATASET_LABELS);
export const LOSS_OPTIONS = optionsOf<LossName>(LOSS_LABELS);
const LATENT_DIST_OPTIONS = optionsOf<LatentDistribution>(LATENT_DIST_LABELS);
const OPTIMIZER_KIND_OPTIONS = optionsOf<OptimizerKind>(OPTIMIZER_KIND_LABELS);

const ARCH_OPTIONS = optionsOf<ConvArch>(ARCH_LABELS);

/** The numeric settings edited as they are (`setNumber`): explanation and range (labels: SETTING_LABELS). */
const NUMBER_SETTINGS: Record<
  NumericKey,
  { hint: string; min: number; max: number; step?: number }
> = {
  gWidth: { hint: HINTS.gWidth, min: 1, max: 1024, step: 1 },
  gDepth: { hint: HINTS.gDepth, min: 1, max: 8, step: 1 },
  dWidth: { hint: HINTS.dWidth, min: 1, max: 1024, step: 1 },
  dDepth: { hint: HINTS.dDepth, min: 1, max: 8, step: 1 },
  latentDim: { hint: HINTS.latentDim, min: 1, max: 256, step: 1 },
  fadeSteps: { hint: HINTS.fadeSteps, min: 1, max: 10_000_000, step: 1 },
  lazyInterval: { hint: HINTS.lazyInterval, min: 1, max: 64, step: 1 },
  gpWeight: { hint: HINTS.gpWeight, min: 0, max: 1e4 },
  batchSize: { hint: HINTS.batchSize, min: 1, max: 4096, step: 1 },
  dSteps: { hint: HINTS.dSteps, min: 1, max: 10, step: 1 },
  gSteps: { hint: HINTS.gSteps, min: 1, max: 10, step: 1 },
  emaHalfLife: { hint: HINTS.emaHalfLife, min: 0, max: 1e7, step: 1 },
  seed: { hint: HINTS.seed, min: 0, max: 2147483647, step: 1 },
};

/** One of NUMBER_SETTINGS, showing `value` and committing through the settings store. */
function SettingNumber({
  name,
  value,
  disabled,
}: {
  name: NumericKey;
  value: number;
  disabled?: boolean;
}) {
  const setNumber = useSettingsApi().getState().setNumber;
  return (
    <NumberField
      {...NUMBER_SETTINGS[name]}
      label={SETTING_LABELS[name]}
      value={value}
      disabled={disabled}
      onCommit={(v) => setNumber(name, v)}
    />
  );
}

/** The active config: the toy's or Stacked MNIST's. */
function useActiveConfig(): AnyGanConfig {
  return useSettings(activeConfig);
}

export function SettingsPanel() {
  // A teacher can hide groups of controls through the URL (`hide=dataset,model`).
  const hideData = useHidden('dataset');
  const hideModel = useHidden('model');
  const mode = useSettings((s) => s.mode);
  return (
    <aside className="settings" aria-label="Settings">
      {!hideData && <DataSection />}
      {!hideModel && (mode === 'image' ? <ImageModelSection /> : <ModelSection />)}
      <TrainingSection />
    </aside>
  );
}

function DataSection() {
  const dataset = useSettings((s) => activeConfig(s).dataset);
  const api = useSettingsApi();
  return (
    <section className="settings-section" aria-labelledby="data-heading">
      <h2 id="data-heading">Data</h2>
      <SelectField<DatasetName>
        label="Dataset"
        hint={HINTS.dataset}
        value={dataset}
        options={DATASET_OPTIONS}
        onChange={(v) => api.getState().setDataset(v)}
      />
      {dataset === 'stacked-mnist' && <p className="muted small">{HINTS.stackedMnist}</p>}
    </section>
  );
}

function ModelSection() {
  const c = useSettings((s) => s.config);
  return (
    <section className="settings-section" aria-labelledby="model-heading">
      <h2 id="model-heading">Model</h2>
      <div className="field-grid">
        <SettingNumber name="gWidth" value={c.gWidth} />
        <SettingNumber name="gDepth" value={c.gDepth} />
        <SettingNumber name="dWidth" value={c.dWidth} />
        <SettingNumber name="dDepth" value={c.dDepth} />
        <SettingNumber name="latentDim" value={c.latentDim} />
      </div>
      <LatentControls latentDim={c.latentDim} latentDist={c.latentDist} />
      <p className="muted small">{HINTS.architecture}</p>
    </section>
  );
}

/**
 * The noise G starts from, and GAN Lab's view of it: a 1-D or 2-D latent space (one button each),
 * where the manifold mesh is G's whole input rather than a slice.
 */
function LatentControls({
  latentDim,
  latentDist,
}: {
  latentDim: number;
  latentDist: LatentDistribution;
}) {
  const s = useSettingsApi().getState();
  return (
    <>
      <SelectField<LatentDistribution>
        label={SETTING_LABELS.latentDist}
        hint={HINTS.latentDist}
        value={latentDist}
        options={LATENT_DIST_OPTIONS}
        onChange={(v) => s.setLatentDist(v)}
      />
      <div className="latent-presets" role="group" aria-label="Latent space presets">
        {[1, 2].map((dim) => (
          <button
            key={dim}
            type="button"
            aria-pressed={latentDim === dim}
            title={HINTS.latentPreset}
            onClick={() => s.setNumber('latentDim', dim)}
          >
            {dim}-D latent
          </button>
        ))}
        <span className="muted small">GAN Lab’s view</span>
      </div>
    </>
  );
}

/** Stacked MNIST: conv architecture, widths, minibatch stddev and progressive growing. */
function ImageModelSection() {
  const c = useSettings((s) => s.imageConfig);
  const api = useSettingsApi();
  const s = api.getState();
  // A rejected change leaves the config as it was; its message shows until the config changes.
  const [rejected, setRejected] = useState<{ text: string; config: ImageGanConfig } | null>(null);
  const problem = rejected !== null && rejected.config === c ? rejected.text : null;
  const apply = (patch: ImageModelPatch) => {
    const text = s.setImageModel(patch);
    setRejected(text === null ? null : { text, config: c });
  };
  const preset = widthPreset(c);
  return (
    <section className="settings-section" aria-labelledby="model-heading">
      <h2 id="model-heading">Model</h2>
      <SelectField
        label="Architecture"
        hint={HINTS.imageArchitecture}
        value={c.arch}
        options={ARCH_OPTIONS}
        onChange={(arch) => apply({ arch })}
      />
      <SelectField
        label="Width"
        hint={HINTS.imageWidth}
        value={preset ?? 'custom'}
        options={[
          ...IMAGE_WIDTH_PRESETS.map((p) => ({ value: p.id, label: p.label })),
          ...(preset === null
            ? [
                {
                  value: 'custom',
                  label: `Custom: G ${c.gChannels.join(', ')} / D ${c.dChannels.join(', ')}`,
                  disabled: true,
                },
              ]
            : []),
        ]}
        onChange={(id) => {
          const p = IMAGE_WIDTH_PRESETS.find((x) => x.id === id);
          if (p) apply({ gChannels: p.channels, dChannels: p.channels });
        }}
      />
      <SettingNumber name="latentDim" value={c.latentDim} />
      <CheckField
        label="Minibatch stddev"
        hint={HINTS.minibatchStd}
        checked={c.mbstd}
        onChange={(mbstd) => apply({ mbstd })}
      />
      <CheckField
        label="Progressive growing"
        hint={HINTS.progressive}
        checked={c.progressive}
        onChange={(progressive) => apply({ progressive })}
      />
      {c.progressive && <SettingNumber name="fadeSteps" value={c.fadeSteps} />}
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}

function TrainingSection() {
  const c = useActiveConfig();
  const image = c.dataset === 'stacked-mnist';
  const p = useSettings((s) => s.penalties);
  const backend = useSettings((s) => s.backend);
  const api = useSettingsApi();
  const s = api.getState();
  const hide = {
    loss: useHidden('loss'),
    penalties: useHidden('penalties'),
    optimizer: useHidden('optimizer'),
    training: useHidden('training'),
    backend: useHidden('backend'),
  };
  return (
    <section className="settings-section" aria-labelledby="training-heading">
      <h2 id="training-heading">Training</h2>
      {!hide.loss && (
        <SelectField
          label="Loss"
          hint={HINTS.loss}
          value={c.loss}
          options={LOSS_OPTIONS}
          onChange={(v) => s.setLoss(v)}
        />
      )}
      {!hide.penalties && (
        <fieldset className="penalties">
          <legend>Regularisation</legend>
          <div className="penalty-toggles">
            <CheckField
              label="R1 (real)"
              hint={HINTS.r1}
              checked={p.r1}
              onChange={(on) => s.setPenaltyEnabled('r1', on)}
            />
            <CheckField
              label="R2 (fake)"
              hint={HINTS.r2}
              checked={p.r2}
              onChange={(on) => s.setPenaltyEnabled('r2', on)}
            />
          </div>
          <CheckField
            label="One γ for both"
            hint={HINTS.linkGamma}
            checked={p.linked}
            onChange={(on) => s.setGammaLinked(on)}
          />
          {p.linked ? (
            <NumberField
              label="γ (R1 and R2)"
              hint={image ? HINTS.imageGamma : HINTS.gamma}
              value={p.r1Gamma}
              min={0}
              max={1e4}
              onCommit={(v) => s.setGamma('r1', v)}
            />
          ) : (
            <div className="field-grid">
              <NumberField
                label="R1 γ"
                hint={image ? HINTS.imageGamma : HINTS.gamma}
                value={p.r1Gamma}
                min={0}
                max={1e4}
                onCommit={(v) => s.setGamma('r1', v)}
              />
              <NumberField
                label="R2 γ"
                hint={image ? HINTS.imageGamma : HINTS.gamma}
                value={p.r2Gamma}
                min={0}
                max={1e4}
                onCommit={(v) => s.setGamma('r2', v)}
              />
            </div>
          )}
          <div className="field-grid">
            <SettingNumber name="lazyInterval" value={c.lazyInterval} />
            <SettingNumber name="gpWeight" value={c.gpWeight} disabled={c.loss !== 'wgan-gp'} />
          </div>
        </fieldset>
      )}
      {!hide.optimizer && <OptimizerTable c={c} />}
      {!hide.training && (
        <div className="field-grid">
          <SettingNumber name="batchSize" value={c.batchSize} />
          <SettingNumber name="dSteps" value={c.dSteps} />
          <SettingNumber name="gSteps" value={c.gSteps} />
          <SettingNumber name="emaHalfLife" value={c.emaHalfLife} />
          <SettingNumber name="seed" value={c.seed} />
        </div>
      )}
      {!hide.backend && (
        <SelectField<BackendName | 'auto'>
          label="Backend"
          hint={HINTS.backend}
          value={backend}
          options={[
            { value: 'auto', label: 'Automatic (fastest available)' },
            ...BACKEND_NAMES.map((b) => ({
              value: b,
              label:
                b === 'webgpu' ? 'WebGPU' : b === 'webgl' ? 'WebGL' : b === 'wasm' ? 'WASM' : 'CPU',
            })),
          ]}
          onChange={(v) => s.setBackend(v)}
        />
      )}
      <button type="button" className="link-button" onClick={() => s.restoreDefaults()}>
        Restore the opening preset
      </button>
    </section>
  );
}

/**
 * Each network's optimiser in a column (G, D): its kind (Adam or SGD), learning rate, β1 and β2.
 * Columns rather than rows so each box is wide enough for a value like 0.0002; β1 and β2 are
 * Adam's, so they are disabled for SGD.
 */
function OptimizerTable({ c }: { c: AnyGanConfig }) {
  const s = useSettingsApi().getState();
  const networks = [
    { which: 'g', who: 'G', o: c.gOptimizer },
    { which: 'd', who: 'D', o: c.dOptimizer },
  ] as const;
  const rows: { field: OptimizerField; name: string; hint: string; min: number; max: number }[] = [
    { field: 'lr', name: 'learning rate', hint: HINTS.lr, min: 1e-6, max: 10 },
    { field: 'beta1', name: 'β1', hint: HINTS.beta1, min: 0, max: 0.999 },
    { field: 'beta2', name: 'β2', hint: HINTS.beta2, min: 0, max: 0.9999 },
  ];
  return (
    <fieldset>
      <legend>Optimisers</legend>
      <table className="optimizer-table">
        <thead>
          <tr>
            <th scope="col"></th>
            {networks.map((n) => (
              <th scope="col" key={n.which}>
                {n.who}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Kind</th>
            {networks.map(({ which, who, o }) => (
              <td key={which}>
                <SelectField<OptimizerKind>
                  label={`${who} optimiser`}
                  hint={HINTS.optimizerKind}
                  value={o.kind}
                  options={OPTIMIZER_KIND_OPTIONS}
                  onChange={(kind) => s.setOptimizerKind(which, kind)}
                />
              </td>
            ))}
          </tr>
          {rows.map((row) => (
            <tr key={row.field}>
              <th scope="row">{row.field === 'lr' ? 'lr' : row.name}</th>
              {networks.map(({ which, who, o }) => (
                <td key={which}>
                  <NumberField
                    label={`${who} ${row.name}`}
                    hint={row.hint}
                    value={o[row.field]}
                    min={row.min}
                    max={row.max}
                    disabled={row.field !== 'lr' && o.kind === 'sgd'}
                    onCommit={(v) => s.setOptimizer(which, row.field, v)}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </fieldset>
  );
}
