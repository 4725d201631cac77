/**
 * User-supplied 2-D data: parsing and validating point files (CSV or JSON), and a few drawn
 * presets. Everything here is plain data in, plain data out; error messages are shown to the
 * user as text (never as HTML).
 */
import { MAX_CUSTOM_POINTS } from '../engine/toy/datasets';
import { errorMessage } from '../errors';

export type Point = [number, number];

/** Coordinates the engine accepts for custom data (ganConfigSchema). */
export const COORD_LIMIT = 10;
export const MAX_FILE_BYTES = 1_000_000;
export { MAX_CUSTOM_POINTS };

export type ParseResult = { ok: true; points: Point[] } | { ok: false; error: string };

const fail = (error: string): ParseResult => ({ ok: false, error });

/** Checks the size before reading a file (a 1 GB file should not be read at all). */
export function checkFileSize(bytes: number): string | null {
  return bytes > MAX_FILE_BYTES
    ? `The file is ${(bytes / 1e6).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1e6} MB.`
    : null;
}

/** Parses a CSV or JSON point list (JSON when the name ends in .json or the text starts with [ or {). */
export function parsePointsFile(text: string, fileName = ''): ParseResult {
  const sizeError = checkFileSize(new TextEncoder().encode(text).length);
  if (sizeError) return fail(sizeError);
  const trimmed = text.trim();
  if (trimmed === '') return fail('The file is empty.');
  const json = /\.json$/i.test(fileName) || trimmed.startsWith('[') || trimmed.startsWith('{');
  const parsed = json ? parseJsonPoints(trimmed) : parseCsvPoints(trimmed);
  return parsed.ok ? validatePoints(parsed.points) : parsed;
}

/**
 * JSON: an array of [x, y] pairs or {x, y} objects, or an object with such an array under
 * "points".
 */
export function parseJsonPoints(text: string): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return fail(`Not valid JSON: ${errorMessage(error)}`);
  }
  if (typeof data === 'object' && data !== null && !Array.isArray(data) && 'points' in data) {
    data = (data as { points: unknown }).points;
  }
  if (!Array.isArray(data)) {
    return fail('Expected a JSON array of [x, y] pairs or {"x": …, "y": …} objects.');
  }
  const points: Point[] = [];
  for (let i = 0; i < data.length; i++) {
    const item: unknown = data[i];
    let x: unknown;
    let y: unknown;
    if (Array.isArray(item)) {
      // [x, y, z] is not a point of the plane: dropping z would misread the file silently.
      if (item.length !== 2)
        return fail(
          `Item ${i + 1} has ${item.length} ${item.length === 1 ? 'value' : 'values'}: expected a pair [x, y].`,
        );
      [x, y] = item;
    } else if (typeof item === 'object' && item !== null)
      ({ x, y } = item as { x: unknown; y: unknown });
    if (typeof x !== 'number' || typeof y !== 'number') {
      return fail(
        `Item ${i + 1} is not a point: expected [x, y] or {"x": …, "y": …} with numbers.`,
      );
    }
    points.push([x, y]);
  }
  return { ok: true, points };
}

/**
 * CSV: one point per line, x and y in the first two columns, separated by commas, semicolons,
 * tabs or spaces. A first line that is not numeric is taken as a header; blank lines and lines
 * starting with # are skipped.
 */
export function parseCsvPoints(text: string): ParseResult {
  const points: Point[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const quoted = `"${line.slice(0, 40)}"`;
    // "1,5;2,5" is (1.5, 2.5) written with decimal commas, not the point (1, 5).
    if (/\d,\d/.test(line) && line.includes(';'))
      return fail(
        `Line ${i + 1}: ${quoted} looks like decimal commas (1,5 for 1.5): write decimals with a point, e.g. "1.5, 2.5".`,
      );
    const cells = line.split(/\s*[,;\t]\s*|\s+/);
    const literal = cells.slice(0, 2).find((c) => NON_DECIMAL_LITERAL.test(c));
    if (literal !== undefined)
      return fail(
        `Line ${i + 1}: "${literal.slice(0, 20)}" is a hexadecimal, binary or octal literal: write x and y as decimal numbers.`,
      );
    const [x, y] = cells.slice(0, 2).map(decimal);
    if (cells.length < 2 || x === null || y === null) {
      if (points.length === 0 && i === firstContentLine(lines)) continue; // header
      return fail(`Line ${i + 1}: expected two numbers (x, y), got ${quoted}.`);
    }
    points.push([x, y]);
  }
  return { ok: true, points };
}

