import { describe, expect, it } from 'vitest';

import { imagePresetConfig, presetConfig } from '../settings';
import { parseStoredSummary, storageError, storedSummarySchema } from './db';

const SAVED_AT = Date.UTC(2026, 0, 2, 3, 4, 5);

const TOY_SUMMARY = {
  id: 'a',
  name: 'n',
  savedAt: SAVED_AT,
  kind: 'toy',
  config: presetConfig(),
  iteration: 3,
  thumbnail: null,
  version: 1,
};

describe('stored summaries', () => {
  it('parseStoredSummary lists only records this version wrote', () => {
    const summary = TOY_SUMMARY;
    expect(parseStoredSummary(summary)).toMatchObject({ id: 'a', iteration: 3 });
    expect(parseStoredSummary({ ...summary, version: 2 })).toBe(null);
    expect(parseStoredSummary({ ...summary, config: { loss: 'x' } })).toBe(null);
    expect(parseStoredSummary(null)).toBe(null);
  });

  it('Stacked MNIST summaries are listed with their kind', () => {
    const summary = {
      ...TOY_SUMMARY,
      id: 'i',
      name: 'digits',
      kind: 'image',
      config: imagePresetConfig(),
      iteration: 5,
    };
    expect(parseStoredSummary(summary)).toMatchObject({ kind: 'image', iteration: 5 });
    expect(parseStoredSummary({ ...summary, config: presetConfig() })).toBeNull();
    expect(parseStoredSummary({ ...summary, kind: 'toy' })).toBeNull();
  });

  it('gives the summary without the record version or unknown keys; keeps a thumbnail', () => {
    const thumbnail = new Blob(['png'], { type: 'image/png' });
    const parsed = parseStoredSummary({ ...TOY_SUMMARY, thumbnail, extra: '<b>' });
    const { version, ...summary } = TOY_SUMMARY;
    expect(version).toBe(1);
    expect(parsed).toEqual({ ...summary, thumbnail });
    expect(parsed?.thumbnail).toBe(thumbnail);
  });

  it('refuses each field of the wrong type, a missing one, or a number that is not finite', () => {
    const bad: Record<string, unknown>[] = [
      { kind: 'stacked-mnist' },
      { kind: undefined },
      { id: 1 },
      { name: null },
      { savedAt: '2026-01-02' },
      { savedAt: Infinity },
      { savedAt: NaN },
      { iteration: 1.5 },
      { iteration: 2 ** 53 },
      { iteration: '3' },
      { thumbnail: undefined },
      { thumbnail: 'data:image/png;base64,' },
      { thumbnail: {} },
      { version: '1' },
    ];
    for (const patch of bad)
      expect(parseStoredSummary({ ...TOY_SUMMARY, ...patch }), JSON.stringify(patch)).toBeNull();
    for (const input of [undefined, 'a', 42, [], [TOY_SUMMARY]])
      expect(parseStoredSummary(input)).toBeNull();
    // A negative iteration is a safe integer: listed, as before the schema (loading checks it).
    expect(parseStoredSummary({ ...TOY_SUMMARY, iteration: -1 })).not.toBeNull();
    expect(storedSummarySchema.safeParse(TOY_SUMMARY).success).toBe(true);
  });
});

describe('storage errors (issue 14)', () => {
  const estimate = async () => ({ usage: 96 * 2 ** 20, quota: 100 * 2 ** 20 });

  it('a full storage names the cause, what is used of what, and what to do', async () => {
    // Chromium's QuotaExceededError often has an empty message ("Could not save the run: ").
    for (const error of [
      new DOMException('', 'QuotaExceededError'),
      Object.assign(new Error(''), { name: 'QuotaExceededError' }),
      new Error('Quota exceeded.'),
    ]) {
      expect((await storageError(error, estimate)).message).toBe(
        "the browser's storage for this site is full (96 MB used of 100 MB); delete saved runs or export them to files to make room",
      );
    }
    // Without an estimate (old browsers): the cause and the remedy still.
    const bare = await storageError(new DOMException('', 'QuotaExceededError'), async () => ({}));
    expect(bare.message).toBe(
      "the browser's storage for this site is full; delete saved runs or export them to files to make room",
    );
    const failing = await storageError(new DOMException('', 'QuotaExceededError'), () =>
      Promise.reject(new Error('no')),
    );
    expect(failing.message).toMatch(/^the browser's storage for this site is full; /);
  });

  it('other failures keep their message, or their name when it is empty; never an empty reason', async () => {
    expect((await storageError(new Error('disk I/O'), estimate)).message).toBe('disk I/O');
    expect((await storageError(new DOMException('', 'UnknownError'), estimate)).message).toBe(
      "the browser's storage refused it (UnknownError)",
    );
    for (const hostile of [null, undefined, '', {}, { name: 5, message: {} }])
      expect((await storageError(hostile, estimate)).message.length).toBeGreaterThan(10);
  });
});
