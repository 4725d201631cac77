import { describe, expect, it } from 'vitest';

import { toyDefaults } from '../../engine/core/config';
import { lessonById } from '../../lessons/lessons';
import { qualityNote } from './qualityNote';

describe('the high-quality note', () => {
  it('on the ring with γ 0.1: radius 0.06, blur 0.32, 5.3× the radius', () => {
    const note = qualityNote(toyDefaults('ring8'))!;
    expect(note.definition).toMatch(/within 3σ = 0\.06 of a mode centre \(σ = 0\.02/);
    expect(note.definition).toMatch(/98\.9 %/);
    expect(note.why).toMatch(
      /γ 0\.1 act like blurring the data by about √γ = 0\.32, 5\.3× that radius/,
    );
    expect(note.why).toMatch(/Sharpen the ring/);
    expect(note.lesson).toBe('sharpen-ring');
    expect(lessonById(note.lesson!)?.preset).toMatchObject({ kind: 'playground' });
  });

  it('on the grid with γ 1: radius 0.15, blur 1', () => {
    const note = qualityNote(toyDefaults('grid25'))!;
    expect(note.definition).toMatch(/3σ = 0\.15/);
    expect(note.why).toMatch(/√γ = 1, 6\.7× that radius/);
    expect(note.why).toMatch(/--recipe precision/);
    expect(note.lesson).toBeNull();
  });

  it('names a γ schedule, and says when the blur is inside the radius', () => {
    const annealed = { ...toyDefaults('ring8'), r1Gamma: 0.001, r2Gamma: 0.001 };
    const scheduled = { ...annealed, burnInSteps: 4000, gammaBurnInFactor: 100 };
    expect(qualityNote(scheduled)!.why).toMatch(
      /γ falls from 0\.1 to 0\.001 over 4000 steps: the blur shrinks from 0\.32, 5\.3× that radius, to 0\.032, inside it/,
    );
    expect(qualityNote(annealed)!.why).toMatch(/√γ = 0\.032, inside that radius/);
  });

  it('without R1/R2 gives the definition only; continuous shapes have no note', () => {
    const none = { ...toyDefaults('ring8'), r1Gamma: 0, r2Gamma: 0 };
    expect(qualityNote(none)).toEqual({ definition: expect.any(String), why: null, lesson: null });
    expect(qualityNote(toyDefaults('moons'))).toBeNull();
  });
});
