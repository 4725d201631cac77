/**
 * Saved runs (store/savedRuns/), in a modal dialog: save the playground's run (settings,
 * weights, optimiser state, histories and a thumbnail of the view) in this browser; list, open
 * and continue, rename, delete; export a run to a file and import one. Names and file contents
 * are only ever rendered as text.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

import { variantName } from '../../store/names';
import {
  cleanRunName,
  decodeRunFile,
  defaultRunName,
  encodeRunFile,
  MAX_RUN_FILE_BYTES,
  MAX_RUN_NAME_LENGTH,
  parseRunContent,
  RUN_FILE_EXTENSION,
  runFileName,
  SavedRunsDb,
  type SavedRunSummary,
} from '../../store/savedRuns';
import { activeConfig } from '../../store/settings';
import { downloadBlob } from '../ExportPanel';
import { useRun, useRunApi, useSession, useSettings } from '../context';
import '../teach.css';
import './savedRuns.css';
import { useModalDialog } from '../useModalDialog';
import { errorMessage } from '../../errors';

type Message = { kind: 'info' | 'error'; text: string };

const THUMBNAIL_SIZE = 160;
/** What a thumbnail shows: the plane of a toy run, the sample grid of a Stacked MNIST run. */
const VIEW_CANVAS =
  'canvas[aria-label="Real data and generated samples"], canvas[aria-label^="Generated samples at step"]';

/** A small PNG of the run's view as drawn, or null when it is not on screen. */
function viewThumbnail(): Promise<Blob | null> {
  const source = document.querySelector<HTMLCanvasElement>(VIEW_CANVAS);
  if (!source || source.width === 0 || source.height === 0) return Promise.resolve(null);
  const scale = THUMBNAIL_SIZE / Math.max(source.width, source.height);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(source.width * scale));
  canvas.height = Math.max(1, Math.round(source.height * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.resolve(null);
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob), 'image/png'));
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** What the dialog needs of the saved runs' database (component tests pass an in-memory one). */
export type SavedRunsStorage = Pick<
  SavedRunsDb,
  'list' | 'load' | 'save' | 'rename' | 'remove' | 'close'
>;
const openBrowserStorage = (): Promise<SavedRunsStorage> => SavedRunsDb.open();

