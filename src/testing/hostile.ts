/**
 * Seeded generators of hostile input for fuzz tests: wrong types, huge and non-finite numbers,
 * negative sizes, unknown and prototype-polluting keys, very long strings, script-like text,
 * broken percent-encoding. Deterministic from the seed, so a failure names a reproducible case.
 */

/** mulberry32: small, fast, good enough to pick cases. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SCRIPT_TEXTS = [
  '<script>window.__pwned = 1</script>',
  '"><img src=x onerror="window.__pwned=1">',
  'javascript:window.__pwned=1//',
  '<svg onload=window.__pwned=1>',
  '{{constructor.constructor("window.__pwned=1")()}}',
  '</textarea><script>window.__pwned=1</script>',
];

export const POLLUTING_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
];

export const HOSTILE_NUMBERS = [
  NaN,
  Infinity,
  -Infinity,
  Number('1e309'),
  -Number('1e309'),
  1e308,
  -1,
  -0,
  -4096,
  0,
  0.5,
  2 ** 53 + 1,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_VALUE,
  Number('1e-400'),
  4097,
  1e7,
];

/** Text that JSON can't carry, for the JSON-level fuzz ("NaN", "Infinity", "1e999", …). */
export const HOSTILE_NUMBER_LITERALS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '1e-400',
  '-2.5e-999',
  '-1e999',
  '0x10',
  '1_000',
  '.5',
  '01',
  '+1',
];

/**
 * Point-file rows that a lenient reader misreads (issue 14): decimal commas, non-decimal
 * literals, digit separators, non-finite words, three values where two belong.
 */
export const HOSTILE_POINT_ROWS = [
  '1,5;2,5',
  '0,25; -1,75',
  '0x1,0x2',
  '0b1,0o7',
  '-0X1F, 2',
  '1_000,2',
  'Infinity,1',
  'NaN NaN',
  '1e999,0',
  '١,٢',
  '1,,2',
  '<img src=x onerror=1>,2',
];

export class Hostile {
  readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Random characters, including controls, surrogates, `%`, quotes and brackets. */
  string(maxLength = 40): string {
    const alphabet = [
      ...'abcXYZ019 %#&?=/\\"\'<>{}[]:,;.-_+!~`$^*()|',
      '\u0000',
      '\n',
      '\t',
      '\u202e',
      '\ud800',
      '\udfff',
      '😀',
      'é',
      '\u2028',
    ];
    const length = this.int(maxLength + 1);
    let s = '';
    for (let i = 0; i < length; i++) s += this.pick(alphabet);
    return s;
  }

  /**
   * A point file as CSV lines: honest decimal rows ([x, y] recorded) mixed with hostile ones
   * (null in `expected`), under a header when the first row is hostile (else optional).
   */
  pointsCsv(): { text: string; expected: ([number, number] | null)[] } {
    const lines: string[] = this.random() < 0.3 ? ['x,y'] : [];
    const expected: ([number, number] | null)[] = [];
    for (let i = 0, n = 1 + this.int(6); i < n; i++) {
      if (this.random() < 0.3) {
        lines.push(this.pick(HOSTILE_POINT_ROWS));
        expected.push(null);
      } else {
        const point: [number, number] = [
          Math.round((this.random() - 0.5) * 2e4) / 1e3,
          Math.round((this.random() - 0.5) * 2e4) / 1e3,
        ];
        lines.push(point.join(this.pick([',', ';', '\t', ' ', ', '])));
        expected.push(point);
      }
    }
    // A non-numeric first line is a header by design: put one above a hostile first row.
    if (lines[0] !== 'x,y' && expected[0] === null) lines.unshift('x,y');
    return { text: lines.join('\n'), expected };
  }

  /** A string of about `bytes` characters (10 MB by default). */
  huge(bytes = 10 * 1024 * 1024): string {
    return this.pick(['a', '<', '%', '9', '"']).repeat(bytes);
  }

  number(): number {
    return this.random() < 0.7
      ? this.pick(HOSTILE_NUMBERS)
      : (this.random() - 0.5) * 10 ** this.int(12);
  }

  /** Any JSON-ish or not-JSON-ish value. */
  value(depth = 0): unknown {
    const kind = this.int(depth > 2 ? 7 : 10);
    switch (kind) {
      case 0:
        return this.number();
      case 1:
        return this.string();
      case 2:
        return this.pick(SCRIPT_TEXTS);
      case 3:
        return this.pick([null, undefined, true, false]);
      case 4:
        return String(this.number());
      case 5:
        return this.int(5000) - 100;
      case 6:
        return this.pick(['adam', 'sgd', 'rpgan', 'ring8', 'custom', 'grid25', 'wgan-gp', '']);
      case 7:
        return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
      default:
        return this.object(depth + 1);
    }
  }

  /** An object with known, unknown and polluting keys. */
  object(depth = 0, knownKeys: readonly string[] = []): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const n = this.int(6);
    for (let i = 0; i < n; i++) {
      const r = this.random();
      const key =
        r < 0.5 && knownKeys.length > 0
          ? this.pick(knownKeys)
          : r < 0.7
            ? this.pick(POLLUTING_KEYS)
            : r < 0.8
              ? this.pick(SCRIPT_TEXTS)
              : this.string(12);
      // defineProperty: an own key even for "__proto__" (what JSON.parse produces too).
      Object.defineProperty(out, key, {
        value: this.value(depth),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
    return out;
  }
}
