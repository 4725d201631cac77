/**
 * The lesson picker (a modal dialog listing every lesson) and the open lesson's card: its text,
 * what to look for, what will happen, and — where a paper's claim does not reproduce at this
 * scale — what happens instead.
 */
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
}: {
  lesson: Lesson;
  onRestart: () => void;
  onClose: () => void;
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
    </section>
  );
}
