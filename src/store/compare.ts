/**
 * Side-by-side comparison: 2–4 runs in the same worker, on identical data, seed and initial
 * weights (everything comes from one base config), each differing in what the user changed.
 * Each run has its own settings store, run store and TrainingSession (the same wiring as the
 * playground's run); the controller adds "one transport drives all". No React here.
 */
import { createStore } from 'zustand/vanilla';

import type { GanConfig } from '../engine/core/config';
import type { TrainingPort } from '../worker/client/trainingPort';
import { variantName } from './names';
import { createRunStore, type RunStoreApi } from './run';
import { TrainingSession } from './session';
import {
  configProblem,
  createSettingsStore,
  initialSettings,
  type SettingsStoreApi,
} from './settings';

export const MAX_COMPARE_RUNS = 4;
/** One colour per run, for cells, legends and chart lines (colour-blind-safe Okabe–Ito). */
export const RUN_COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7'] as const;

/** Settings the runs share (identical data, seed and initial weights). */
export const SHARED_KEYS = [
  'seed',
  'dataset',
  'customPoints',
  'latentDim',
  'gWidth',
  'gDepth',
  'dWidth',
  'dDepth',
  'batchSize',
] as const satisfies readonly (keyof GanConfig)[];

export interface CompareRun {
  id: string;
  /** What the user or the lesson named the run; null: named after its settings (variantName). */
  label: string | null;
  colour: string;
  settings: SettingsStoreApi;
  run: RunStoreApi;
}

export interface CompareState {
  runs: CompareRun[];
  /** The client the sessions use (null until the worker is ready). */
  attached: boolean;
}

/** What a run's config changes relative to another, as a short label ("loss rpgan, R2 off"). */
export function describeDifference(config: GanConfig, base: GanConfig): string {
  const parts: string[] = [];
  if (config.loss !== base.loss) parts.push(`loss ${config.loss}`);
  const pen = (g: number) => (g > 0 ? `γ ${g}` : 'off');
  if (config.r1Gamma !== base.r1Gamma) parts.push(`R1 ${pen(config.r1Gamma)}`);
  if (config.r2Gamma !== base.r2Gamma) parts.push(`R2 ${pen(config.r2Gamma)}`);
  if (config.lazyInterval !== base.lazyInterval) parts.push(`lazy ×${config.lazyInterval}`);
  if (config.gOptimizer.lr !== base.gOptimizer.lr) parts.push(`G lr ${config.gOptimizer.lr}`);
  if (config.dOptimizer.lr !== base.dOptimizer.lr) parts.push(`D lr ${config.dOptimizer.lr}`);
  if (config.dSteps !== base.dSteps) parts.push(`${config.dSteps} D steps`);
  if (config.gSteps !== base.gSteps) parts.push(`${config.gSteps} G steps`);
  if (config.latentDist !== base.latentDist) parts.push(`${config.latentDist} noise`);
  for (const who of ['g', 'd'] as const) {
    const kind = config[`${who}Optimizer`].kind;
    if (kind !== base[`${who}Optimizer`].kind)
      parts.push(`${who.toUpperCase()} ${kind.toUpperCase()}`);
  }
  if (config.emaHalfLife !== base.emaHalfLife) parts.push(`EMA ${config.emaHalfLife}`);
  return parts.length === 0 ? 'same settings' : parts.join(', ');
}

/** The name shown for a run. */
export function runLabel(run: CompareRun): string {
  return run.label ?? variantName(run.settings.getState().config);
}

export class CompareController {
  readonly store = createStore<CompareState>()(() => ({ runs: [], attached: false }));
  private client: TrainingPort | null = null;
  private sessions = new Map<string, TrainingSession>();
  private nextId = 1;

