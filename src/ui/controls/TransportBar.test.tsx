// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { stackedMnistDefaults } from '../../engine/core/config';
import type { ImageEvaluation } from '../../protocol';
import { MAIN_RUN_ID } from '../../store/session';
import { presetConfig } from '../../store/settings';
import {
  cleanupHarness,
  createdEvent,
  fakeTrainingPort,
  renderWithStores,
} from '../testing/renderWithStores';
import { RunCounters, TransportBar } from './TransportBar';

afterEach(cleanupHarness);

const button = (name: string) => screen.getByRole('button', { name }) as HTMLButtonElement;
const counter = (label: string) => screen.getByLabelText(label).textContent;

describe('TransportBar', () => {
  it('waits for the run, then sends Play, Step and Step ×N with the chosen part', async () => {
    const { client, sent, emit } = fakeTrainingPort();
    const { settings } = renderWithStores(<TransportBar />, { client });
    expect(screen.getByRole('status', { name: 'Training phase' }).textContent).toBe(
      'Creating the run…',
    );
    expect(button('Play').disabled).toBe(true);
    expect(button('Step').disabled).toBe(true);

    act(() => emit(createdEvent(presetConfig())));
    expect(screen.getByRole('status', { name: 'Training phase' }).textContent).toBe('Paused');
    fireEvent.change(screen.getByLabelText('N'), { target: { value: '5' } });
    expect(settings.getState().stepCount).toBe(5);
    fireEvent.change(screen.getByLabelText('Update'), { target: { value: 'discriminator' } });
    fireEvent.click(button('Step ×5'));
    await waitFor(() =>
      expect(sent).toContainEqual({
        type: 'step',
        runId: MAIN_RUN_ID,
        args: [5, 'discriminator'],
      }),
    );

    fireEvent.click(button('Play'));
    // Answered at once (the worker may be busy compiling): Pause, and why the first steps lag.
    expect(button('Pause')).toBeTruthy();
    expect(screen.getByRole('status', { name: 'Training phase' }).textContent).toMatch(
      /^Compiling kernels/,
    );
    await waitFor(() => expect(sent.map((c) => c.type)).toContain('play'));
    act(() => emit({ type: 'phase', runId: MAIN_RUN_ID, phase: 'training', compileMs: 900 }));
    expect(screen.getByRole('status', { name: 'Training phase' }).textContent).toBe('Training');
  });

  it('refuses a step count outside 1 … 1000 and keeps the last one', () => {
    const { settings } = renderWithStores(<TransportBar />);
    const before = settings.getState().stepCount;
    fireEvent.change(screen.getByLabelText('N'), { target: { value: '0' } });
    expect(screen.getByText('Between 1 and 1000.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('N'), { target: { value: '1001' } });
    expect(screen.getByText('Between 1 and 1000.')).toBeTruthy();
    expect(settings.getState().stepCount).toBe(before);
  });
});

describe('RunCounters', () => {
  it('shows "–" until the first readback, then the measured values', () => {
    const { client, emit } = fakeTrainingPort();
    renderWithStores(<RunCounters />, { client });
    act(() => emit(createdEvent(presetConfig())));
    for (const label of ['Steps/s', 'D loss', 'G loss', 'Modes covered', 'High quality'])
      expect(counter(label)).toBe('–');
    expect(counter('Iteration')).toBe('0');

    act(() => {
      emit({ type: 'metrics', runId: MAIN_RUN_ID, rows: [], iteration: 40, stepsPerSecond: 12.34 });
      emit({
        type: 'eval',
        runId: MAIN_RUN_ID,
        evaluation: {
          step: 40,
          modesCovered: 7,
          totalModes: 8,
          highQuality: 0.734,
          reverseKL: 0.2,
          slicedWasserstein: 0.1,
          modeCounts: null,
        },
      });
    });
    expect(counter('Iteration')).toBe('40');
    expect(counter('Steps/s')).toBe('12.3');
    expect(counter('Modes covered')).toBe('7 / 8');
    expect(counter('High quality')).toBe('73%');
  });

  it("shows a Stacked MNIST run's modes and KL instead of high quality", () => {
    const { client, emit } = fakeTrainingPort();
    renderWithStores(<RunCounters />, { client });
    act(() => emit(createdEvent(stackedMnistDefaults())));
    expect(screen.queryByLabelText('High quality')).toBeNull();
    expect(counter('KL to uniform')).toBe('–');
    const evaluation: ImageEvaluation = {
      kind: 'image',
      step: 500,
      modesCovered: 912,
      totalModes: 1000,
      reverseKL: 0.4567,
      klFloor: 0.1,
      evalSamples: 5000,
      modeCounts: new Array<number>(1000).fill(5),
    };
    act(() => emit({ type: 'eval', runId: MAIN_RUN_ID, evaluation }));
    expect(counter('Modes covered')).toBe('912 / 1000');
    expect(counter('KL to uniform')).toBe('0.46');
  });
});
