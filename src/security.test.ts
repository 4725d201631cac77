/**
 * User text (run names, imported files, links) must never become markup or code. React escapes
 * what it renders; this guards the ways around it: no module in src/ may use an HTML or code sink.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SINKS = [
  /dangerouslySetInnerHTML/,
  /\.innerHTML\b/,
  /\.outerHTML\b/,
  /insertAdjacentHTML/,
  /document\.write/,
  /createContextualFragment/,
  /DOMParser/,
  /\beval\(/,
  /new Function\(/,
  /setTimeout\(\s*['"`]/,
  /srcdoc/,
  /javascript:/,
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    // src/testing holds the fuzz tests' hostile strings: data, not app code.
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : sources(path);
    return /\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('no HTML or code sinks in the app', () => {
  const files = sources('src');

  it('scans the whole source tree', () => {
    expect(files.length).toBeGreaterThan(30);
    expect(files).toContain(join('src', 'App.tsx'));
  });

  it.each(SINKS.map((sink) => [String(sink), sink]))('nothing uses %s', (_name, sink) => {
    const offenders = files.filter((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .some((line) => !/^\s*(\/\/|\*)/.test(line) && sink.test(line)),
    );
    expect(offenders).toEqual([]);
  });

  it('the scan would catch one (negative control)', () => {
    const line = '<div dangerouslySetInnerHTML={{ __html: name }} />';
    expect(SINKS.some((sink) => sink.test(line))).toBe(true);
  });
});
