/**
 * Lessons a teacher opens with one click (or a link, `#lesson=<id>`): a short text, a preset,
 * what to look for and the outcome to expect. The toy lessons' outcomes are measured, not
 * assumed: `outcome` is what `lessons.outcome.test.ts` checks through the engine over seeds
 * 1–3 (`npm run test:lessons`), and where a paper's claim does not reproduce at this scale the
 * lesson says so and shows what does happen.
 *
 * Data only (no React, no tfjs): the UI, the URL parser and the tests all read it.
 */
import { toyDefaults, type GanConfig, type ImageGanConfig } from '../engine/core/config';
import type { DiracSettings } from '../engine/dirac/dirac';

/** One run of a comparison: a label and what differs from the lesson's base config. */
export interface LessonVariant {
  label: string;
  patch: Partial<GanConfig>;
}

export type LessonPreset =
  /** One run in the playground. */
  | { kind: 'playground'; config: Partial<GanConfig> }
  /** Side-by-side runs on the same data and seed: `base`, then each variant's patch over it. */
  | { kind: 'compare'; base: Partial<GanConfig>; variants: LessonVariant[] }
  | { kind: 'dirac'; dirac: Partial<DiracSettings> }
  /** One Stacked MNIST run in the playground: the image defaults with these settings over them. */
  | { kind: 'image'; config: Partial<ImageGanConfig> };

/** A claim about modes covered, checked per variant over the seeds. */
export interface ModesClaim {
  variant: string;
  /** Every seed covers at least this many modes. */
  everyAtLeast?: number;
  /** At least one seed covers at most this many (mode dropping happens). */
  someAtMost?: number;
  /** The mean over seeds is at most this. */
  meanAtMost?: number;
}

export interface LessonOutcome {
  /** Iterations of each run (the lesson's suggested budget). */
  steps: number;
  seeds: number[];
  /** The variants trained (for playground lessons: the single run, labelled). */
  variants: LessonVariant[];
  base: Partial<GanConfig>;
  claims: ModesClaim[];
  /** Variant whose mean modes must be ≥ the other's mean (e.g. the fix beats the failure). */
  meanOrder?: { better: string; worse: string; margin: number };
  /** Two variants whose mean modes differ by at most this (a claim that did NOT reproduce). */
  meanClose?: { a: string; b: string; within: number };
}

/**
 * A starting point shipped with a lesson: a saved-run file (store/savedRuns/runFile.ts, `.ganrun`) under
 * public/, written by the CLI from a stated seed (`command`) and reproducible byte for byte on
 * wasm. Its settings are the lesson's preset with `patch` over it, and it holds the weights,
 * optimiser state, chart histories and the mode map of its last evaluation.
 */
export interface LessonSnapshot {
  /** Path under the app root (fetched by the UI, read from public/ by Node). */
  path: string;
  /** What the run is, for the lesson card's button. */
  label: string;
  /** The iteration it was saved at. */
  step: number;
  /** Settings that differ from the lesson's preset (e.g. the loss of a second run). */
  patch?: Partial<ImageGanConfig>;
  /** The command that trained it (from the repository root). */
  command: string;
}

export interface Lesson {
  id: string;
  title: string;
  /** One line for the picker. */
  summary: string;
  /** The lesson text: a few short paragraphs. */
  text: string[];
  lookFor: string[];
  /** What will happen (measured at this scale). */
  expected: string;
  /** Where the paper's claim does not reproduce here, what we saw instead. */
  caveat?: string;
  source: string;
  preset: LessonPreset;
  /** A dataset (engine/core/config.ts) the lesson needs; unavailable until it can be selected. */
  requiresDataset?: string;
  /** A feature the lesson needs that the app does not have yet. */
  requiresFeature?: string;
  /**
   * Trained starting points (image lessons): the first opens with the lesson, so the class starts
   * at a step where there is something to see; the lesson card offers the others.
   */
  snapshots?: LessonSnapshot[];
  outcome?: LessonOutcome;
}