/** 0x1F, 0b101, 0o17: numbers to JavaScript's Number(), never to a spreadsheet. */
const NON_DECIMAL_LITERAL = /^[+-]?0[xXbBoO]/;
/** A decimal number as spreadsheets and numpy write it: 1, -2.5, .5, 3e-4. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function decimal(cell: string): number | null {
  return DECIMAL.test(cell) ? Number(cell) : null;
}

function firstContentLine(lines: string[]): number {
  return lines.findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
}

/** The engine's rules for custom data: 1…MAX_CUSTOM_POINTS finite points within ±COORD_LIMIT. */
export function validatePoints(points: Point[]): ParseResult {
  if (points.length === 0) return fail('No points found.');
  if (points.length > MAX_CUSTOM_POINTS) {
    return fail(`${points.length} points: the limit is ${MAX_CUSTOM_POINTS}.`);
  }
  for (let i = 0; i < points.length; i++) {
    const [x, y] = points[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      return fail(`Point ${i + 1} is not a finite number.`);
    }
    if (Math.abs(x) > COORD_LIMIT || Math.abs(y) > COORD_LIMIT) {
      return fail(
        `Point ${i + 1} (${x}, ${y}) is outside [−${COORD_LIMIT}, ${COORD_LIMIT}]: rescale the data.`,
      );
    }
  }
  return { ok: true, points };
}

/** Deterministic pseudo-random numbers for presets and brush jitter (no Math.random in tests). */
export function seededUniform(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const round = (v: number) => Math.round(v * 1000) / 1000;

function along(n: number, curve: (t: number) => Point, jitter: number, seed: number): Point[] {
  const u = seededUniform(seed);
  return Array.from({ length: n }, (_, i) => {
    const [x, y] = curve(i / n);
    return [round(x + jitter * (u() - 0.5)), round(y + jitter * (u() - 0.5))] as Point;
  });
}

/** Shapes to start a drawing from. */
export const CUSTOM_PRESETS: Record<string, { label: string; points: () => Point[] }> = {
  heart: {
    label: 'Heart',
    points: () =>
      along(
        300,
        (t) => {
          const a = 2 * Math.PI * t;
          return [
            0.16 * 16 * Math.sin(a) ** 3,
            0.16 * (13 * Math.cos(a) - 5 * Math.cos(2 * a) - 2 * Math.cos(3 * a) - Math.cos(4 * a)),
          ];
        },
        0.1,
        1,
      ),
  },
  smiley: {
    label: 'Smiley',
    points: () => [
      ...along(
        200,
        (t) => [2.5 * Math.cos(2 * Math.PI * t), 2.5 * Math.sin(2 * Math.PI * t)],
        0.08,
        2,
      ),
      ...along(
        40,
        (t) => [-0.9 + 0.2 * Math.cos(2 * Math.PI * t), 0.8 + 0.2 * Math.sin(2 * Math.PI * t)],
        0.05,
        3,
      ),
      ...along(
        40,
        (t) => [0.9 + 0.2 * Math.cos(2 * Math.PI * t), 0.8 + 0.2 * Math.sin(2 * Math.PI * t)],
        0.05,
        4,
      ),
      ...along(
        100,
        (t) => [
          1.4 * Math.cos(Math.PI * (1.15 + 0.7 * t)),
          -0.2 + 1.4 * Math.sin(Math.PI * (1.15 + 0.7 * t)),
        ],
        0.06,
        5,
      ),
    ],
  },
  blobs: {
    label: 'Three blobs',
    points: () => {
      const u = seededUniform(6);
      const centres: Point[] = [
        [-2, -1.2],
        [2, -1.2],
        [0, 2],
      ];
      return Array.from({ length: 300 }, (_, i) => {
        const [cx, cy] = centres[i % 3];
        const r = 0.45 * Math.sqrt(u());
        const a = 2 * Math.PI * u();
        return [round(cx + r * Math.cos(a)), round(cy + r * Math.sin(a))] as Point;
      });
    },
  },
};
