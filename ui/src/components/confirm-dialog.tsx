/** Asks before a change that cannot be undone (delete, revoke); shows the server's refusal in place. */
import type { ReactNode } from "react";
import { ActionStatus, useAction } from "./use-action";
import { Dialog } from "./dialog";

export function ConfirmDialog({ title, confirmLabel, onConfirm, onClose, children }: { title: string; confirmLabel: string; onConfirm: () => Promise<void>; onClose: () => void; children: ReactNode }) {
  const action = useAction();
  const confirm = async () => {
    if (await action.run(async () => { await onConfirm(); return undefined; })) onClose();
  };
  return (
    <Dialog title={title} onClose={onClose}>
      <div className="dialog-body">
        {children}
        <ActionStatus action={action} />
        <footer className="dialog-footer">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary btn-danger-fill" disabled={action.busy} onClick={() => void confirm()}>
            {confirmLabel}
          </button>
        </footer>
      </div>
    </Dialog>
  );
}
