/**
 * `npm run train:classifier -- --seed 1`: trains the Stacked MNIST digit classifier in Node on
 * the wasm backend, on the classifier-training part of the seeded split of the 10,000 digits, and
 * writes public/mnist/classifier.bin with its held-out accuracy in the file's meta.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { runCommand, type FlagSpec, type ParsedFlags } from '../src/cli/args';
import { loadMnistFromPublic, publicPath } from '../src/cli/assets';
import { useNodeBackend } from '../src/engine/core/backend';
import {
  classifierAccuracy,
  DEFAULT_CLASSIFIER_TRAINING as D,
  trainDigitClassifier,
} from '../src/engine/image/classifierTraining';
import { DEFAULT_CLASSIFIER_ARCH as A } from '../src/engine/image/digitClassifier';
import { CLASSIFIER_ASSET_PATH } from '../src/engine/image/mnist';
import {
  CLASSIFIER_SPLIT_SEED,
  HELD_OUT_DIGITS,
  splitDigits,
} from '../src/engine/image/stackedMnist';

const FLAGS: Record<string, FlagSpec> = {
  seed: { type: 'integer', help: `seed of the weights and the batches (default ${D.seed})` },
  epochs: { type: 'integer', help: `passes over the training digits (default ${D.epochs})` },
  batch: { type: 'integer', help: `batch size (default ${D.batch})` },
  lr: { type: 'number', help: `peak Adam learning rate, cosine decay (default ${D.lr})` },
  shift: { type: 'integer', help: `random translation ±pixels (default ${D.shift})` },
  conv1: { type: 'integer', help: `channels of the first conv (default ${A.conv1})` },
  conv2: { type: 'integer', help: `channels of the second conv (default ${A.conv2})` },
  hidden: { type: 'integer', help: `width of the hidden dense layer (default ${A.hidden})` },
  'epoch-eval': {
    type: 'boolean',
    help: 'report held-out accuracy after every epoch (monitoring only; nothing is tuned on it)',
  },
  out: {
    type: 'string',
    placeholder: 'file.bin',
    help: `weights file (default public/${CLASSIFIER_ASSET_PATH})`,
  },
  help: { type: 'boolean', help: 'show this help' },
};

const USAGE = `Usage: npm run train:classifier -- [flags]

Trains the digit classifier that measures Stacked MNIST modes, on ${10_000 - HELD_OUT_DIGITS} digits of a
seeded split (split seed ${CLASSIFIER_SPLIT_SEED}), and reports its accuracy on the ${HELD_OUT_DIGITS} held-out digits.`;

async function main(flags: ParsedFlags): Promise<number> {
  const options = {
    seed: (flags.seed as number | undefined) ?? D.seed,
    epochs: (flags.epochs as number | undefined) ?? D.epochs,
    batch: (flags.batch as number | undefined) ?? D.batch,
    lr: (flags.lr as number | undefined) ?? D.lr,
    shift: (flags.shift as number | undefined) ?? D.shift,
    arch: {
      conv1: (flags.conv1 as number | undefined) ?? A.conv1,
      conv2: (flags.conv2 as number | undefined) ?? A.conv2,
      hidden: (flags.hidden as number | undefined) ?? A.hidden,
    },
  };
  await useNodeBackend('wasm');
  const split = splitDigits(loadMnistFromPublic());
  const started = performance.now();
  const classifier = await trainDigitClassifier(split.train, {
    ...options,
    onEpoch: async ({ epoch, loss, seconds, classifier }) => {
      const acc = flags['epoch-eval'] ? await classifierAccuracy(classifier, split.heldOut) : null;
      process.stdout.write(
        `epoch ${epoch}/${options.epochs}  loss ${loss.toFixed(4)}  ${seconds.toFixed(1)} s` +
          (acc === null ? '' : `  held-out ${(100 * acc).toFixed(2)} %`) +
          '\n',
      );
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const heldOut = await classifierAccuracy(classifier, split.heldOut);
  const train = await classifierAccuracy(classifier, split.train);
  const { arch: _arch, ...recipe } = options;
  const bytes = await classifier.toBytes({
    ...recipe,
    splitSeed: CLASSIFIER_SPLIT_SEED,
    trainDigits: split.train.count,
    heldOutDigits: split.heldOut.count,
    heldOutAccuracy: Number(heldOut.toFixed(4)),
    trainAccuracy: Number(train.toFixed(4)),
    backend: tf.getBackend(),
  });
  const file = (flags.out as string | undefined) ?? publicPath(CLASSIFIER_ASSET_PATH);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  process.stdout.write(
    `held-out accuracy ${(100 * heldOut).toFixed(2)} % (${split.heldOut.count} digits), train ${(100 * train).toFixed(2)} %\n` +
      `${classifier.parameterCount} parameters, ${seconds.toFixed(0)} s on ${tf.getBackend()}; wrote ${file} (${bytes.length} bytes)\n`,
  );
  classifier.dispose();
  return 0;
}

process.exitCode = await runCommand('train:classifier', USAGE, FLAGS, main);
