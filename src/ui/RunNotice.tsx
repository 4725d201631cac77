/**
 * The run's latest news: a restart, a divergence (with a Reset button), a worker that was
 * replaced, a rejected command. Text only: whatever the notice quotes (a setting's name from a
 * link, a file's content) is rendered by React as text, never as HTML.
 */
import { useRun, useSession } from './context';

export function RunNotice() {
  const notice = useRun((s) => s.notice);
  const session = useSession();
  if (notice === null) return null;
  if (notice.kind === 'info') {
    return (
      <p className="notice notice-info" role="status" aria-label="Run notice">
        {notice.text}
      </p>
    );
  }
  return (
    <p className="notice notice-error" role="alert">
      {notice.text}
      {notice.action === 'reset' && session !== null && (
        <>
          {' '}
          <button type="button" className="notice-action" onClick={() => session.reset()}>
            Reset the run
          </button>
        </>
      )}
    </p>
  );
}