/** The ring of 8 at the playground's model size, seed 1 (the README's one-command example). */
const RING: Partial<GanConfig> = { dataset: 'ring8', seed: 1, lazyInterval: 1 };
const RING_GAMMA = 0.1;
const NONE = { r1Gamma: 0, r2Gamma: 0 };
const R1 = { r1Gamma: RING_GAMMA, r2Gamma: 0 };
const R1R2 = { r1Gamma: RING_GAMMA, r2Gamma: RING_GAMMA };

/** Iterations the toy lessons suggest (and their tests train). */
export const LESSON_STEPS = 2000;
const SEEDS = [1, 2, 3];

/** Iterations per progressive-growing phase in lesson 7 (all phases pass by step 400). */
export const LESSON_FADE_STEPS = 100;
/** Latent size of the Stacked MNIST defaults (engine/core/config.ts stackedMnistDefaults). */
const STACKED_LATENT_DIM = 64;

/**
 * The Stacked MNIST lessons train the "Tiny" width (8, 8, 8 channels: store/settings.ts) at batch
 * 32: the default Medium width runs 0.1–0.2 steps/s on wasm, Tiny about ten times faster, and its
 * starting snapshots stay small (≈ 240 kB with Adam's moments and G's EMA copy).
 */
const STACKED_LESSON_MODEL: Partial<ImageGanConfig> = {
  gChannels: [8, 8, 8],
  dChannels: [8, 8, 8],
  batchSize: 32,
};

/** Where the lessons' starting snapshots live (public/lessons/, precached for offline use). */
const SNAPSHOT_DIR = 'lessons';

/** The CLI command that writes a lesson's snapshot (see LessonSnapshot). */
function snapshotCommand(lesson: string, steps: number, file: string, extra = ''): string {
  return `npm run train -- --lesson ${lesson}${extra} --steps ${steps} --eval-every 100 --eval-samples 5000 --snapshot-out public/${SNAPSHOT_DIR}/${file}`;
}

/** Iterations of the Stacked MNIST race's two snapshots (NSGAN and RpGAN, same seed). */
export const RACE_SNAPSHOT_STEPS = 200;
/** Lesson 7's snapshot: at the end of the 7×7 phase, so both fade-ins happen in class. */
export const GROWTH_SNAPSHOT_STEPS = 100;

const RPGAN_SNAPSHOT: LessonSnapshot = {
  path: `${SNAPSHOT_DIR}/stacked-rpgan-${RACE_SNAPSHOT_STEPS}.ganrun`,
  label: `RpGAN + R1 + R2, step ${RACE_SNAPSHOT_STEPS}`,
  step: RACE_SNAPSHOT_STEPS,
  patch: { loss: 'rpgan' },
  command: snapshotCommand(
    'latent-interpolation',
    RACE_SNAPSHOT_STEPS,
    `stacked-rpgan-${RACE_SNAPSHOT_STEPS}.ganrun`,
  ),
};

const NSGAN: LessonVariant = { label: 'NSGAN, no penalty', patch: { loss: 'nsgan', ...NONE } };
const RPGAN_R1R2: LessonVariant = { label: 'RpGAN + R1 + R2', patch: { loss: 'rpgan', ...R1R2 } };
const RPGAN_R1: LessonVariant = { label: 'RpGAN + R1 only', patch: { loss: 'rpgan', ...R1 } };
const RPGAN_LAZY: LessonVariant = {
  label: 'RpGAN + R1 + R2, lazy (every 16th D step)',
  patch: { loss: 'rpgan', ...R1R2, lazyInterval: 16 },
};

/** Iterations of lesson 9's γ schedule: a few minutes of a browser at ~25–35 steps/s. */
export const SHARPEN_STEPS = 4000;
/** Where lesson 9's γ ends: √0.0004 = 0.02, a blur as wide as the ring's blobs (σ). */
export const SHARPEN_FINAL_GAMMA = 0.0004;

/**
 * Lesson 9: the CLI's precision recipe (engine/core/config.ts toyDefaults) over a class-sized budget —
 * γ falls 250× from the ring's 0.1 to σ², lr falls 10× (not 100×: over 4000 steps that froze G
 * before it had tightened), Adam β1 0.5, EMA half-life 200 (1000 lags a 4000-step run).
 */
