/** The keyboard-shortcut list and a short glossary, in a modal dialog. */
import { HINTS } from './hints';
import { SHORTCUTS } from './shortcuts';
import { useModalDialog } from './useModalDialog';

export function HelpDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useModalDialog(open);
  return (
    <dialog ref={ref} className="help" aria-labelledby="help-heading" onClose={onClose}>
      <div className="help-header">
        <h2 id="help-heading">Keyboard shortcuts</h2>
        <form method="dialog">
          <button type="submit" className="primary">
            Close
          </button>
        </form>
      </div>
      <table className="shortcut-table">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <th scope="row">
                <kbd>{s.keys}</kbd>
              </th>
              <td>{s.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">Shortcuts are off while you type in a field.</p>
      <h3>Glossary</h3>
      <dl className="glossary">
        <dt>Mode collapse</dt>
        <dd>{HINTS.modeCollapse}</dd>
        <dt>R1</dt>
        <dd>{HINTS.r1}</dd>
        <dt>R2</dt>
        <dd>{HINTS.r2}</dd>
        <dt>RpGAN</dt>
        <dd>
          Relativistic pairing: D scores a real and a fake point together, L = E f(D(G(z)) − D(x)),
          so D only says which of the two is more real.
        </dd>
        <dt>Heatmap</dt>
        <dd>{HINTS.heatmap}</dd>
        <dt>Arrows</dt>
        <dd>{HINTS.arrows}</dd>
      </dl>
    </dialog>
  );
}
