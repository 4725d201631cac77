/** Play/pause, stepping, speed and reset, with the run's live counters. */
import type { StepPart } from '../../protocol';
import { SPEED_RATE, type Speed } from '../../store/preferences';
import { ACTIONS, PAUSE_LABEL, useAction } from '../actions';
import { useRun, useSession, useSettings, useSettingsApi } from '../context';
import { HINTS } from '../hints';
import { NumberField, SelectField } from './Field';
import { formatCounter } from '../formatNumber';

const PART_OPTIONS: { value: StepPart; label: string }[] = [
  { value: 'both', label: 'D and G' },
  { value: 'discriminator', label: 'D only' },
  { value: 'generator', label: 'G only' },
];

const SPEED_OPTIONS: { value: Speed; label: string }[] = [
  { value: 'full', label: 'Full speed' },
  { value: 'slow', label: `Slow (${SPEED_RATE.slow} steps/s)` },
  { value: 'slower', label: `Slow motion (${SPEED_RATE.slower} steps/s)` },
];

export function phaseText(phase: string, slowMotion: boolean, speed: Speed): string {
  if (slowMotion && speed !== 'full') return `Slow motion: ${SPEED_RATE[speed]} steps/s`;
  if (phase === 'compiling')
    return 'Compiling kernels (the first steps on a new backend are slow)…';
  return phase === 'training' ? 'Training' : 'Paused';
}

export function TransportBar() {
  const session = useSession();
  const created = useRun((s) => s.created);
  const phase = useRun((s) => s.phase);
  const slowMotion = useRun((s) => s.slowMotion);
  const stepPart = useSettings((s) => s.stepPart);
  const stepCount = useSettings((s) => s.stepCount);
  const speed = useSettings((s) => s.speed);
  const api = useSettingsApi().getState();
  const ready = session !== null && created;
  const playing = slowMotion || phase !== 'paused';
  const togglePlay = useAction('toggle-play');
  const stepOnce = useAction('step');
  const reset = useAction('reset');

  return (
    <div className="transport" role="group" aria-label="Training controls">
      <div className="transport-buttons">
        <button
          type="button"
          className="primary play"
          disabled={!ready}
          onClick={togglePlay}
          aria-keyshortcuts={ACTIONS['toggle-play'].keys}
        >
          {playing ? PAUSE_LABEL : ACTIONS['toggle-play'].label}
        </button>
        <button
          type="button"
          disabled={!ready}
          onClick={stepOnce}
          aria-keyshortcuts={ACTIONS.step.keys}
        >
          {ACTIONS.step.label}
        </button>
        <button type="button" disabled={!ready} onClick={() => session?.step(stepCount)}>
          {`Step ×${stepCount}`}
        </button>
        <button
          type="button"
          disabled={!ready}
          onClick={reset}
          aria-keyshortcuts={ACTIONS.reset.keys}
        >
          {ACTIONS.reset.label}
        </button>
      </div>
      <div className="transport-options">
        <SelectField
          label="Update"
          hint={HINTS.stepPart}
          value={stepPart}
          options={PART_OPTIONS}
          onChange={(v) => api.setStepPart(v)}
        />
        <NumberField
          label="N"
          hint="How many steps Step ×N makes."
          value={stepCount}
          min={1}
          max={1000}
          step={1}
          onCommit={(v) => api.setStepCount(v)}
        />
        <SelectField
          label="Speed"
          hint={HINTS.speed}
          value={speed}
          options={SPEED_OPTIONS}
          onChange={(v) => api.setSpeed(v)}
        />
      </div>
      <p
        className={`phase phase-${slowMotion ? 'slow' : phase}`}
        role="status"
        aria-label="Training phase"
      >
        {ready ? phaseText(phase, slowMotion, speed) : 'Creating the run…'}
      </p>
    </div>
  );
}

const format = formatCounter;

/** The run's numbers: the step counter, speed, losses, modes. */
export function RunCounters() {
  const iteration = useRun((s) => s.iteration);
  const sps = useRun((s) => s.stepsPerSecond);
  const dLoss = useRun((s) => s.latest?.dLoss);
  const gLoss = useRun((s) => s.latest?.gLoss);
  const evaluation = useRun((s) => s.evaluation);
  const imageEvaluation = useRun((s) => (s.kind === 'image' ? s.imageEvaluation : null));
  const shown = imageEvaluation ?? evaluation;
  const modes =
    shown?.modesCovered != null && shown.totalModes != null
      ? `${shown.modesCovered} / ${shown.totalModes}`
      : '–';
  const hq = evaluation?.highQuality != null ? `${Math.round(100 * evaluation.highQuality)}%` : '–';
  const image = useRun((s) => s.kind === 'image');
  return (
    <dl className="counters">
      <Counter id="iteration" label="Iteration" value={String(iteration)} big />
      {/* No rate is measured before training runs: "–", not a misleading 0.0. */}
      <Counter id="speed" label="Steps/s" value={sps > 0 ? format(sps, 1) : '–'} />
      <Counter id="d-loss" label="D loss" value={format(dLoss, 3)} />
      <Counter id="g-loss" label="G loss" value={format(gLoss, 3)} />
      <Counter id="modes" label="Modes covered" value={modes} />
      {image ? (
        <Counter
          id="kl"
          label="KL to uniform"
          value={imageEvaluation ? format(imageEvaluation.reverseKL, 2) : '–'}
        />
      ) : (
        <Counter id="hq" label="High quality" value={hq} />
      )}
    </dl>
  );
}

function Counter({
  id,
  label,
  value,
  big,
}: {
  id: string;
  label: string;
  value: string;
  big?: boolean;
}) {
  return (
    <div className={big ? 'counter counter-big' : 'counter'}>
      <dt id={`counter-${id}`}>{label}</dt>
      <dd aria-labelledby={`counter-${id}`}>{value}</dd>
    </div>
  );
}
