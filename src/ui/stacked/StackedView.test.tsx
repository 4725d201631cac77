// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { stackedMnistDefaults } from '../../engine/core/config';
import type { ImageEvaluation } from '../../protocol';
import { IMAGE_STREAM, INTERPOLATION_STEPS, MAIN_RUN_ID } from '../../store/session';
import { createSettingsStore } from '../../store/settings';
import {
  cleanupHarness,
  createdEvent,
  fakeTrainingPort,
  renderWithStores,
} from '../testing/renderWithStores';
import { StackedView } from './StackedView';

// jsdom draws nothing: the mode map finds no 2-D context and skips drawing, as in a browser
// without one.
beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => {
  cleanupHarness();
  vi.restoreAllMocks();
});

const stat = (label: string) => screen.getByLabelText(label).textContent;

/** The Stacked MNIST stage of a created image run. */
function renderImageRun() {
  const settings = createSettingsStore();
  settings.getState().setDataset('stacked-mnist');
  const fake = fakeTrainingPort();
  const harness = renderWithStores(<StackedView />, { settings, client: fake.client });
  act(() => fake.emit(createdEvent(stackedMnistDefaults())));
  return { ...harness, ...fake };
}

const evaluation: ImageEvaluation = {
  kind: 'image',
  step: 500,
  modesCovered: 912,
  totalModes: 1000,
  reverseKL: 0.45678,
  klFloor: 0.0999,
  evalSamples: 5000,
  modeCounts: new Array<number>(1000).fill(5),
  confidentShare: 0.9351,
  confidentModesCovered: 870,
  confidentModeCounts: new Array<number>(1000).fill(4),
};

describe('StackedView', () => {
  it('shows "–" before the first evaluation, then its numbers', () => {
    const { emit } = renderImageRun();
    expect(stat('Reverse KL')).toBe('–');
    expect(stat('Confident samples')).toBe('–');
    expect(stat('Evaluated')).toBe(`first at step ${IMAGE_STREAM.earlyEvalEvery}`);

    act(() => emit({ type: 'eval', runId: MAIN_RUN_ID, evaluation }));
    expect(stat('Reverse KL')).toBe('0.457 (floor 0.0999)');
    expect(stat('Confident samples')).toBe('93.5 %');
    expect(stat('Evaluated')).toBe('step 500, 5000 samples');
  });

  it('shows "–" for the confident share of a run saved before it was measured', () => {
    const { emit } = renderImageRun();
    const { confidentShare: _, ...older } = evaluation;
    act(() => emit({ type: 'eval', runId: MAIN_RUN_ID, evaluation: older }));
    expect(stat('Confident samples')).toBe('–');
    expect(stat('Reverse KL')).toBe('0.457 (floor 0.0999)');
  });

  it('asks the worker for the typed interpolation, its ends kept inside the grid', async () => {
    const { sent } = renderImageRun();
    fireEvent.change(screen.getByLabelText('From sample A'), { target: { value: '3' } });
    fireEvent.change(screen.getByLabelText('to sample B'), { target: { value: '70' } });
    expect((screen.getByLabelText('to sample B') as HTMLInputElement).value).toBe('63');
    fireEvent.click(screen.getByLabelText('lerp'));
    fireEvent.click(screen.getByRole('button', { name: 'Interpolate' }));
    await waitFor(() =>
      expect(sent).toContainEqual({
        type: 'interpolate',
        runId: MAIN_RUN_ID,
        args: [3, 63, INTERPOLATION_STEPS, 'lerp'],
      }),
    );
  });

  it('hides the real images when asked', () => {
    renderImageRun();
    expect(screen.getByRole('img', { name: /^Real Stacked MNIST images/ })).toBeTruthy();
    fireEvent.click(screen.getByLabelText('Show real images'));
    expect(screen.queryByRole('img', { name: /^Real Stacked MNIST images/ })).toBeNull();
  });
});
