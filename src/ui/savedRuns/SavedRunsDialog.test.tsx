// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  cleanRunName,
  MAX_RUN_FILE_BYTES,
  type SavedRun,
  type SavedRunSummary,
} from '../../store/savedRuns';
import { presetConfig } from '../../store/settings';
import { cleanupHarness, renderWithStores } from '../testing/renderWithStores';
import { SavedRunsDialog, type SavedRunsStorage } from './SavedRunsDialog';

/** Saved runs in memory, with IndexedDB's contract: newest first, names cleaned, ids unique. */
class MemoryStorage implements SavedRunsStorage {
  readonly runs = new Map<string, SavedRunSummary | SavedRun>();
  /** The next operation's failure, as the browser's storage would report it. */
  failNext: Error | null = null;

  constructor(summaries: SavedRunSummary[]) {
    for (const summary of summaries) this.runs.set(summary.id, summary);
  }

  private check(): void {
    const failure = this.failNext;
    this.failNext = null;
    if (failure) throw failure;
  }

  async list() {
    this.check();
    return [...this.runs.values()].sort((a, b) => b.savedAt - a.savedAt);
  }
  async load(id: string): Promise<SavedRun> {
    this.check();
    const run = this.runs.get(id);
    if (!run || !('content' in run)) throw new Error('the saved run is missing');
    return run;
  }
  async save(run: SavedRun) {
    this.check();
    this.runs.set(run.id, { ...run, name: cleanRunName(run.name) });
  }
  async rename(id: string, name: string) {
    this.check();
    const run = this.runs.get(id);
    if (!run) throw new Error('the saved run no longer exists');
    this.runs.set(id, { ...run, name: cleanRunName(name) });
  }
  async remove(id: string) {
    this.check();
    this.runs.delete(id);
  }
  close() {}
}

const summary = (id: string, name: string, iteration: number, savedAt: number) =>
  ({
    id,
    name,
    savedAt,
    kind: 'toy',
    config: presetConfig(),
    iteration,
    thumbnail: null,
  }) satisfies SavedRunSummary;

// jsdom has no modal dialogs: showModal opens it in place.
beforeEach(() => {
  HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close = function (this: HTMLDialogElement) {
    this.removeAttribute('open');
  };
});
afterEach(cleanupHarness);

async function renderDialog(storage: MemoryStorage | (() => Promise<SavedRunsStorage>)) {
  const openStorage = typeof storage === 'function' ? storage : async () => storage;
  renderWithStores(
    <SavedRunsDialog open onClose={() => {}} onReopened={() => {}} openStorage={openStorage} />,
  );
}

/** A chosen file; jsdom's File has no arrayBuffer(), which the browser's has. */
function fileOf(name: string, text: string, size?: number): File {
  const file = new File([text], name);
  const bytes = new TextEncoder().encode(text);
  Object.defineProperty(file, 'arrayBuffer', { value: async () => bytes.buffer });
  if (size !== undefined) Object.defineProperty(file, 'size', { value: size });
  return file;
}

const status = () => screen.getByRole('status', { name: 'Saved runs status' }).textContent;
const listedNames = () =>
  within(screen.getByRole('list', { name: 'Saved runs' }))
    .getAllByRole('listitem')
    .map((item) => item.getAttribute('aria-label'));

