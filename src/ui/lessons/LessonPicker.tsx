/**
 * The lesson picker (a modal dialog listing every lesson) and the open lesson's card: its text,
 * what to look for, what will happen, and — where a paper's claim does not reproduce at this
 * scale — what happens instead.
 */
import { useStore } from 'zustand';

import type { LessonStartStoreApi } from '../../lessons/lessonSnapshot';
import { LESSONS, lessonUnavailable, type Lesson } from '../../lessons/lessons';
import '../teach.css';
import { useModalDialog } from '../useModalDialog';

export function LessonPicker({
  open,
  onClose,
  onOpenLesson,
  datasets,
}: {
  open: boolean;
  onClose: () => void;
  onOpenLesson: (lesson: Lesson) => void;
  /** Datasets the app can select (lessons needing others are unavailable). */
  datasets: readonly string[];
}) {
  const ref = useModalDialog(open);
  return (
    <dialog
      ref={ref}
      className="help lesson-picker"
      aria-labelledby="lessons-heading"
      onClose={onClose}
    >
      <div className="help-header">
        <h2 id="lessons-heading">Lessons</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="muted small">
        Each lesson sets up the playground for one idea, says what to look for and what will happen.
        Links open a lesson directly: <code>#lesson=mode-collapse</code>.
      </p>
      <ol className="lesson-list">
        {LESSONS.map((lesson) => {
          const unavailable = lessonUnavailable(lesson, datasets);
          return (
            <li key={lesson.id} className={unavailable ? 'lesson-unavailable' : undefined}>
              <div>
                <strong>{lesson.title}</strong>
                <p className="small muted">{lesson.summary}</p>
                {unavailable && <p className="small lesson-status">{unavailable}</p>}
              </div>
              <button
                type="button"
                disabled={unavailable !== null}
                aria-label={`Open lesson: ${lesson.title}`}
                onClick={() => onOpenLesson(lesson)}
              >
                Open
              </button>
            </li>
          );
        })}
      </ol>
    </dialog>
  );
}

export function LessonCard({
  lesson,
  onRestart,
  onClose,
  start,
  onOpenSnapshot,
}: {
  lesson: Lesson;
  onRestart: () => void;
  onClose: () => void;
  /** The lesson's starting snapshot (image lessons). */
  start: LessonStartStoreApi;
  onOpenSnapshot: (index: number) => void;
}) {
  return (
    <section className="lesson-card teach-card" aria-labelledby="lesson-title">
      <div className="lesson-card-header">
        <p className="lesson-kicker">Lesson</p>
        <h2 id="lesson-title">{lesson.title}</h2>
        <span className="lesson-card-tools">
          <button type="button" onClick={onRestart}>
            Restart lesson
          </button>
          <button type="button" onClick={onClose}>
            Close lesson
          </button>
        </span>
      </div>
      <div className="lesson-card-body">
        <div>
          {lesson.text.map((p, i) => (
            <p key={i}>{p}</p>
          ))}
        </div>
        <div>
          <h3>Look for</h3>
          <ul>
            {lesson.lookFor.map((item, i) => (
              <li key={i}>{item}</li>
            ))}
          </ul>
        </div>
        <div>
          <h3>What happens</h3>
          <p aria-label="Expected outcome">{lesson.expected}</p>
          {lesson.caveat && (
            <p className="lesson-caveat" aria-label="Caveat">
              <strong>Does not reproduce here: </strong>
              {lesson.caveat}
            </p>
          )}
          <p className="small muted">Source: {lesson.source}</p>
        </div>
      </div>
      {lesson.snapshots && (
        <StartingPoint lesson={lesson} start={start} onOpenSnapshot={onOpenSnapshot} />
      )}
    </section>
  );
}

/**
 * Where the lesson's run starts: which shipped snapshot is open (or loading, or why it could not
 * be), what it is, and buttons to open the others.
 */
function StartingPoint({
  lesson,
  start,
  onOpenSnapshot,
}: {
  lesson: Lesson;
  start: LessonStartStoreApi;
  onOpenSnapshot: (index: number) => void;
}) {
  const status = useStore(start, (s) => s.status);
  const snapshots = lesson.snapshots ?? [];
  const mine = status?.lessonId === lesson.id ? status : null;
  const shown = mine ? snapshots[mine.index] : undefined;
  const seed = lesson.preset.kind === 'image' ? lesson.preset.config.seed : undefined;
  let line: string;
  if (!mine || !shown) line = 'This lesson starts from a trained snapshot.';
  else if (mine.state === 'loading') line = `Loading the starting point (${shown.label})…`;
  else if (mine.state === 'open')
    line = `Started from a snapshot at step ${shown.step} (${shown.label}), with its mode map: trained in advance by the command-line trainer from seed ${seed} with exactly these settings, so the class does not wait for the first steps. Play continues training from there; Reset starts again from step 0.`;
  else
    line = `The starting point could not be loaded (${mine.message}); the run starts from step 0.`;
  return (
    <div className="lesson-start" aria-label="Starting point">
      <p className="small" role="status">
        {line}
      </p>
      {snapshots.length > 1 && (
        <p className="small lesson-start-choices">
          Start from:{' '}
          {snapshots.map((snapshot, index) => (
            <button
              key={snapshot.path}
              type="button"
              aria-pressed={mine?.index === index && mine.state !== 'failed'}
              onClick={() => onOpenSnapshot(index)}
            >
              {snapshot.label}
            </button>
          ))}
        </p>
      )}
      {shown && (
        <details className="small muted">
          <summary>How this snapshot was made</summary>
          <code>{shown.command}</code>
        </details>
      )}
    </div>
  );
}