export function SavedRunsDialog({
  open,
  onClose,
  onReopened,
  openStorage = openBrowserStorage,
}: {
  open: boolean;
  onClose: () => void;
  /** Called after a run was opened (e.g. to show the playground). */
  onReopened: () => void;
  /** Opens the database: IndexedDB unless a test gives another. */
  openStorage?: () => Promise<SavedRunsStorage>;
}) {
  const ref = useModalDialog(open);
  const session = useSession();
  const runApi = useRunApi();
  const config = useSettings(activeConfig);
  const iteration = useRun((s) => s.iteration);
  const created = useRun((s) => s.created);
  const [db, setDb] = useState<SavedRunsStorage | null>(null);
  const [runs, setRuns] = useState<SavedRunSummary[] | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);

  // The database opens with the dialog the first time, and stays open.
  useEffect(() => {
    if (!open || db) return;
    let cancelled = false;
    openStorage().then(
      (opened) => {
        if (cancelled) opened.close();
        else setDb(opened);
      },
      (error: unknown) => {
        if (!cancelled)
          setMessage({ kind: 'error', text: `Saved runs are unavailable: ${errorMessage(error)}` });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [open, db, openStorage]);
  useEffect(() => () => db?.close(), [db]);

  const refresh = useCallback(async () => {
    if (!db) return;
    try {
      setRuns(await db.list());
    } catch (error) {
      setMessage({ kind: 'error', text: `Could not read the saved runs: ${errorMessage(error)}` });
    }
  }, [db]);
  // The list, whenever the dialog opens (another tab may have saved a run meanwhile).
  useEffect(() => {
    if (!open || !db) return;
    let cancelled = false;
    db.list().then(
      (list) => {
        if (!cancelled) setRuns(list);
      },
      (error: unknown) => {
        if (!cancelled)
          setMessage({
            kind: 'error',
            text: `Could not read the saved runs: ${errorMessage(error)}`,
          });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [open, db]);

  /** Runs one action at a time; its error becomes the message. */
  const act = async (what: string, action: () => Promise<Message | null>) => {
    setBusy(true);
    try {
      const result = await action();
      if (result) setMessage(result);
    } catch (error) {
      setMessage({ kind: 'error', text: `${what}: ${errorMessage(error)}` });
    } finally {
      setBusy(false);
      await refresh();
    }
  };

  const save = () =>
    act('Could not save the run', async () => {
      if (!db || !session) return null;
      const content = await session.capture();
      const problem = parseRunContent(content);
      if (!problem.ok) throw new Error(problem.message);
      const { snapshot } = content;
      const runName = cleanRunName(name) || defaultRunName(snapshot.config, snapshot.iteration);
      await db.save({
        id: crypto.randomUUID(),
        name: runName,
        savedAt: Date.now(),
        kind: content.kind,
        config: snapshot.config,
        iteration: snapshot.iteration,
        thumbnail: await viewThumbnail(),
        content,
      });
      setName('');
      return { kind: 'info', text: `Saved “${runName}” at step ${snapshot.iteration}.` };
    });

  const reopen = (summary: SavedRunSummary) =>
    act(`Could not open “${summary.name}”`, async () => {
      if (!db || !session) return null;
      const run = await db.load(summary.id);
      await session.reopen(run.content);
      runApi.setState({
        notice: {
          kind: 'info',
          text: `Opened the saved run “${run.name}” at step ${run.iteration}: press Play to continue training it.`,
        },
      });
      onReopened();
      onClose();
      return null;
    });

  const rename = () => {
    if (!renaming) return;
    const { id, name: newName } = renaming;
    void act('Could not rename the run', async () => {
      if (!db) return null;
      await db.rename(id, newName);
      setRenaming(null);
      return { kind: 'info', text: `Renamed to “${cleanRunName(newName)}”.` };
    });
  };

  const remove = (summary: SavedRunSummary) =>
    act('Could not delete the run', async () => {
      if (!db) return null;
      await db.remove(summary.id);
      setDeleting(null);
      return { kind: 'info', text: `Deleted “${summary.name}”.` };
    });

  const exportRun = (summary: SavedRunSummary) =>
    act('Could not export the run', async () => {
      if (!db) return null;
      const run = await db.load(summary.id);
      const bytes = encodeRunFile(run);
      downloadBlob(runFileName(run.name), new Blob([bytes], { type: 'application/octet-stream' }));
      return {
        kind: 'info',
        text: `Exported “${run.name}” (${Math.ceil(bytes.length / 1024)} kB).`,
      };
    });

  const importFile = (file: File) =>
    act('Could not import the file', async () => {
      if (!db) return null;
      // Refused before reading: a huge file never reaches memory.
      if (file.size > MAX_RUN_FILE_BYTES) {
        return {
          kind: 'error',
          text: `Nothing imported: the file is too large (limit ${MAX_RUN_FILE_BYTES / 1024 / 1024} MB).`,
        };
      }
      const decoded = decodeRunFile(new Uint8Array(await file.arrayBuffer()));
      if (!decoded.ok) return { kind: 'error', text: `Nothing imported. ${decoded.message}` };
      const { name: runName, savedAt, content } = decoded.value;
      await db.save({
        id: crypto.randomUUID(),
        name: runName,
        savedAt: Number.isFinite(savedAt) ? savedAt : Date.now(),
        kind: content.kind,
        config: content.snapshot.config,
        iteration: content.snapshot.iteration,
        thumbnail: null,
        content,
      });
      return {
        kind: 'info',
        text: `Imported “${runName}” (step ${content.snapshot.iteration}). Open it to continue training.`,
      };
    });

  const canSave = db !== null && session !== null && created && !busy;
  return (
    <dialog
      ref={ref}
      className="help saved-runs"
      aria-labelledby="saved-runs-heading"
      onClose={onClose}
    >
      <div className="help-header">
        <h2 id="saved-runs-heading">Saved runs</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="muted small">
        Runs are kept in this browser with their settings, weights, optimiser state and charts: open
        one to continue training where it stopped. Export a run to a file to take it to another
        machine.
      </p>
      <form
        className="saved-runs-save"
        onSubmit={(e) => {
          e.preventDefault();
          if (canSave) void save();
        }}
      >
        <label htmlFor="saved-run-name">Name</label>
        <input
          id="saved-run-name"
          type="text"
          value={name}
          maxLength={MAX_RUN_NAME_LENGTH}
          placeholder={defaultRunName(config, iteration)}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="primary" disabled={!canSave}>
          Save current run
        </button>
      </form>
      <div className="saved-runs-import">
        <input
          id="import-run"
          className="sr-only"
          type="file"
          accept={`${RUN_FILE_EXTENSION},application/octet-stream`}
          disabled={db === null || busy}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void importFile(file);
            e.target.value = '';
          }}
        />
        <label htmlFor="import-run" className="file-button">
          Import run file…
        </label>
        <span className="small muted">
          {RUN_FILE_EXTENSION} files, up to {MAX_RUN_FILE_BYTES / 1024 / 1024} MB
        </span>
      </div>
      <p
        className={`small saved-runs-status ${message?.kind === 'error' ? 'status-error' : 'muted'}`}
        role="status"
        aria-label="Saved runs status"
      >
        {message?.text ?? (busy ? 'Working…' : '')}
      </p>
      {runs !== null && runs.length === 0 && <p className="muted">No saved runs yet.</p>}
      {runs !== null && runs.length > 0 && (
        <ul className="saved-runs-list" aria-label="Saved runs">
          {runs.map((run) => (
            <li key={run.id} aria-label={run.name}>
              <Thumbnail blob={run.thumbnail} />
              <div className="saved-run-text">
                {renaming?.id === run.id ? (
                  <form
                    className="saved-run-rename"
                    onSubmit={(e) => {
                      e.preventDefault();
                      rename();
                    }}
                  >
                    <label htmlFor={`rename-${run.id}`} className="sr-only">
                      New name for {run.name}
                    </label>
                    <input
                      id={`rename-${run.id}`}
                      type="text"
                      value={renaming.name}
                      maxLength={MAX_RUN_NAME_LENGTH}
                      autoFocus
                      onChange={(e) => setRenaming({ id: run.id, name: e.target.value })}
                      onKeyDown={(e) => {
                        // Escape cancels the rename, not the whole dialog.
                        if (e.key === 'Escape') {
                          e.preventDefault();
                          e.stopPropagation();
                          setRenaming(null);
                        }
                      }}
                    />
                    <button type="submit" disabled={busy || cleanRunName(renaming.name) === ''}>
                      Save name
                    </button>
                    <button type="button" onClick={() => setRenaming(null)}>
                      Cancel
                    </button>
                  </form>
                ) : (
                  <strong className="saved-run-name">{run.name}</strong>
                )}
                <span className="small muted">
                  {variantName(run.config)} · {run.config.dataset} · step{' '}
                  <span aria-label="Saved at step">{run.iteration}</span> ·{' '}
                  {dateFormat.format(run.savedAt)}
                </span>
              </div>
              <div className="saved-run-actions">
                {deleting === run.id ? (
                  <>
                    <span className="small">Delete it?</span>
                    <button
                      type="button"
                      className="danger"
                      disabled={busy}
                      onClick={() => void remove(run)}
                    >
                      Yes, delete
                    </button>
                    <button type="button" onClick={() => setDeleting(null)}>
                      Keep
                    </button>
                  </>
                ) : (
                  <>
                    <button
                      type="button"
                      className="primary"
                      disabled={busy || session === null}
                      aria-label={`Open ${run.name}`}
                      onClick={() => void reopen(run)}
                    >
                      Open
                    </button>
                    <button
                      type="button"
                      disabled={busy}
                      aria-label={`Rename ${run.name}`}
                      onClick={() => setRenaming({ id: run.id, name: run.name })}
                    >
                      Rename
                    </button>
                    <button
                      type="button"
                      disabled={busy}
                      aria-label={`Export ${run.name}`}
                      onClick={() => void exportRun(run)}
                    >
                      Export
                    </button>
                    <button
                      type="button"
                      disabled={busy}
                      aria-label={`Delete ${run.name}`}
                      onClick={() => setDeleting(run.id)}
                    >
                      Delete
                    </button>
                  </>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </dialog>
  );
}

/** The view as it was when the run was saved (a placeholder for imported runs). */
function Thumbnail({ blob }: { blob: Blob | null }) {
  const ref = useRef<HTMLImageElement>(null);
  useEffect(() => {
    const img = ref.current;
    if (!blob || !img) return;
    const url = URL.createObjectURL(blob);
    img.src = url;
    return () => URL.revokeObjectURL(url);
  }, [blob]);
  if (!blob)
    return <div className="saved-run-thumbnail saved-run-no-thumbnail" aria-hidden="true" />;
  return <img ref={ref} className="saved-run-thumbnail" alt="" width={64} height={64} />;
}
