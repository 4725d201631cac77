/**
 * Fuzz: whatever reaches the worker's message port (a stale tab, a hand-written postMessage, a
 * config imported from a file), parseCommand never throws, and a rejection is one short message
 * naming the command and the field.
 */
import { describe, expect, it } from 'vitest';

import { DEFAULT_CONFIG, ganConfigSchema } from '../engine/core/config';
import { Hostile, HOSTILE_NUMBERS, POLLUTING_KEYS, SCRIPT_TEXTS } from '../testing/hostile';
import { parseCommand } from './commands';

const FIELDS = Object.keys(ganConfigSchema.shape);
const TYPES = ['init', 'create', 'configure', 'set-stream', 'play', 'step', 'request-heatmap'];

describe('fuzz: worker commands', () => {
  const h = new Hostile(2024);
  const cases: { name: string; message: unknown; field?: string }[] = [];
  for (let i = 0; i < 120; i++) {
    const config = { ...DEFAULT_CONFIG, ...h.object(0, FIELDS) };
    cases.push({
      name: `create with hostile config ${i}`,
      message: { type: 'create', requestId: i, runId: 'main', kind: 'toy', config },
    });
  }
  for (const field of FIELDS.filter((f) => f !== 'customPoints' && f !== 'beta2BurnIn')) {
    for (const value of [h.pick(HOSTILE_NUMBERS.filter((x) => !(x >= 0))), h.pick(SCRIPT_TEXTS)]) {
      cases.push({
        name: `configure ${field}=${String(value).slice(0, 20)}`,
        message: {
          type: 'configure',
          requestId: 1,
          runId: 'main',
          kind: 'toy',
          config: { ...DEFAULT_CONFIG, [field]: value },
        },
        field,
      });
    }
  }
  for (let i = 0; i < 40; i++) {
    const message = h.object(0, ['type', 'runId', 'requestId', 'n', 'stream', 'config']);
    if (h.random() < 0.7) message.type = h.pick(TYPES);
    cases.push({ name: `random command ${i}`, message });
  }
  for (const key of POLLUTING_KEYS) {
    cases.push({
      name: `polluting key ${key}`,
      message: JSON.parse(`{"type":"play","runId":"main","${key}":{"polluted":1}}`),
    });
  }
  cases.push({
    name: 'huge unknown key',
    message: { type: 'play', runId: 'main', [h.huge(1_000_000)]: 1 },
  });
  cases.push({ name: 'huge runId', message: { type: 'play', runId: h.huge(1_000_000) } });
  cases.push({ name: 'huge type', message: { type: h.huge(1_000_000) } });
  cases.push({ name: 'step NaN', message: { type: 'step', runId: 'main', n: NaN }, field: 'n' });
  cases.push({
    name: 'step 1e309',
    message: { type: 'step', runId: 'main', n: Number('1e309') },
    field: 'n',
  });
  cases.push({ name: 'step -1', message: { type: 'step', runId: 'main', n: -1 }, field: 'n' });
  for (const x of [null, undefined, 1, 'play', [], () => 1, Symbol('x')]) {
    cases.push({ name: `not an object: ${String(x)}`, message: x });
  }

  it(`has at least 200 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
  });

  it.each(cases)('$name', ({ message, field }) => {
    const parsed = parseCommand(message);
    if (parsed.ok) {
      // Accepted: then it really is valid (e.g. a random object that happened to be fine).
      if ('config' in parsed.command) {
        expect(ganConfigSchema.safeParse(parsed.command.config).success).toBe(true);
      }
      expect(field).toBeUndefined();
      return;
    }
    expect(parsed.message.length).toBeLessThan(600);
    if (field !== undefined) expect(parsed.message).toMatch(new RegExp(`\\b${field}\\b`));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
