/**
 * A drawing in a link: the points of the custom dataset, written compactly enough for a URL.
 * Each coordinate is rounded to 1/1000 (far below any drawing's spread, and the engine's range is
 * ±10) and stored as a little-endian int16, x then y, the bytes in base64url: 4 bytes, about
 * 5.3 characters, per point. A link carries at most LINK_MAX_POINTS points (≈ 10.7 kB of text,
 * within MAX_HASH_LENGTH); a larger drawing is shared as its point file instead (pointsCsv).
 * Decoding checks everything (alphabet, length, range) and never throws.
 */
import { validatePoints, type ParseResult, type Point } from './customPoints';

/** Most points a link carries. */
export const LINK_MAX_POINTS = 2000;
const SCALE = 1000;

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The drawing as link text, or null when it has more than LINK_MAX_POINTS points. */
export function encodeLinkPoints(points: readonly Point[]): string | null {
  if (points.length > LINK_MAX_POINTS) return null;
  const view = new DataView(new ArrayBuffer(points.length * 4));
  points.forEach(([x, y], i) => {
    view.setInt16(i * 4, Math.round(x * SCALE), true);
    view.setInt16(i * 4 + 2, Math.round(y * SCALE), true);
  });
  return toBase64Url(new Uint8Array(view.buffer));
}

/** The points of link text, checked like a point file (count, range). */
export function decodeLinkPoints(text: string): ParseResult {
  const broken: ParseResult = { ok: false, error: 'The drawing in the link is damaged.' };
  // A link's text is bounded by MAX_HASH_LENGTH; this bound keeps the check cheap regardless.
  if (text.length > Math.ceil((LINK_MAX_POINTS * 4 * 4) / 3) || !/^[A-Za-z0-9_-]*$/.test(text))
    return broken;
  let binary: string;
  try {
    binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return broken;
  }
  if (binary.length % 4 !== 0) return broken;
  const view = new DataView(Uint8Array.from(binary, (c) => c.charCodeAt(0)).buffer);
  const points: Point[] = [];
  for (let i = 0; i < binary.length; i += 4) {
    points.push([view.getInt16(i, true) / SCALE, view.getInt16(i + 2, true) / SCALE]);
  }
  return validatePoints(points);
}

/** The drawing as a point file (CSV with a header), which "Load file" reads back. */
export function pointsCsv(points: readonly Point[]): string {
  return `x,y\n${points.map(([x, y]) => `${x},${y}`).join('\n')}\n`;
}

/** Why a link cannot carry this drawing, or null when it can. */
export function linkPointsProblem(points: readonly Point[]): string | null {
  return points.length > LINK_MAX_POINTS
    ? `Your drawing has ${points.length} points; a link carries at most ${LINK_MAX_POINTS}. The link keeps the other settings: send the point file with it (Drawing file), and open it with Load file.`
    : null;
}