describe('SavedRunsDialog', () => {
  it('lists the saved runs newest first, with their steps', async () => {
    const storage = new MemoryStorage([
      summary('a', 'Ring, R1 on', 1200, 1_000),
      summary('b', 'Grid baseline', 300, 2_000),
    ]);
    await renderDialog(storage);
    await waitFor(() => expect(listedNames()).toEqual(['Grid baseline', 'Ring, R1 on']));
    const ring = screen.getByRole('listitem', { name: 'Ring, R1 on' });
    expect(within(ring).getByLabelText('Saved at step').textContent).toBe('1200');
  });

  it('says so when there are none', async () => {
    await renderDialog(new MemoryStorage([]));
    expect(await screen.findByText('No saved runs yet.')).toBeTruthy();
  });

  it('renames a run, refusing an empty name and cancelling with Escape', async () => {
    const storage = new MemoryStorage([summary('a', 'Ring', 1200, 1_000)]);
    await renderDialog(storage);
    fireEvent.click(await screen.findByRole('button', { name: 'Rename Ring' }));
    const input = screen.getByLabelText('New name for Ring') as HTMLInputElement;
    expect(input.value).toBe('Ring');
    fireEvent.change(input, { target: { value: '   ' } });
    expect((screen.getByRole('button', { name: 'Save name' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(screen.queryByLabelText('New name for Ring')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Rename Ring' }));
    fireEvent.change(screen.getByLabelText('New name for Ring'), {
      target: { value: 'Ring  with   R1' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save name' }));
    await waitFor(() => expect(listedNames()).toEqual(['Ring with R1']));
    expect(status()).toBe('Renamed to “Ring with R1”.');
    expect(storage.runs.get('a')!.name).toBe('Ring with R1');
  });

  it('deletes a run only once confirmed', async () => {
    const storage = new MemoryStorage([
      summary('a', 'Ring', 1200, 1_000),
      summary('b', 'Grid', 5, 2),
    ]);
    await renderDialog(storage);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete Ring' }));
    fireEvent.click(screen.getByRole('button', { name: 'Keep' }));
    expect(listedNames()).toEqual(['Ring', 'Grid']);

    fireEvent.click(screen.getByRole('button', { name: 'Delete Ring' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, delete' }));
    await waitFor(() => expect(listedNames()).toEqual(['Grid']));
    expect(status()).toBe('Deleted “Ring”.');
    expect([...storage.runs.keys()]).toEqual(['b']);
  });

  it("puts the storage's failures in words and keeps the list", async () => {
    const storage = new MemoryStorage([summary('a', 'Ring', 1200, 1_000)]);
    await renderDialog(storage);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete Ring' }));
    storage.failNext = new Error("the browser's storage refused it (UnknownError)");
    fireEvent.click(screen.getByRole('button', { name: 'Yes, delete' }));
    await waitFor(() =>
      expect(status()).toBe(
        "Could not delete the run: the browser's storage refused it (UnknownError)",
      ),
    );
    expect(listedNames()).toEqual(['Ring']);
  });

  it('says why when the saved runs cannot be opened at all', async () => {
    await renderDialog(() =>
      Promise.reject(new Error('this browser does not offer IndexedDB storage here')),
    );
    await waitFor(() =>
      expect(status()).toBe(
        'Saved runs are unavailable: this browser does not offer IndexedDB storage here',
      ),
    );
    expect(screen.queryByRole('list', { name: 'Saved runs' })).toBeNull();
  });

  it('imports nothing from a file that is too large or not a run file', async () => {
    const storage = new MemoryStorage([]);
    await renderDialog(storage);
    await screen.findByText('No saved runs yet.');
    const input = screen.getByLabelText('Import run file…');
    const huge = fileOf('huge.ganrun', 'x', MAX_RUN_FILE_BYTES + 1);
    await act(async () => {
      fireEvent.change(input, { target: { files: [huge] } });
    });
    await waitFor(() =>
      expect(status()).toBe(
        `Nothing imported: the file is too large (limit ${MAX_RUN_FILE_BYTES / 1024 / 1024} MB).`,
      ),
    );
    const junk = fileOf('notes.ganrun', 'not a run file at all');
    await act(async () => {
      fireEvent.change(input, { target: { files: [junk] } });
    });
    await waitFor(() =>
      expect(status()).toBe(
        'Nothing imported. This is not a valid GAN Playground run file: it does not start with GANPGRUN.',
      ),
    );
    expect(storage.runs.size).toBe(0);
  });
});
