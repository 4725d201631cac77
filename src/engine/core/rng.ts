/**
 * Seeded pseudo-random numbers. Every random draw in a run (data, latents, initial weights)
 * comes from one of these, so a run is reproducible from its seed on a given backend.
 *
 * We draw in JavaScript rather than with tf.random*: tfjs's random kernels run on the CPU in
 * every backend anyway, and a JS generator lets the same stream feed data, latents and init.
 */
export class Rng {
  private state: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    // Mix the seed so that nearby seeds (1, 2, 3) give unrelated streams.
    this.state = hash32(seed >>> 0 || 0x9e3779b9);
  }

  /** Uniform in [0, 1) (mulberry32). */
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal (Box–Muller, the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Fills a new Float32Array with standard normals. */
  normals(count: number, std = 1): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.normal() * std;
    return out;
  }

  /**
   * G's input noise: `count` standard normals, or uniforms on [−1, 1) (GAN Lab's option). The
   * Gaussian draw is `normals` itself, so runs made before the option existed are unchanged.
   */
  latents(count: number, distribution: 'gaussian' | 'uniform'): Float32Array {
    if (distribution === 'gaussian') return this.normals(count);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = 2 * this.uniform() - 1;
    return out;
  }

  /** An independent child stream, e.g. one for data and one for latents. */
  fork(label: number): Rng {
    return new Rng(hash32(this.state ^ Math.imul(label + 1, 0x85ebca6b)));
  }
}

function hash32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