  /** The runs' configs: the base, then each patch over it (shared settings from the base). */
  setRuns(base: GanConfig, variants: { label?: string; patch: Partial<GanConfig> }[]): string[] {
    const problems: string[] = [];
    this.clear();
    const runs: CompareRun[] = [];
    for (const v of variants.slice(0, MAX_COMPARE_RUNS)) {
      const config = { ...base, ...v.patch } as GanConfig;
      for (const key of SHARED_KEYS) (config as Record<string, unknown>)[key] = base[key];
      if (config.customPoints === undefined) delete config.customPoints;
      const problem = configProblem(config);
      if (problem) {
        problems.push(`${v.label ?? 'variant'}: ${problem}`);
        continue;
      }
      runs.push(this.makeRun(config, v.label ?? null, runs.length));
    }
    this.store.setState({ runs });
    if (this.client) for (const run of runs) this.startSession(run);
    return problems;
  }

  /** Adds a copy of a run (the "change one thing" starting point). */
  duplicate(id: string): void {
    const { runs } = this.store.getState();
    const source = runs.find((r) => r.id === id);
    if (!source || runs.length >= MAX_COMPARE_RUNS) return;
    const config = source.settings.getState().config;
    const run = this.makeRun(config, null, runs.length);
    this.store.setState({ runs: [...runs, run] });
    if (this.client) this.startSession(run);
  }

  remove(id: string): void {
    const { runs } = this.store.getState();
    if (runs.length <= 1) return;
    this.stopSession(id);
    const rest = runs.filter((r) => r.id !== id);
    this.store.setState({ runs: rest.map((r, i) => ({ ...r, colour: RUN_COLOURS[i] })) });
  }

  rename(id: string, label: string): void {
    // Printable characters only (a name is shown as text, never as HTML).
    const printable = Array.from(label)
      .filter((ch) => ch.charCodeAt(0) >= 0x20)
      .join('');
    const clean = printable.slice(0, 60).trim() || null;
    this.store.setState({
      runs: this.store.getState().runs.map((r) => (r.id === id ? { ...r, label: clean } : r)),
    });
  }

  /** Binds to the (new) worker client; every run is created there. */
  attach(client: TrainingPort): void {
    this.detach();
    this.client = client;
    this.store.setState({ attached: true });
    for (const run of this.store.getState().runs) {
      run.run.setState(createRunStore().getState());
      this.startSession(run);
    }
  }

  /** Forgets the client (it is being terminated): the runs' sessions end, their stores stay. */
  detach(): void {
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
    this.client = null;
    this.store.setState({ attached: false });
  }

  session(id: string): TrainingSession | undefined {
    return this.sessions.get(id);
  }

  get playing(): boolean {
    return [...this.sessions.values()].some((s) => s.playing);
  }

  playAll(): void {
    for (const s of this.sessions.values()) if (!s.playing) s.play();
  }

  pauseAll(): void {
    for (const s of this.sessions.values()) s.pause();
  }

  togglePlayAll(): void {
    if (this.playing) this.pauseAll();
    else this.playAll();
  }

  stepAll(n: number): void {
    for (const s of this.sessions.values()) s.step(n);
  }

  resetAll(): void {
    for (const s of this.sessions.values()) s.reset();
  }

  /** Pauses every run (when the comparison is not on screen). */
  idle(): void {
    for (const s of this.sessions.values()) if (s.playing) s.pause();
  }

  private makeRun(config: GanConfig, label: string | null, index: number): CompareRun {
    const base = initialSettings();
    const settings = createSettingsStore({
      ...base,
      view: { ...base.view, arrows: false },
    });
    settings.getState().adoptConfig(config);
    return {
      id: `compare-${this.nextId++}`,
      label,
      colour: RUN_COLOURS[index % RUN_COLOURS.length],
      settings,
      run: createRunStore(),
    };
  }

  private startSession(run: CompareRun): void {
    if (!this.client) return;
    const session = new TrainingSession(this.client, run.settings, run.run, run.id);
    this.sessions.set(run.id, session);
    void session.start();
  }

  private stopSession(id: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    session.dispose();
    this.sessions.delete(id);
    void this.client?.dispose(id).catch(() => {});
  }

  private clear(): void {
    for (const id of [...this.sessions.keys()]) this.stopSession(id);
    this.store.setState({ runs: [] });
  }
}
