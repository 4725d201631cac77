/** Tools for the custom dataset: paint, clear, presets, and loading a CSV/JSON point file. */
import { useId, useState } from 'react';

import {
  CUSTOM_PRESETS,
  MAX_CUSTOM_POINTS,
  checkFileSize,
  parsePointsFile,
  type Point,
} from '../../store/customPoints';

interface Props {
  editing: boolean;
  count: number;
  onEdit(): void;
  onDone(): void;
  onCancel(): void;
  /** New points (a preset, a file, or none): replaces the draft, or the data when not editing. */
  onReplace(points: Point[]): void;
}

export function DrawingTools({ editing, count, onEdit, onDone, onCancel, onReplace }: Props) {
  const fileId = useId();
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState<string | null>(null);

  const load = async (file: File | undefined) => {
    setError(null);
    setLoaded(null);
    if (!file) return;
    const sizeError = checkFileSize(file.size);
    if (sizeError) {
      setError(sizeError);
      return;
    }
    const result = parsePointsFile(await file.text(), file.name);
    if (!result.ok) {
      setError(`${file.name}: ${result.error}`);
      return;
    }
    onReplace(result.points);
    setLoaded(`Loaded ${result.points.length} points from ${file.name}.`);
  };

  return (
    <div className="drawing-tools" role="group" aria-label="Your data">
      {editing ? (
        <>
          <button type="button" className="primary" onClick={onDone} disabled={count === 0}>
            Train on these points
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" onClick={() => onReplace([])}>
            Clear
          </button>
        </>
      ) : (
        <button type="button" onClick={onEdit}>
          Draw points
        </button>
      )}
      <label className="inline-field">
        Preset
        <select
          value=""
          onChange={(e) => {
            const preset = CUSTOM_PRESETS[e.target.value];
            if (preset) onReplace(preset.points());
          }}
        >
          <option value="">Choose…</option>
          {Object.entries(CUSTOM_PRESETS).map(([name, p]) => (
            <option key={name} value={name}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      <label htmlFor={fileId} className="file-button">
        Load points (CSV or JSON)
      </label>
      <input
        id={fileId}
        className="sr-only"
        type="file"
        accept=".csv,.json,.txt,text/csv,application/json,text/plain"
        onChange={(e) => {
          void load(e.target.files?.[0]);
          e.target.value = '';
        }}
      />
      <span className="muted small">
        {count} / {MAX_CUSTOM_POINTS} points; x, y within ±10; files up to 1 MB.
      </span>
      {error !== null && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {loaded !== null && (
        <p className="muted small" role="status">
          {loaded}
        </p>
      )}
    </div>
  );
}
