/** The note beside the "High quality" counter: what it measures and why it may read low. */
import { useMemo } from 'react';

import { useSettings } from '../context';
import { qualityNote } from './qualityNote';
import './quality.css';

export function QualityNote() {
  const config = useSettings((s) => s.config);
  const image = useSettings((s) => s.mode === 'image');
  const note = useMemo(() => qualityNote(config), [config]);
  if (image || !note) return null;
  return (
    <section className="quality-note" aria-label="About high quality">
      <p>{note.definition}</p>
      {note.why && (
        <details>
          <summary>Why is it low?</summary>
          <p>{note.why}</p>
        </details>
      )}
    </section>
  );
}
