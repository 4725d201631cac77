import { describe, expect, it } from 'vitest';

import { presetConfig } from './settings';
import { configFromHash, configToHash } from './urlState';
import { parseWorkspaceHash, workspaceHash } from './workspace';

describe('workspace links', () => {
  it('keeps the original settings-only form when nothing else is set', () => {
    const configHash = configToHash({ ...presetConfig(), loss: 'rpgan' });
    const hash = workspaceHash({
      tab: 'playground',
      lesson: null,
      hidden: [],
      dirac: null,
      configHash,
    });
    expect(hash).toBe(configHash);
    expect(parseWorkspaceHash(hash)).toMatchObject({ configHash, tab: null, problems: [] });
  });

  it('round-trips view, lesson, hidden controls, Dirac settings and settings', () => {
    const configHash = configToHash({ ...presetConfig(), seed: 7 });
    const hash = workspaceHash({
      tab: 'dirac',
      lesson: 'dirac-gan',
      hidden: ['loss', 'penalties'],
      dirac: '{"r1":0.3}',
      configHash,
    });
    expect(hash).toContain('hide=loss,penalties');
    const back = parseWorkspaceHash(hash);
    expect(back).toMatchObject({
      tab: 'dirac',
      lesson: 'dirac-gan',
      hidden: ['loss', 'penalties'],
      dirac: '{"r1":0.3}',
      problems: [],
    });
    expect(configFromHash(back.configHash).config?.seed).toBe(7);
  });

  it('reads a hand-written lesson link', () => {
    expect(parseWorkspaceHash('#lesson=mode-collapse')).toMatchObject({
      lesson: 'mode-collapse',
      tab: null,
      hidden: [],
      configHash: '',
      problems: [],
    });
  });

  it('names every tampered entry and keeps the valid ones', () => {
    const p = parseWorkspaceHash('#view=admin&lesson=<script>&hide=loss,everything&evil=1');
    expect(p.tab).toBeNull();
    expect(p.lesson).toBeNull();
    expect(p.hidden).toEqual(['loss']);
    expect(p.problems).toHaveLength(4);
    expect(p.problems.join(' ')).toMatch(/view.*hide.*everything|evil/);
    expect(p.problems.some((x) => x.includes('"evil": unknown'))).toBe(true);
  });

  it('a parameter given twice is named, not silently the first (issue 14)', () => {
    const p = parseWorkspaceHash('#view=dirac&view=compare');
    expect(p.tab).toBe('dirac');
    expect(p.problems).toEqual(['view: given 2 times; the first was used']);
  });
});
