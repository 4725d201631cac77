/**
 * Fuzz: the link's workspace part (view, lesson, hide, dirac, cfg) — the first thing the app
 * reads from a shared URL — never throws, keeps only valid values, and reports a bounded list of
 * short problems, whatever the hash holds.
 */
import { describe, expect, it } from 'vitest';

import { Hostile, POLLUTING_KEYS, SCRIPT_TEXTS } from '../testing/hostile';
import { diracPatch } from './dirac';
import { HIDEABLE_CONTROLS, parseWorkspaceHash, WORKSPACE_TABS } from './workspace';

const KEYS = ['view', 'lesson', 'hide', 'dirac', 'cfg'];

/** Percent-encodes, or leaves the text raw when it cannot (lone surrogates): both reach URLs. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

describe('fuzz: workspace links', () => {
  const h = new Hostile(31);
  const cases: string[] = [];
  for (let i = 0; i < 90; i++) cases.push(`#${h.string(100)}`);
  for (let i = 0; i < 90; i++) {
    const params = Array.from({ length: 1 + h.int(5) }, () => {
      const key = h.random() < 0.7 ? h.pick(KEYS) : h.pick([...POLLUTING_KEYS, h.string(8)]);
      const value = h.random() < 0.3 ? h.pick(SCRIPT_TEXTS) : h.string(30);
      return `${encode(key)}=${encode(value)}`;
    });
    cases.push(`#${params.join('&')}`);
  }
  for (const text of SCRIPT_TEXTS) {
    cases.push(`#lesson=${encode(text)}`, `#hide=${text}`, `#view=${text}`);
  }
  cases.push(`#${Array.from({ length: 5000 }, (_, i) => `k${i}=1`).join('&')}`);
  cases.push(`#hide=${Array.from({ length: 5000 }, (_, i) => `c${i}`).join(',')}`);
  cases.push(`#view=${'x'.repeat(1_000_000)}`);
  cases.push(`#lesson=${'a'.repeat(10 * 1024 * 1024)}`);
  cases.push('#%E0%A4%A&view=%', '#&&&==&', '#=', '#?#?#', '#dirac=', '#cfg=%7B');

  it(`has at least 200 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
  });

  it.each(cases.map((hash, i) => [i, hash.slice(0, 60), hash]))('#%i %s', (_i, _name, hash) => {
    const p = parseWorkspaceHash(hash);
    expect(p.tab === null || (WORKSPACE_TABS as readonly string[]).includes(p.tab)).toBe(true);
    for (const c of p.hidden) expect(HIDEABLE_CONTROLS).toContain(c);
    expect(p.hidden.length).toBeLessThanOrEqual(HIDEABLE_CONTROLS.length);
    if (p.lesson !== null) expect(p.lesson).toMatch(/^[a-z0-9-]{1,64}$/);
    // What reaches the notice: a handful of short lines.
    expect(p.problems.length).toBeLessThanOrEqual(10);
    for (const problem of p.problems) expect(problem.length).toBeLessThan(200);
    if (p.dirac !== null) {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(p.dirac);
      } catch {
        // the app treats unreadable JSON as null too
      }
      const { problems } = diracPatch(parsed);
      for (const problem of problems) expect(problem.length).toBeLessThan(200);
    }
  });
});
