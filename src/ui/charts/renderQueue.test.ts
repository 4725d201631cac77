import { describe, expect, it } from 'vitest';

import { queueChartUpdate } from './renderQueue';

/** Resolves after the current macrotask and everything queued before it. */
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Records which owner ran in which task (a task counter bumped by a timer chain). */
function recorder() {
  const ran: { owner: string; task: number }[] = [];
  let task = 0;
  let ticking = true;
  const tick = () => {
    task++;
    if (ticking) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  return {
    ran,
    job:
      (owner: string, tag = owner) =>
      () =>
        ran.push({ owner: tag, task }),
    stop: () => (ticking = false),
  };
}

describe('queueChartUpdate', () => {
  it('runs one update per task, oldest first, not synchronously', async () => {
    const r = recorder();
    const owners = [{}, {}, {}];
    owners.forEach((o, i) => queueChartUpdate(o, r.job(`chart ${i}`)));
    expect(r.ran).toEqual([]); // nothing runs inside the caller's task
    for (let i = 0; i < 8; i++) await nextTask();
    r.stop();
    expect(r.ran.map((x) => x.owner)).toEqual(['chart 0', 'chart 1', 'chart 2']);
    const tasks = r.ran.map((x) => x.task);
    expect(new Set(tasks).size).toBe(3); // three different tasks
  });

  it('keeps only the newest update of an owner', async () => {
    const r = recorder();
    const a = {};
    const b = {};
    queueChartUpdate(a, r.job('a', 'a: old'));
    queueChartUpdate(b, r.job('b'));
    queueChartUpdate(a, r.job('a', 'a: new'));
    for (let i = 0; i < 8; i++) await nextTask();
    r.stop();
    // a's newer update replaces the old one and waits behind b, which was waiting longer.
    expect(r.ran.map((x) => x.owner)).toEqual(['b', 'a: new']);
  });

  it('withdraws an update when its cleanup runs first, and only that update', async () => {
    const r = recorder();
    const a = {};
    const withdrawOld = queueChartUpdate(a, r.job('a', 'a: old'));
    const withdrawB = queueChartUpdate({}, r.job('b'));
    withdrawB();
    queueChartUpdate(a, r.job('a', 'a: new'));
    withdrawOld(); // stale cleanup: must not drop the newer update
    for (let i = 0; i < 8; i++) await nextTask();
    r.stop();
    expect(r.ran.map((x) => x.owner)).toEqual(['a: new']);
  });
});

describe('queueChartUpdate after a failing update', () => {
  it('still runs the updates behind it', async () => {
    const ran: string[] = [];
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    try {
      queueChartUpdate({}, () => {
        throw new Error('render failed');
      });
      queueChartUpdate({}, () => ran.push('next'));
      for (let i = 0; i < 8; i++) await nextTask();
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(ran).toEqual(['next']);
  });
});
