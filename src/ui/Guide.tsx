/** The page's static copy: the sentence that says what the screen shows, and what to look for. */
import type { ReactNode } from 'react';

import { activeConfig } from '../store/settings';
import { useSettings } from './context';

const DATASET_PHRASE: Record<string, string> = {
  ring8: 'a ring of 8 Gaussian blobs',
  grid25: 'a grid of 25 Gaussian blobs',
  spiral: 'a spiral',
  moons: 'two interleaved half-moons',
  circles: 'two concentric circles',
  gaussian: 'one stretched Gaussian',
  custom: 'your own drawing',
};

/** The one sentence that says what the screen shows. */
export function Explainer() {
  const dataset = useSettings((s) => activeConfig(s).dataset);
  if (dataset === 'stacked-mnist')
    return (
      <p className="tagline">
        Stacked MNIST: each image is three random handwritten digits stacked in its red, green and
        blue channels, so there are 1000 possible digit triples (the modes); a convolutional GAN
        learns to make them, and a digit classifier counts which triples it makes — press Play and
        watch the mode map fill.
      </p>
    );
  return (
    <p className="tagline">
      A small GAN trains live in your browser: grey dots are the real data (
      {DATASET_PHRASE[dataset]}), pink dots are what the generator makes from random noise, and the
      coloured background is the discriminator&apos;s verdict — press Play and watch the pink dots
      learn to imitate the grey.
    </p>
  );
}

/** The "What to look for" box beside the view: one list item per thing to notice. */
function LookFor({ children }: { children: ReactNode }) {
  return (
    <section className="guide" aria-labelledby="guide-heading">
      <h2 id="guide-heading">What to look for</h2>
      <ul>{children}</ul>
    </section>
  );
}

/** What to look for on Stacked MNIST. */
export function StackedGuide() {
  return (
    <LookFor>
      <li>
        <strong>The grid</strong> shows G on the same 64 latents every time: blobs turn into
        coloured strokes, then into three overlaid digits.
      </li>
      <li>
        <strong>Mode collapse</strong> shows as repeats in the grid and an empty mode map: a
        collapsed G makes only a few of the 1000 triples.
      </li>
      <li>
        <strong>Interpolation:</strong> click two samples (A, then B). Slerp usually stays sharp
        along the way; lerp’s middle images are often greyer.
      </li>
      <li>
        Conv steps are slow without a GPU: pick the <strong>Tiny</strong> width to see training move
        on a laptop.
      </li>
    </LookFor>
  );
}

/** What to look for, for a first-time visitor. */
export function Guide() {
  return (
    <LookFor>
      <li>
        <strong>Mode collapse:</strong> with the classic GAN the pink dots often crowd onto a few
        blobs and hop between them; the mode markers show which are covered.
      </li>
      <li>
        <strong>Arrows</strong> show where G is being pushed: towards the blue regions D believes
        are real.
      </li>
      <li>
        Try <strong>RpGAN with R1 + R2</strong> (Training panel): the dots spread over every mode
        and stay there.
      </li>
    </LookFor>
  );
}
