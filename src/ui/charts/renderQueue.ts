/**
 * Renders chart updates one chart per main-thread task.
 *
 * Why: a recharts 3 chart does most of its work *after* React commits new data: its effects
 * dispatch the data to the chart's internal redux store, and the store re-renders the chart
 * synchronously. When five charts received new histories in the same React update, all of that
 * landed in one task of 50–90 ms (a "long task": input and animation frames wait behind it).
 * Here each chart's update is its own task, flushed completely (`flushSync`, so the follow-up
 * store render happens inside it too: about 15 ms), and the browser gets a turn between two
 * charts. A chart that already has an update waiting replaces it: only its newest data matters,
 * so a slow machine draws less often instead of falling behind.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';

type Job = () => void;

const waiting = new Map<object, Job>();
let scheduled = false;

/** Runs the oldest waiting update, then yields to the browser before the next one. */
function runNext() {
  scheduled = false;
  const next = waiting.entries().next();
  if (next.done) return;
  const [owner, job] = next.value;
  waiting.delete(owner);
  try {
    flushSync(job);
  } finally {
    // A chart whose render throws (its error boundary reports it) must not stall the others.
    if (waiting.size > 0) scheduleRun();
  }
}

function scheduleRun() {
  if (scheduled) return;
  scheduled = true;
  // A macrotask (not a microtask): input, rendering and the worker's messages run in between.
  setTimeout(runNext, 0);
}

/**
 * Queues `update` (a React state update) for `owner`, replacing any update `owner` has waiting.
 * Returns a function that withdraws it (for effect cleanup).
 */
export function queueChartUpdate(owner: object, update: Job): () => void {
  waiting.delete(owner); // re-inserting moves the owner to the back of the line
  waiting.set(owner, update);
  scheduleRun();
  return () => {
    if (waiting.get(owner) === update) waiting.delete(owner);
  };
}

/**
 * `latest`, as shown: it follows `latest` through the queue, and stays put while `enabled` is
 * false (a chart scrolled out of view keeps its last picture and costs nothing).
 */
export function useQueuedValue<T>(latest: T, enabled: boolean): T {
  const owner = useRef({});
  const [shown, setShown] = useState(latest);
  useEffect(() => {
    if (!enabled || shown === latest) return;
    return queueChartUpdate(owner.current, () => setShown(latest));
  }, [enabled, shown, latest]);
  return shown;
}

/** Whether the element is (at least partly) on screen. */
export function useInView(ref: RefObject<Element | null>): boolean {
  const [visible, setVisible] = useState(true);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new IntersectionObserver(([entry]) => setVisible(entry.isIntersecting));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return visible;
}
