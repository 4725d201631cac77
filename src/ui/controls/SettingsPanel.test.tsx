// @vitest-environment jsdom
import { act, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { presetConfig } from '../../store/settings';
import { cleanupHarness, renderWithStores } from '../testing/renderWithStores';
import { SettingsPanel } from './SettingsPanel';

afterEach(cleanupHarness);

const type = (label: string, text: string) =>
  fireEvent.change(screen.getByLabelText(label), { target: { value: text } });

describe('SettingsPanel', () => {
  it('applies a valid number to the store as it is typed', () => {
    const { settings } = renderWithStores(<SettingsPanel />);
    type('Batch size', '64');
    expect(settings.getState().config.batchSize).toBe(64);
    expect(screen.getByLabelText('Batch size').getAttribute('aria-invalid')).toBe('false');
  });

  it('says what is wrong with bad input and keeps the config, until the field is left', () => {
    const { settings } = renderWithStores(<SettingsPanel />);
    const before = settings.getState().config;
    type('Batch size', '0');
    expect(screen.getByText('Between 1 and 4096.')).toBeTruthy();
    type('Batch size', '');
    expect(screen.getByText('Enter a number.')).toBeTruthy();
    // Passes the range but not the store's own rule: the store's message, in the panel's words.
    type('Batch size', '2.5');
    const input = screen.getByLabelText('Batch size') as HTMLInputElement;
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.closest('.field')!.querySelector('.field-error')!.textContent).toMatch(
      /^Batch size /,
    );
    expect(settings.getState().config).toBe(before);
    fireEvent.blur(input);
    expect(input.value).toBe(String(presetConfig().batchSize));
    expect(input.getAttribute('aria-invalid')).toBe('false');
  });

  it('edits both γ while linked, and each one once unlinked', () => {
    const { settings } = renderWithStores(<SettingsPanel />);
    // The opening preset trains without R1 and R2 (γ 0 in the config).
    fireEvent.click(screen.getByLabelText('R1 (real)'));
    fireEvent.click(screen.getByLabelText('R2 (fake)'));
    type('γ (R1 and R2)', '2');
    expect(settings.getState().config).toMatchObject({ r1Gamma: 2, r2Gamma: 2 });
    fireEvent.click(screen.getByLabelText('One γ for both'));
    expect(screen.queryByLabelText('γ (R1 and R2)')).toBeNull();
    type('R2 γ', '0.5');
    expect(settings.getState().config).toMatchObject({ r1Gamma: 2, r2Gamma: 0.5 });
  });

  it("disables Adam's β1 and β2 for a network switched to SGD, and only for it", () => {
    const { settings } = renderWithStores(<SettingsPanel />);
    fireEvent.change(screen.getByLabelText('D optimiser'), { target: { value: 'sgd' } });
    expect(settings.getState().config.dOptimizer.kind).toBe('sgd');
    expect((screen.getByLabelText('D β1') as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByLabelText('D β2') as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByLabelText('D learning rate') as HTMLInputElement).disabled).toBe(false);
    expect((screen.getByLabelText('G β1') as HTMLInputElement).disabled).toBe(false);
  });

  it('hides the groups a teacher hid through the link', () => {
    renderWithStores(<SettingsPanel />, { hidden: ['penalties', 'optimizer'] });
    expect(screen.queryByRole('group', { name: 'Regularisation' })).toBeNull();
    expect(screen.queryByRole('group', { name: 'Optimisers' })).toBeNull();
    expect(screen.getByLabelText('Loss')).toBeTruthy();
    expect(screen.getByLabelText('Batch size')).toBeTruthy();
  });

  it('shows why a Stacked MNIST model change was refused, until the model changes', () => {
    const { settings } = renderWithStores(<SettingsPanel />);
    fireEvent.change(screen.getByLabelText('Dataset'), { target: { value: 'stacked-mnist' } });
    expect(settings.getState().mode).toBe('image');
    act(() => {
      settings.getState().setImageModel({ mbstd: false });
      settings.getState().setNumber('batchSize', 66);
    });
    const model = screen.getByRole('region', { name: 'Model' });
    fireEvent.click(within(model).getByLabelText('Minibatch stddev'));
    expect(within(model).getByRole('alert').textContent).toBe(
      'Minibatch stddev needs a batch size that is a multiple of its group size 4 (got 66).',
    );
    expect(settings.getState().imageConfig.mbstd).toBe(false);
    // Any change of the model clears it, also one made elsewhere (here: the batch size).
    type('Batch size', '64');
    expect(within(model).queryByRole('alert')).toBeNull();
  });
});
