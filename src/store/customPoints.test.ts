import { describe, expect, it } from 'vitest';

import {
  CUSTOM_PRESETS,
  MAX_CUSTOM_POINTS,
  checkFileSize,
  parsePointsFile,
  validatePoints,
} from './customPoints';

describe('parsePointsFile: CSV', () => {
  it('reads x, y columns with a header, blank lines and comments', () => {
    const text = 'x,y\n1,2\n\n# a comment\n-3.5 , 4e-1\n';
    expect(parsePointsFile(text, 'a.csv')).toEqual({
      ok: true,
      points: [
        [1, 2],
        [-3.5, 0.4],
      ],
    });
  });

  it('accepts semicolons, tabs and spaces, and ignores extra columns', () => {
    expect(parsePointsFile('1;2;label\n3\t4\n5 6 7')).toEqual({
      ok: true,
      points: [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    });
  });

  it('names the line of a bad row', () => {
    const result = parsePointsFile('1,2\n3,oops\n');
    expect(result).toEqual({ ok: false, error: expect.stringContaining('Line 2') });
  });
});

describe('parsePointsFile: JSON', () => {
  it('reads pairs, {x, y} objects and {points: […]}', () => {
    const pairs = parsePointsFile('[[1, 2], [3, 4]]', 'p.json');
    const objects = parsePointsFile('[{"x": 1, "y": 2}, {"x": 3, "y": 4}]');
    const wrapped = parsePointsFile('{"points": [[1, 2], [3, 4]]}');
    for (const result of [pairs, objects, wrapped]) {
      expect(result).toEqual({
        ok: true,
        points: [
          [1, 2],
          [3, 4],
        ],
      });
    }
  });

  it('rejects invalid JSON, wrong shapes and non-numbers with a clear message', () => {
    expect(parsePointsFile('[1, 2', 'p.json')).toMatchObject({
      ok: false,
      error: /Not valid JSON/,
    });
    expect(parsePointsFile('{"a": 1}')).toMatchObject({
      ok: false,
      error: /Expected a JSON array/,
    });
    expect(parsePointsFile('[[1, "2"]]')).toMatchObject({ ok: false, error: /Item 1/ });
  });
});

describe('validation', () => {
  it('rejects empty input, too many points, and points out of range', () => {
    expect(parsePointsFile('   ')).toMatchObject({ ok: false, error: 'The file is empty.' });
    expect(parsePointsFile('x,y\n')).toMatchObject({ ok: false, error: 'No points found.' });
    const many = Array.from({ length: MAX_CUSTOM_POINTS + 1 }, () => '0,0').join('\n');
    expect(parsePointsFile(many)).toMatchObject({ ok: false, error: /limit is 5000/ });
    expect(parsePointsFile('0,0\n11,0')).toMatchObject({ ok: false, error: /Point 2 .* outside/ });
    expect(validatePoints([[Infinity, 0]])).toMatchObject({ ok: false, error: /finite/ });
  });

  it('refuses what it would misread, naming the line and the reason (issue 14)', () => {
    expect(parsePointsFile('1,5;2,5')).toEqual({
      ok: false,
      error: expect.stringMatching(/^Line 1: "1,5;2,5" looks like decimal commas/),
    });
    expect(parsePointsFile('x;y\n0,5;1\n')).toMatchObject({
      ok: false,
      error: /^Line 2: .*decimal commas/,
    });
    for (const [text, literal] of [
      ['0x1,0x2', '0x1'],
      ['1,2\n0b1,0o7', '0b1'],
      ['1,2\n3,-0X1F', '-0X1F'],
    ])
      expect(parsePointsFile(text)).toEqual({
        ok: false,
        error: expect.stringMatching(
          new RegExp(`^Line \\d: "${literal}" is a hexadecimal, binary or octal literal`),
        ),
      });
    expect(parsePointsFile('1,2\n1_000,2')).toMatchObject({
      ok: false,
      error: /^Line 2: expected two numbers/,
    });
    expect(parsePointsFile('[[1,2,3]]')).toEqual({
      ok: false,
      error: 'Item 1 has 3 values: expected a pair [x, y].',
    });
    expect(parsePointsFile('[[0,0],[1]]')).toMatchObject({
      ok: false,
      error: /^Item 2 has 1 value:/,
    });
    // Still read: decimals with points, exponents, signs, extra columns after x and y.
    expect(parsePointsFile('1.5;2.5\n-.5 +3e-1 label\n1,2,3')).toEqual({
      ok: true,
      points: [
        [1.5, 2.5],
        [-0.5, 0.3],
        [1, 2],
      ],
    });
  });

  it('caps the file size at 1 MB, before and after reading', () => {
    expect(checkFileSize(999_999)).toBeNull();
    expect(checkFileSize(2_500_000)).toMatch(/2\.5 MB; the limit is 1 MB/);
    expect(parsePointsFile('1,1\n'.repeat(300_000))).toMatchObject({ ok: false, error: /MB/ });
  });

  it('treats markup as data, never as markup', () => {
    const result = parsePointsFile('1,1\n<img src=x onerror=alert(1)>,1\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('<img');
  });
});

describe('presets', () => {
  it('are valid custom data and deterministic', () => {
    for (const preset of Object.values(CUSTOM_PRESETS)) {
      const points = preset.points();
      expect(validatePoints(points).ok).toBe(true);
      expect(preset.points()).toEqual(points);
    }
  });
});
