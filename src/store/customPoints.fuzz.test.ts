/**
 * Seeded fuzz of point files (issue 14): a file is either read exactly — every point the decimal
 * number its row says — or refused with a message naming the line or item and why. Never a
 * silently different point set, never an exception.
 */
import { describe, expect, it } from 'vitest';
import { Hostile, HOSTILE_POINT_ROWS } from '../testing/hostile';
import { parsePointsFile } from './customPoints';

const FILES = 300;

describe('point files (fuzz)', () => {
  it(`${FILES} CSV files mixing honest and hostile rows: exact, or refused with the line`, () => {
    const h = new Hostile(14);
    let refused = 0;
    for (let i = 0; i < FILES; i++) {
      const { text, expected } = h.pointsCsv();
      const result = parsePointsFile(text);
      const hostile = expected.includes(null);
      if (result.ok) {
        expect(hostile, `accepted ${JSON.stringify(text)}`).toBe(false);
        expect(result.points).toEqual(expected);
      } else {
        refused++;
        expect(result.error, JSON.stringify(text)).toMatch(/^(Line \d+|Point \d+|No points)/);
        if (!hostile) expect(result.error).toMatch(/outside/); // honest rows fail only on range
      }
    }
    expect(refused).toBeGreaterThan(FILES / 5);
  });

  it.each(HOSTILE_POINT_ROWS)('the row %j alone is refused with its line', (row) => {
    for (const text of [row, `1,2\n${row}`]) {
      const result = parsePointsFile(text);
      expect(result.ok, text).toBe(false);
    }
  });

  it('JSON rows of any length other than 2 are refused by item', () => {
    const h = new Hostile(41);
    for (let i = 0; i < 100; i++) {
      const length = h.pick([0, 1, 3, 4, 7]);
      const row = Array.from({ length }, () => h.int(10));
      const at = h.int(3);
      const rows = [
        [0, 0],
        [1, 1],
        [2, 2],
      ];
      rows.splice(at, 0, row);
      expect(parsePointsFile(JSON.stringify(rows))).toEqual({
        ok: false,
        error: expect.stringMatching(new RegExp(`^Item ${at + 1} has ${length} value`)),
      });
    }
  });
});
