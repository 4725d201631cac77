/**
 * Short explanations shown on hover/focus beside each control (and in the glossary). Plain
 * text: formulas use Unicode, not markup.
 */
export const HINTS = {
  dataset:
    'The real data the generator must imitate. Mixtures (ring, grid) have separate modes, which makes mode collapse easy to see.',
  stackedMnist:
    'Each image stacks three random MNIST digits in its red, green and blue channels: 10 × 10 × 10 = 1000 digit triples (modes), equally likely. Conv nets; a digit classifier counts which triples G makes.',
  gWidth: 'Units per hidden layer of the generator G (an MLP). Changing it restarts training.',
  gDepth: 'Hidden layers of the generator. Changing it restarts training.',
  dWidth: 'Units per hidden layer of the discriminator D. Changing it restarts training.',
  dDepth: 'Hidden layers of the discriminator. Changing it restarts training.',
  latentDim:
    'Size of the random vector z that G turns into a point (z ~ N(0, I) unless the noise is uniform). Changing it restarts training.',
  architecture:
    'Toys use MLPs (fully connected layers) for G and D. Stacked MNIST uses conv nets: pick it as the dataset.',
  imageArchitecture:
    'DCGAN: plain convolutions with leaky ReLU (the classic baseline). R3GAN-style ResNet: residual blocks of grouped 3×3 convs, no normalisation, fix-up init (each block starts as the identity). Changing it restarts training.',
  imageWidth:
    'Channels of G and D at the 7×7, 14×14 and 28×28 stages. Wider nets learn sharper digits but each step costs more. Changing it restarts training.',
  minibatchStd:
    'Minibatch standard deviation (ProGAN): D also sees how much the images of a group of 4 differ, so a collapsed G (all alike) is easy to spot. It couples the samples of a batch: D’s verdict on one image depends on the others. Needs a batch size that is a multiple of 4.',
  progressive:
    'Progressive growing (ProGAN): train at 7×7 first, then fade in 14×14 and 28×28 layers (blend α from 0 to 1), so coarse structure is learned before detail.',
  fadeSteps:
    'Iterations per phase of progressive growing: 7×7, fade to 14×14, 14×14, fade to 28×28, then 28×28.',
  imageGamma:
    'γ: weight of R1/R2, in squared pixel distance (pixels in [−1, 1]). It acts like blurring the images with noise of std ≈ √γ per pixel: Stacked MNIST’s default 0.1 is a blur of 0.32, a sixth of the range, so strokes stay distinct (R3GAN’s value).',
  loss: 'The adversarial game G and D play. Minimax: D max E[log D(x)] + E[log(1 − D(G(z)))], G min the same. NS (non-saturating): G maximises E[log D(G(z))] instead, so its gradient does not vanish early. RpGAN (relativistic pairing): D judges real vs fake in pairs, f(D(x) − D(G(z))), which removes many bad equilibria. Hinge: max(0, 1 − D(x)) + max(0, 1 + D(G(z))). LSGAN: least squares to targets 1 and 0. WGAN-GP: D(x) − D(G(z)) with a gradient penalty λ·(‖∇D‖ − 1)² on interpolates.',
  r1: 'R1 = γ/2 · E‖∇ₓD(x)‖² on real data: D must be flat on the data, so it cannot push G past it (stops oscillation around the data).',
  r2: 'R2 = γ/2 · E‖∇ₓD(G(z))‖² on fake data: D must be flat on the samples too. R1 + R2 with RpGAN is R3GAN’s recipe.',
  gamma:
    'γ: weight of R1/R2. It acts like blurring the data with noise of std ≈ √γ, so pick it from the data’s scale (each dataset has its own default).',
  linkGamma: 'Use one γ for both R1 and R2 (the usual choice).',
  lazyInterval:
    'Lazy regularisation: apply R1/R2 only every k-th D step, scaled by k (StyleGAN2). 1 = every step.',
  gpWeight:
    'λ of WGAN-GP’s penalty (‖∇D‖ − 1)² on points between real and fake. Used only by WGAN-GP.',
  lr: 'Learning rate: the step size of each update.',
  beta1: 'Adam β1: momentum. GANs often use 0 (or 0.5): momentum makes the two players overshoot.',
  beta2: 'Adam β2: how long the squared-gradient average remembers (0.99 or 0.999).',
  batchSize: 'Real and fake points per update.',
  dSteps: 'Discriminator updates in each iteration, before the generator’s.',
  gSteps:
    'Generator updates in each iteration, after the discriminator’s (GAN Lab’s “G steps”). 1 is the usual choice.',
  latentDist:
    'What the noise z that G starts from is drawn from: a standard Gaussian, or uniform on [−1, 1] in each dimension (GAN Lab’s choice). Changing it restarts training.',
  latentPreset:
    'GAN Lab’s view: with a 1-D or 2-D latent space the manifold mesh shows all of G’s input, not a slice.',
  optimizerKind:
    'Adam adapts each weight’s step size (lr, β1, β2); SGD takes plain steps of lr × gradient. Changing it restarts training.',
  emaHalfLife:
    'Half-life (in steps) of an exponential moving average of G’s weights, which smooths the samples. 0 = off. Turning it on or off restarts training.',
  seed: 'Random seed for the initial weights and the data. Changing it restarts training.',
  backend:
    'Where tfjs runs: WebGPU (fastest), WebGL, WASM (CPU, SIMD) or plain CPU. Changing it restarts the worker and the run.',
  stepPart:
    'What Step and slow motion update: both players (one full iteration), only D, or only G.',
  speed: 'Full speed, or a slow motion that makes one update at a time so each change is visible.',
  modeCollapse:
    'G covers only some of the modes (clusters) of the data: it found outputs that fool D and stopped exploring.',
  heatmap:
    'D’s opinion of every point of the plane: blue where D says “real”, orange where it says “fake”.',
  arrows:
    'Transport vectors: −∇ₓ of G’s loss at each fake point, the direction G is being told to move it.',
  manifold:
    'The generator’s manifold: G applied to a square grid on a 2-D plane through the centre of its latent space, drawn as a mesh. It shows where G stretches, folds or squeezes latent space; a collapsed G squeezes large regions of the grid onto one spot. (The latent space has more than 2 dimensions, so this is one slice of it.)',
  manifoldDensity:
    'Fills each cell of the manifold mesh by how densely G packs its samples there: the latent probability mass of the cell divided by the area G stretches it to. Dark cells are where G puts its mass; pale, stretched cells are regions G passes through quickly.',
  mapping:
    'Plays G’s mapping once: the pink points start where their noise vectors z lie (projected onto the same 2-D latent plane as the manifold, drawn as a square in the middle) and slide to G(z). Hovering G in the model overview plays it too.',
  modes: 'Centres of the mixture; a marker lights up when enough generated samples land on it.',
  logScale: 'Logarithmic y axes for the positive series (R1, R2, gradients, distances).',
} as const;
