import { useEffect, useRef } from 'react';

/**
 * A ref for a `<dialog>` that is shown as a modal while `open` and closed otherwise (the browser
 * then handles focus, Escape and the backdrop; the dialog's `onClose` reports Escape).
 */
export function useModalDialog(open: boolean) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return ref;
}
