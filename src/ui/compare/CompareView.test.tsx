// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { CompareController, MAX_COMPARE_RUNS } from '../../store/compare';
import { presetConfig } from '../../store/settings';
import { cleanupHarness, fakeTrainingPort, renderWithStores } from '../testing/renderWithStores';
import { CompareView } from './CompareView';

/** An observer that never reports: jsdom lays nothing out and has none of its own. */
class SilentObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}

// jsdom lays nothing out and draws nothing: no resize or visibility observations (the lazily
// loaded charts wait for the latter), no 2-D context.
beforeEach(() => {
  vi.stubGlobal('ResizeObserver', SilentObserver);
  vi.stubGlobal('IntersectionObserver', SilentObserver);
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
const controllers: CompareController[] = [];
afterEach(() => {
  cleanupHarness();
  for (const controller of controllers.splice(0)) controller.detach();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** Two identical runs (A, B) of the opening preset, attached to a fake worker client. */
function renderComparison({ attach = true } = {}) {
  const controller = new CompareController();
  controllers.push(controller);
  controller.setRuns(presetConfig(), [{ patch: {} }, { patch: {} }]);
  const fake = fakeTrainingPort();
  if (attach) controller.attach(fake.client);
  renderWithStores(<CompareView controller={controller} onCopyPlayground={() => {}} />, {
    tab: 'compare',
    compare: controller,
  });
  const runs = () => controller.store.getState().runs;
  return { controller, runs, ...fake };
}

const cell = (letter: string) => screen.getByRole('article', { name: `Run ${letter}` });
const button = (name: string) => screen.getByRole('button', { name }) as HTMLButtonElement;

describe('CompareView', () => {
  it('drives every run from one transport once the worker is there', async () => {
    const detached = renderComparison({ attach: false });
    expect(button('Play all').disabled).toBe(true);
    act(() => detached.controller.attach(detached.client));
    expect(button('Play all').disabled).toBe(false);

    fireEvent.change(screen.getByLabelText('N'), { target: { value: '5' } });
    fireEvent.click(button('Step all ×5'));
    const [a, b] = detached.runs();
    await waitFor(() =>
      expect(detached.sent.filter((c) => c.type === 'step')).toEqual([
        { type: 'step', runId: a.id, args: [5, 'both'] },
        { type: 'step', runId: b.id, args: [5, 'both'] },
      ]),
    );
  });

  it("changes one run's setting and says how it differs from A", () => {
    const { runs } = renderComparison();
    expect(within(cell('B')).getByText('Differs from A: same settings')).toBeTruthy();
    fireEvent.change(within(cell('B')).getByLabelText('Loss (B)'), {
      target: { value: 'rpgan' },
    });
    expect(runs()[1].settings.getState().config.loss).toBe('rpgan');
    expect(runs()[0].settings.getState().config.loss).toBe(presetConfig().loss);
    expect(within(cell('B')).getByText('Differs from A: loss rpgan')).toBeTruthy();
    fireEvent.change(within(cell('B')).getByLabelText('Lazy interval (B)'), {
      target: { value: '99' },
    });
    expect(within(cell('B')).getByText('Between 1 and 64.')).toBeTruthy();
    expect(runs()[1].settings.getState().config.lazyInterval).toBe(presetConfig().lazyInterval);
  });

  it(`adds copies up to ${MAX_COMPARE_RUNS} runs and never removes the last one`, () => {
    const { runs } = renderComparison();
    fireEvent.click(within(cell('B')).getByRole('button', { name: 'Duplicate' }));
    fireEvent.click(within(cell('C')).getByRole('button', { name: 'Duplicate' }));
    expect(runs()).toHaveLength(MAX_COMPARE_RUNS);
    for (const letter of ['A', 'B', 'C', 'D'])
      expect(
        (within(cell(letter)).getByRole('button', { name: 'Duplicate' }) as HTMLButtonElement)
          .disabled,
      ).toBe(true);
    for (const letter of ['D', 'C', 'B']) fireEvent.click(button(`Remove run ${letter}`));
    expect(runs()).toHaveLength(1);
    expect(screen.queryByRole('button', { name: 'Remove run A' })).toBeNull();
  });

  it('renames a run on double-click, back to its settings’ name when emptied', () => {
    renderComparison();
    const title = within(cell('A')).getByRole('heading');
    const variant = title.textContent;
    fireEvent.doubleClick(title);
    const input = screen.getByLabelText('Name of run A');
    fireEvent.change(input, { target: { value: 'Baseline' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(within(cell('A')).getByRole('heading').textContent).toBe('Baseline');
    fireEvent.doubleClick(within(cell('A')).getByRole('heading'));
    fireEvent.change(screen.getByLabelText('Name of run A'), { target: { value: '   ' } });
    fireEvent.blur(screen.getByLabelText('Name of run A'));
    expect(within(cell('A')).getByRole('heading').textContent).toBe(variant);
  });

  it('shows "–" until a run is evaluated, then its modes and reverse KL', () => {
    const { runs, emit } = renderComparison();
    const stat = (letter: string, label: string) =>
      within(cell(letter)).getByLabelText(label).textContent;
    expect(stat('B', 'Modes')).toBe('–');
    expect(stat('B', 'Reverse KL')).toBe('–');
    act(() =>
      emit({
        type: 'eval',
        runId: runs()[1].id,
        evaluation: {
          step: 200,
          modesCovered: 7,
          totalModes: 8,
          highQuality: 0.5,
          reverseKL: 0.12345,
          slicedWasserstein: 0.1,
          modeCounts: null,
        },
      }),
    );
    expect(stat('B', 'Modes')).toBe('7 / 8');
    expect(stat('B', 'Reverse KL')).toBe('0.123');
    expect(stat('A', 'Modes')).toBe('–');
  });
});
