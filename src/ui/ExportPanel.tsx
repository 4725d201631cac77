/**
 * Share and export: copy the link, the plane as PNG, the metric histories as CSV or JSON, the
 * settings as a file, and importing a settings file (size-capped, validated, shown as text).
 */
import { useRef, useState } from 'react';

import { historyPoints } from '../store/downsample';
import {
  configFileText,
  historyCsv,
  importConfigText,
  MAX_IMPORT_BYTES,
  metricsJson,
} from '../store/exportData';
import { linkPointsProblem, pointsCsv } from '../store/linkPoints';
import { activeConfig } from '../store/settings';
import { useRunApi, useSettings, useSettingsApi } from './context';
import './teach.css';

export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(filename: string, text: string, type: string): void {
  downloadBlob(filename, new Blob([text], { type }));
}

/** Saves a canvas as PNG (the view as drawn, at device resolution). */
export function downloadCanvas(canvas: HTMLCanvasElement | null, filename: string): void {
  canvas?.toBlob((blob) => {
    if (blob) downloadBlob(filename, blob);
  }, 'image/png');
}

export function ExportPanel() {
  const settings = useSettingsApi();
  const run = useRunApi();
  const fileRef = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const active = () => activeConfig(settings.getState());
  const stamp = () => `${active().dataset}-${active().loss}`;
  const drawing = useSettings((s) =>
    s.mode === 'toy' && s.config.dataset === 'custom' ? (s.config.customPoints ?? null) : null,
  );

  const importFile = async (file: File) => {
    if (file.size > MAX_IMPORT_BYTES) {
      setMessage({
        kind: 'error',
        text: `The file is too large (limit ${MAX_IMPORT_BYTES / 1024} kB).`,
      });
      return;
    }
    const { config, imageConfig } = settings.getState();
    const result = importConfigText(await file.text(), config, imageConfig);
    if (result.config) settings.getState().adoptConfig(result.config);
    setMessage(
      result.config
        ? { kind: 'info', text: result.message ?? 'Settings imported.' }
        : { kind: 'error', text: result.message ?? 'Nothing imported.' },
    );
  };

  return (
    <section className="guide export-panel" aria-labelledby="export-heading">
      <h2 id="export-heading">Share and export</h2>
      <div className="export-buttons">
        <button
          type="button"
          onClick={() => {
            // A drawing too large for a link: the link keeps the rest, the sharer is told.
            const config = active();
            const tooLarge =
              config.dataset === 'custom' ? linkPointsProblem(config.customPoints ?? []) : null;
            void navigator.clipboard?.writeText(window.location.href).then(
              () => setMessage({ kind: 'info', text: tooLarge ?? 'Link copied.' }),
              () =>
                setMessage({
                  kind: 'info',
                  text: tooLarge ?? 'Copy the address bar: it holds every setting.',
                }),
            );
          }}
        >
          Copy link
        </button>
        <button
          type="button"
          onClick={() =>
            downloadCanvas(
              document.querySelector<HTMLCanvasElement>(
                // The plane, or Stacked MNIST's sample grid.
                'canvas[aria-label="Real data and generated samples"], canvas[aria-label^="Generated samples at step"]',
              ),
              `gan-${stamp()}-step${run.getState().iteration}.png`,
            )
          }
        >
          View as PNG
        </button>
        <button
          type="button"
          onClick={() =>
            downloadText(
              `gan-${stamp()}-metrics.csv`,
              historyCsv(historyPoints(run.getState().metrics)),
              'text/csv',
            )
          }
        >
          Metrics CSV
        </button>
        <button
          type="button"
          onClick={() => {
            const s = run.getState();
            downloadText(
              `gan-${stamp()}-metrics.json`,
              metricsJson(active(), historyPoints(s.metrics), historyPoints(s.evals)),
              'application/json',
            );
          }}
        >
          Metrics JSON
        </button>
        <button
          type="button"
          onClick={() =>
            downloadText(
              `gan-${stamp()}-settings.json`,
              configFileText(active()),
              'application/json',
            )
          }
        >
          Settings file
        </button>
        {drawing !== null && (
          <button
            type="button"
            title="Your drawing's points as a CSV file, which Load file (under the plane) reads back"
            onClick={() => downloadText('gan-drawing.csv', pointsCsv(drawing), 'text/csv')}
          >
            Drawing file
          </button>
        )}
        <input
          ref={fileRef}
          id="import-settings"
          className="sr-only"
          type="file"
          accept=".json,application/json"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void importFile(file);
            e.target.value = '';
          }}
        />
        <label htmlFor="import-settings" className="file-button">
          Import settings…
        </label>
      </div>
      {message && (
        <p
          className={`small ${message.kind === 'error' ? 'status-error' : 'muted'}`}
          role="status"
          aria-label="Export status"
        >
          {message.text}
        </p>
      )}
    </section>
  );
}