export const SHARPEN_RING: Partial<GanConfig> = {
  ...toyDefaults('ring8', 'precision', SHARPEN_STEPS),
  ...RING,
  r1Gamma: SHARPEN_FINAL_GAMMA,
  r2Gamma: SHARPEN_FINAL_GAMMA,
  gammaBurnInFactor: RING_GAMMA / SHARPEN_FINAL_GAMMA,
  lrEndFactor: 0.1,
  emaHalfLife: 200,
};

export const LESSONS: readonly Lesson[] = [
  {
    id: 'mode-collapse',
    title: '1. Mode collapse',
    summary: 'The classic GAN on a ring of 8 Gaussians drops modes.',
    text: [
      'The data are 8 small blobs on a ring. The generator (pink) must learn to put samples on all of them.',
      'With the non-saturating GAN and no penalty, the discriminator keeps telling the generator to move towards whichever blobs it covers least — and the generator overshoots, crowding onto a few blobs and hopping between them.',
    ],
    lookFor: [
      'Pink dots crowding onto a few blobs while others stay empty (mode markers stay grey).',
      'The “Modes covered” counter falling below 8 and wandering as G hops between blobs.',
      'Arrows all pointing the same way: G is pushed as a whole, not blob by blob.',
    ],
    expected:
      'After 2000 iterations seed 1 covers 5 of 8 modes (4 at iteration 1000). Over seeds 1, 2, 3 we measured 5, 8 and 3 modes: mode dropping is likely, not certain — seed 2 happens to find all 8 late in the run.',
    source: 'Metz et al., Unrolled GANs (ICLR 2017): the ring of 8; R3GAN §2.2.',
    preset: { kind: 'playground', config: { ...RING, loss: 'nsgan', ...NONE } },
    outcome: {
      steps: LESSON_STEPS,
      seeds: SEEDS,
      base: RING,
      variants: [NSGAN],
      claims: [{ variant: NSGAN.label, someAtMost: 6, meanAtMost: 7 }],
    },
  },
  {
    id: 'r3gan-fix',
    title: '2. RpGAN + R1 + R2 fixes it',
    summary: 'R3GAN’s recipe keeps every mode of the ring, side by side with the classic GAN.',
    text: [
      'RpGAN judges each fake against a real sample (relativistic pairing), which removes the mode-dropping local minima of the classic loss (Sun et al., cited in R3GAN §2.2).',
      'R1 and R2 penalise the discriminator’s slope on real and on fake data. Together they keep D smooth, so G feels every blob instead of a few sharp cliffs.',
      'Both runs share the data, the seed and the initial weights; only the loss and the penalties differ.',
    ],
    lookFor: [
      'Right run: pink dots on all 8 blobs, mode markers green.',
      'The “Modes covered” chart: one line stays at 8, the other drops.',
      'The heatmap on the right is smoother (R1/R2 flatten D around the data).',
    ],
    expected:
      'After 2000 iterations RpGAN + R1 + R2 covers at least 7 of 8 modes on every seed (8, 8, 7 on seeds 1–3), against 5, 8, 3 for NSGAN. It needs time: at iteration 1000 seed 1 still has 6.',
    source: 'Huang et al., R3GAN (NeurIPS 2024) §2.2–2.3.',
    preset: { kind: 'compare', base: RING, variants: [NSGAN, RPGAN_R1R2] },
    outcome: {
      steps: LESSON_STEPS,
      seeds: SEEDS,
      base: RING,
      variants: [NSGAN, RPGAN_R1R2],
      claims: [{ variant: RPGAN_R1R2.label, everyAtLeast: 7 }],
      meanOrder: { better: RPGAN_R1R2.label, worse: NSGAN.label, margin: 1 },
    },
  },
  {
    id: 'r1-alone',
    title: '3. R1 alone vs R1 + R2',
    summary: 'R3GAN reports that R1 alone fails; on the toy ring it does not.',
    text: [
      'R3GAN §2.4 reports that RpGAN with R1 alone diverges on Stacked MNIST: far from equilibrium a powerful D memorises the reals and its gradient on fakes explodes; adding R2 (the same penalty on fakes) keeps it stable.',
      'Here both variants train side by side on the ring.',
    ],
    lookFor: [
      'The E‖∇ₓD‖² chart: with R1 only, the slope on fakes is unpenalised — watch whether it grows.',
      'Modes covered and reverse KL of both runs.',
    ],
    expected:
      'Both keep 7–8 of 8 modes on every seed after 2000 iterations, with similar coverage (R1 only: 8, 8, 8; R1 + R2: 8, 8, 7): at toy scale R1 alone does not fail.',
    caveat:
      'This claim does not reproduce on 2-D toys: R3GAN measures the R1-only failure on Stacked MNIST with large conv nets, where D can memorise the data. Our 3×64 MLPs are too small to do that (README, “Science”: R1-only 8.0 ± 0 of 8 modes on the ring).',
    source: 'R3GAN §2.4 and Fig. 2.',
    preset: { kind: 'compare', base: RING, variants: [RPGAN_R1, RPGAN_R1R2] },
    outcome: {
      steps: LESSON_STEPS,
      seeds: SEEDS,
      base: RING,
      variants: [RPGAN_R1, RPGAN_R1R2],
      claims: [
        { variant: RPGAN_R1.label, everyAtLeast: 7 },
        { variant: RPGAN_R1R2.label, everyAtLeast: 7 },
      ],
      meanClose: { a: RPGAN_R1.label, b: RPGAN_R1R2.label, within: 1 },
    },
  },
  {
    id: 'lazy-regularisation',
    title: '4. Lazy R1/R2',
    summary:
      'StyleGAN2 applies R1 every 16th step; R3GAN reports that this fails — not on the ring.',
    text: [
      'StyleGAN2 saves time by applying R1 only every 16th discriminator step, multiplied by 16 (“lazy regularisation”). R3GAN App. E reports that lazy R1/R2 fails with its loss, where every-step R1/R2 works.',
      'Both runs use RpGAN + R1 + R2 with the same γ; the right one applies the penalties lazily.',
    ],
    lookFor: [
      'The R1 and R2 chart: the lazy run’s penalty comes in bursts.',
      'Modes covered: does the lazy run lose modes or wobble?',
    ],
    expected:
      'Both keep 7–8 of 8 modes on every seed after 2000 iterations (every step: 8, 8, 7; lazy ×16: 8, 8, 8 on seeds 1–3): at toy scale lazy R1/R2 does not fail.',
    caveat:
      'R3GAN App. E’s lazy-regularisation failure does not reproduce on the 2-D ring with 3×64 MLPs: the lazy run covers the ring as well as the every-step run (reverse KL 0.14–0.19 vs 0.11–0.35). Look at the R1/R2 chart instead: the lazy penalty arrives in bursts 16 times larger.',
    source: 'Karras et al., StyleGAN2 §4 (lazy regularisation); R3GAN App. E.',
    preset: { kind: 'compare', base: RING, variants: [RPGAN_R1R2, RPGAN_LAZY] },
    outcome: {
      steps: LESSON_STEPS,
      seeds: SEEDS,
      base: RING,
      variants: [RPGAN_R1R2, RPGAN_LAZY],
      claims: [
        { variant: RPGAN_R1R2.label, everyAtLeast: 7 },
        { variant: RPGAN_LAZY.label, everyAtLeast: 7 },
      ],
      meanClose: { a: RPGAN_R1R2.label, b: RPGAN_LAZY.label, within: 1 },
    },
  },
  {
    id: 'dirac-gan',
    title: '5. Dirac-GAN',
    summary: 'Two parameters, one equilibrium: why unregularised GANs circle, and how R1 damps.',
    text: [
      'The smallest GAN: the generator puts all its mass at θ, the discriminator is the line D(x) = ψ·x, and the data sit at 0. The only equilibrium is θ = ψ = 0.',
      'Without a penalty the field rotates around the equilibrium: simultaneous steps spiral outwards, alternating steps circle for ever. R1 (γ/2·ψ²) adds friction — the eigenvalues get a negative real part — and the trajectory spirals in.',
    ],
    lookFor: [
      'Plain GAN: the radius grows from 1.41 to 3.10 in 500 steps (|μ| = 1.005 > 1).',
      'Alternating: bounded oscillation, radius stays about 1.42.',
      'R1 γ = 0.3: radius 2.6e-6; R1 + R2 damp twice as hard: 2.2e-13. γ = 1 is critical damping.',
    ],
    expected:
      'Exactly the closed form (gan-facts §7): 3.097 (plain), 1.421 (alternating), 2.64e-6 (R1 γ = 0.3), 2.16e-13 (R1 + R2 γ = 0.3).',
    source: 'Mescheder, Geiger & Nowozin, ICML 2018; R3GAN App. B.',
    preset: {
      kind: 'dirac',
      dirac: {
        loss: 'gan',
        r1: 0,
        r2: 0,
        update: 'simultaneous',
        lr: 0.2,
        steps: 500,
        dSteps: 1,
        start: [1, 1],
      },
    },
  },
  {
    id: 'stacked-mnist-race',
    title: '6. Stacked MNIST mode race: NSGAN vs RpGAN',
    summary: 'The classic loss against RpGAN on 1000 modes, with the live mode map.',
    text: [
      'Stacked MNIST stacks three handwritten digits into the red, green and blue channels: 1000 digit triples, 1000 modes. The run follows R3GAN’s recipe (ResNet, Adam β1 = 0, R1 + R2 with γ 0.1) at the Tiny width, but with the classic non-saturating loss (NSGAN).',
      `R3GAN Table 1 reports 693 of 1000 modes for the classic GAN against all 1000 for RpGAN + R1 + R2. So that the class does not wait for the first slow conv steps, the lesson opens on a snapshot: this NSGAN run after ${RACE_SNAPSHOT_STEPS} steps, trained in advance from seed 1 by the command-line trainer, with its mode map. Note the map, then open “RpGAN + R1 + R2, step ${RACE_SNAPSHOT_STEPS}” below the lesson (same seed, same steps, only the loss differs) and compare. Play trains either one further; Reset starts the current one again from step 0.`,
    ],
    lookFor: [
      'The 1000-cell mode map (one panel per red digit): which cells light up, and how evenly.',
      'Modes covered and reverse KL beside its floor (≈ 0.1 for 5000 samples): how far each run is from a uniform cover.',
      'The sample grid: a collapsing run repeats the same few triples.',
    ],
    expected: `The two snapshots at step ${RACE_SNAPSHOT_STEPS} (seed 1, 5000 samples, floor 0.10): NSGAN + R1 + R2 covers 410 modes (reverse KL 1.75), RpGAN + R1 + R2 188 (KL 3.10); at step 100 they had 210 and 155. So this early the classic loss is ahead, the reverse of R3GAN’s final result: with one seed and a network this small, 200 steps say nothing about where either run ends — train both further and watch whether the order changes. At a larger browser budget (README, Stacked MNIST: DCGAN widths 16, batch 32, 400 steps, seeds 1–3) RpGAN + R1 + R2 covered 889, 816 and 857 modes against 715, 481 and 697 for NSGAN + R1 + R2. Most of those modes come from illegible samples: on seed 3 only 122 vs 20 modes were reached by confident samples, whose three digits the classifier reads with p ≥ 0.9 (green on the mode map). Both reverse KLs stay far above the floor: neither run is converged.`,
    caveat:
      'R3GAN’s 693 vs 1000 is measured after millions of training images with a network of 41 million parameters; this one has 17 thousand and has seen 6400 images at the snapshot. One seed, a few hundred steps: read the numbers as a race in progress, not a verdict.',
    source: 'Huang et al., R3GAN (NeurIPS 2024) §2.4, Table 1.',
    preset: {
      kind: 'image',
      config: { seed: 1, loss: 'nsgan', r1Gamma: 0.1, r2Gamma: 0.1, ...STACKED_LESSON_MODEL },
    },
    requiresDataset: 'stacked-mnist',
    snapshots: [
      {
        path: `${SNAPSHOT_DIR}/stacked-nsgan-${RACE_SNAPSHOT_STEPS}.ganrun`,
        label: `NSGAN + R1 + R2, step ${RACE_SNAPSHOT_STEPS}`,
        step: RACE_SNAPSHOT_STEPS,
        command: snapshotCommand(
          'stacked-mnist-race',
          RACE_SNAPSHOT_STEPS,
          `stacked-nsgan-${RACE_SNAPSHOT_STEPS}.ganrun`,
        ),
      },
      RPGAN_SNAPSHOT,
    ],
  },
  {
    id: 'minibatch-stddev',
    title: '7. Minibatch stddev and progressive growing (ProGAN)',
    summary:
      'ProGAN’s two tricks on Stacked MNIST: D sees batch variety; the images grow 7 → 14 → 28.',
    text: [
      'Minibatch standard deviation adds one feature map to D’s last stage: the standard deviation of features across a group of 4 samples. D no longer judges each image alone — the samples of a batch are coupled — so a generator that repeats itself is easy to spot.',
      'Progressive growing trains at 7×7 first, then fades in 14×14 and then 28×28 (each phase 100 iterations here, so all phases pass in one session). Coarse structure is learned first, on a much easier problem.',
      `The lesson opens on a snapshot at step ${GROWTH_SNAPSHOT_STEPS}, the end of the 7×7 phase, trained in advance from seed 1 by the command-line trainer (Tiny width, batch 32): press Play and 14×14 fades in over the next 100 steps, 28×28 from step 300 to 400.`,
      'Both tricks are on in this preset. To see what they change, turn them off in the Model section (that needs new networks: the run starts again from step 0) and train the same number of steps.',
    ],
    lookFor: [
      'The sample grid: blocky 7×7 images at the snapshot, then 14×14 by step 200 and full 28×28 by step 400 as each stage fades in.',
      'Modes covered with minibatch stddev on and off at the same step.',
    ],
    expected:
      'At the snapshot (step 100, still 7×7, upsampled for the classifier) the generator already makes 300 of the 1000 triples among 5000 samples (reverse KL 2.14, floor 0.10). The growth phases are plain to see (fading to 14×14 by step 200, to 28×28 by 400). The effect of minibatch stddev on modes covered is small: ProGAN reports 857 → 881 of 1000 modes on Stacked MNIST (README, gan-facts), and a short browser run will not separate the two reliably.',
    source: 'Karras et al., ProGAN (ICLR 2018) §3–4, as quoted by R3GAN.',
    preset: {
      kind: 'image',
      config: {
        seed: 1,
        mbstd: true,
        progressive: true,
        fadeSteps: LESSON_FADE_STEPS,
        ...STACKED_LESSON_MODEL,
      },
    },
    requiresDataset: 'stacked-mnist',
    snapshots: [
      {
        path: `${SNAPSHOT_DIR}/stacked-growing-${GROWTH_SNAPSHOT_STEPS}.ganrun`,
        label: `Minibatch stddev + progressive growing, step ${GROWTH_SNAPSHOT_STEPS}`,
        step: GROWTH_SNAPSHOT_STEPS,
        command: snapshotCommand(
          'minibatch-stddev',
          GROWTH_SNAPSHOT_STEPS,
          `stacked-growing-${GROWTH_SNAPSHOT_STEPS}.ganrun`,
        ),
      },
    ],
  },
  {
    id: 'latent-interpolation',
    title: '8. Latent interpolation: lerp vs slerp',
    summary:
      'Walk between two latent vectors of a trained generator, straight or along the sphere.',
    text: [
      `Gaussian latents of d = ${STACKED_LATENT_DIM} dimensions lie near a sphere of radius √d = ${Math.sqrt(STACKED_LATENT_DIM)}. A straight line (lerp) between two of them dips inside it: the midpoint of two independent latents has norm ≈ √(d/2) ≈ ${Math.sqrt(STACKED_LATENT_DIM / 2).toFixed(1)}, where the generator saw almost no latents. Slerp follows the sphere and keeps the norm.`,
      `The lesson opens on a snapshot: RpGAN + R1 + R2 after ${RACE_SNAPSHOT_STEPS} steps at the Tiny width (batch 32), trained in advance from seed 1 by the command-line trainer. Its samples are still blurry strokes rather than crisp digits: train on (Play) for sharper ones. Click two samples in the grid (A, then B) and switch the interpolation strip between lerp and slerp.`,
    ],
    lookFor: [
      'The middle of the lerp strip: fainter or blander images than the endpoints.',
      'The slerp strip: intermediate images about as sharp as the ends.',
    ],
    expected:
      'On a trained generator the lerp midpoints tend to look washed out while slerp keeps them digit-like; on this small generator a few hundred steps in, the difference may be slight.',
    source: 'White, “Sampling Generative Networks” (2016); StyleGAN’s perceptual path length.',
    preset: { kind: 'image', config: { seed: 1, ...STACKED_LESSON_MODEL } },
    requiresDataset: 'stacked-mnist',
    snapshots: [RPGAN_SNAPSHOT],
  },
  {
    id: 'sharpen-ring',
    title: '9. Sharpen the ring: a γ schedule',
    summary:
      'All 8 modes but only a few % “high quality”: anneal γ and the learning rate, and the blobs tighten.',
    text: [
      'With RpGAN + R1 + R2 at γ 0.1 the ring’s 8 modes are covered within about 1500 steps, yet “High quality” stays at a few per cent. R1/R2 act like blurring the data by √γ ≈ 0.32, five times the 0.06 (3σ) around a mode centre that counts as a hit: D is kept flat that far around the data, so it hardly pulls G’s points further in.',
      `This preset starts with the same γ and lets it fall 250× over ${SHARPEN_STEPS} steps (a cosine, R3GAN’s burn-in shape) to ${SHARPEN_FINAL_GAMMA}, a blur of 0.02, the blobs’ own width. The learning rate falls 10× to 1e-4, Adam keeps some momentum (β1 0.5), and the evaluation reads an average of G’s recent weights (EMA, half-life 200 steps), which removes the jitter of single steps. It is the CLI’s precision recipe squeezed into a class period.`,
    ],
    lookFor: [
      'Modes covered reaches 8 in the first half, while γ is still large.',
      'High quality climbing in the second half as γ falls: the pink blobs shrink onto the grey ones.',
      'The R1 and R2 chart: the penalties fade with γ.',
    ],
    expected:
      'Measured with the engine (npm run train, wasm backend, 2500 samples) at step 4000: 8/8 modes on seeds 1, 2 and 3, with 34 %, 32 % and 29 % high quality (reverse KL 0.010, 0.049, 0.137); about 11 % at step 2000, when γ is halfway down. Ending γ at 0.001 instead gave 26 % (seed 1); the precision recipe’s own schedule (lr falling 100×, EMA half-life 1000) squeezed into 3000 steps gave 3 %, no better than a constant γ 0.1.',
    caveat:
      'Far from the 98.9 % of perfect samples: a small MLP needs many more steps to fold noise into eight blobs 0.02 wide. The CLI’s 30 000-step precision recipe goes further (README, “Science”).',
    source:
      'Huang et al., R3GAN (NeurIPS 2024) §2.3 and App. D (γ burn-in); Roth et al. 2017 (penalties as noise of std √γ).',
    preset: { kind: 'playground', config: SHARPEN_RING },
    outcome: {
      steps: SHARPEN_STEPS,
      seeds: SEEDS,
      base: SHARPEN_RING,
      variants: [{ label: 'γ 0.1 → 0.0004', patch: {} }],
      claims: [{ variant: 'γ 0.1 → 0.0004', everyAtLeast: 8 }],
    },
  },
];

export function lessonById(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}

/** Why a lesson cannot be opened yet (null when it can), given the selectable datasets. */
export function lessonUnavailable(lesson: Lesson, datasets: readonly string[]): string | null {
  if (lesson.requiresDataset && !datasets.includes(lesson.requiresDataset))
    return `Needs the ${lesson.requiresDataset} dataset, which is not in the app yet.`;
  if (lesson.requiresFeature)
    return `Needs ${lesson.requiresFeature}, which is not in the app yet.`;
  return null;
}
