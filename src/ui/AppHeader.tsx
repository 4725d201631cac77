/** The top bar: the title, the backend in use, and the page-wide buttons. */
import { describeChoice } from '../worker/backendChoice';
import { ACTIONS, useAction } from './actions';
import { useRun, useSettings } from './context';
import { PresentationButton, ThemeButton } from './theme';
import type { WorkerStatus } from './useTrainingWorker';

export function AppHeader({
  status,
  showLessons,
  onOpenLessons,
  onOpenSavedRuns,
}: {
  status: WorkerStatus;
  /** False when a teacher's link hides the lessons (`hide=lessons`). */
  showLessons: boolean;
  onOpenLessons: () => void;
  onOpenSavedRuns: () => void;
}) {
  const openHelp = useAction('help');
  return (
    <header className="topbar">
      <h1>GAN Playground</h1>
      <div className="topbar-tools">
        <BackendBadge status={status} />
        <ThemeButton />
        <PresentationButton />
        {showLessons && (
          <button type="button" onClick={onOpenLessons}>
            Lessons
          </button>
        )}
        <button type="button" onClick={onOpenSavedRuns} aria-haspopup="dialog">
          Saved runs
        </button>
        <button type="button" onClick={openHelp} aria-keyshortcuts={ACTIONS.help.keys}>
          {ACTIONS.help.label}
        </button>
      </div>
    </header>
  );
}

/** Which backend trains, and why it was chosen (or why there is none). */
export function BackendBadge({ status }: { status: WorkerStatus }) {
  const backend = useRun((s) => s.backend);
  const fallbackReasons = useRun((s) => s.fallbackReasons);
  const choice = useRun((s) => s.backendChoice);
  const wasmThreads = useRun((s) => s.wasmThreads);
  const requested = useSettings((s) => s.backend);
  let main: string;
  let detail = '';
  if (status.kind === 'error') {
    main = 'Backend: unavailable';
    detail = ` (${status.message})`;
  } else if (status.kind === 'starting' || backend === null) {
    main = 'Backend: starting the training worker…';
  } else {
    main = `Backend: ${backend}`;
    const notes = [...(choice ? describeChoice(choice) : []), ...fallbackReasons];
    if (backend === 'wasm' && wasmThreads !== null) {
      notes.push(
        wasmThreads > 1
          ? `${wasmThreads} WASM threads`
          : `1 WASM thread${window.crossOriginIsolated ? '' : ' (the page is not cross-origin isolated)'}`,
      );
    }
    if (requested !== 'auto' && requested === backend)
      notes.push(`requested via ?backend=${requested}`);
    if (notes.length > 0) detail = ` (${notes.join('; ')})`;
  }
  return (
    <p
      className={`badge status-${status.kind}`}
      role="status"
      aria-label="Backend"
      title={detail ? detail.slice(2, -1) : undefined}
    >
      {main}
      {detail && <span className="badge-detail">{detail}</span>}
    </p>
  );
}
