/** The settings column: data, model and training, each control labelled and explained. */
import { useState } from 'react';

import type { AnyGanConfig, DatasetName, ImageGanConfig } from '../../engine/config';
import type { LossName } from '../../engine/lossNames';
import { BACKEND_NAMES, type BackendName } from '../../protocol';
import {
  activeConfig,
  IMAGE_WIDTH_PRESETS,
  widthPreset,
  type ImageModelPatch,
  type NumericKey,
} from '../../store/settings';
import { useSettings, useSettingsApi } from '../context';
import { HINTS } from '../hints';
import { useHidden } from '../hiddenControls';
import { CheckField, NumberField, SelectField } from './Field';

export const DATASET_OPTIONS: { value: DatasetName; label: string }[] = [
  { value: 'ring8', label: 'Ring of 8 Gaussians' },
  { value: 'grid25', label: 'Grid of 25 Gaussians' },
  { value: 'spiral', label: 'Spiral' },
  { value: 'moons', label: 'Two moons' },
  { value: 'circles', label: 'Two circles' },
  { value: 'gaussian', label: 'One Gaussian' },
  { value: 'custom', label: 'Your drawing' },
  { value: 'stacked-mnist', label: 'Stacked MNIST (1000 modes)' },
];

export const LOSS_OPTIONS: { value: LossName; label: string }[] = [
  { value: 'minimax', label: 'Minimax (original GAN)' },
  { value: 'nsgan', label: 'Non-saturating (NS GAN)' },
  { value: 'rpgan', label: 'RpGAN (relativistic pairing)' },
  { value: 'hinge', label: 'Hinge' },
  { value: 'lsgan', label: 'Least squares (LSGAN)' },
  { value: 'wgan-gp', label: 'WGAN-GP' },
];

const ARCH_OPTIONS: { value: 'dcgan' | 'resnet'; label: string }[] = [
  { value: 'dcgan', label: 'DCGAN (plain convs)' },
  { value: 'resnet', label: 'R3GAN-style ResNet' },
];

/** The numeric settings edited as they are (`setNumber`): label, explanation and range. */
const NUMBER_SETTINGS: Record<
  NumericKey,
  { label: string; hint: string; min: number; max: number; step?: number }
> = {
  gWidth: { label: 'G width', hint: HINTS.gWidth, min: 1, max: 1024, step: 1 },
  gDepth: { label: 'G depth', hint: HINTS.gDepth, min: 1, max: 8, step: 1 },
  dWidth: { label: 'D width', hint: HINTS.dWidth, min: 1, max: 1024, step: 1 },
  dDepth: { label: 'D depth', hint: HINTS.dDepth, min: 1, max: 8, step: 1 },
  latentDim: { label: 'Latent size', hint: HINTS.latentDim, min: 1, max: 256, step: 1 },
  fadeSteps: {
    label: 'Steps per growth phase',
    hint: HINTS.fadeSteps,
    min: 1,
    max: 10_000_000,
    step: 1,
  },
  lazyInterval: { label: 'Lazy interval', hint: HINTS.lazyInterval, min: 1, max: 64, step: 1 },
  gpWeight: { label: 'GP weight λ', hint: HINTS.gpWeight, min: 0, max: 1e4 },
  batchSize: { label: 'Batch size', hint: HINTS.batchSize, min: 1, max: 4096, step: 1 },
  dSteps: { label: 'D steps per G step', hint: HINTS.dSteps, min: 1, max: 10, step: 1 },
  emaHalfLife: { label: 'EMA half-life', hint: HINTS.emaHalfLife, min: 0, max: 1e7, step: 1 },
  seed: { label: 'Seed', hint: HINTS.seed, min: 0, max: 2147483647, step: 1 },
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
      <p className="muted small">{HINTS.architecture}</p>
    </section>
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
      {!hide.optimizer && (
        <fieldset>
          <legend>Optimisers (Adam)</legend>
          <table className="optimizer-table">
            <thead>
              <tr>
                <th scope="col"></th>
                <th scope="col">lr</th>
                <th scope="col">β1</th>
                <th scope="col">β2</th>
              </tr>
            </thead>
            <tbody>
              {(['g', 'd'] as const).map((which) => {
                const o = which === 'g' ? c.gOptimizer : c.dOptimizer;
                const who = which.toUpperCase();
                return (
                  <tr key={which}>
                    <th scope="row">{who}</th>
                    <td>
                      <NumberField
                        label={`${who} lr`}
                        hint={HINTS.lr}
                        value={o.lr}
                        min={1e-6}
                        max={10}
                        onCommit={(v) => s.setOptimizer(which, 'lr', v)}
                      />
                    </td>
                    <td>
                      <NumberField
                        label={`${who} β1`}
                        hint={HINTS.beta1}
                        value={o.beta1}
                        min={0}
                        max={0.999}
                        onCommit={(v) => s.setOptimizer(which, 'beta1', v)}
                      />
                    </td>
                    <td>
                      <NumberField
                        label={`${who} β2`}
                        hint={HINTS.beta2}
                        value={o.beta2}
                        min={0}
                        max={0.9999}
                        onCommit={(v) => s.setOptimizer(which, 'beta2', v)}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </fieldset>
      )}
      {!hide.training && (
        <div className="field-grid">
          <SettingNumber name="batchSize" value={c.batchSize} />
          <SettingNumber name="dSteps" value={c.dSteps} />
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
