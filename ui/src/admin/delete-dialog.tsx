/** Asks before deleting (or revoking) one thing through the API, then reloads the list it was in. */
import type { ReactNode } from "react";
import { api } from "../api/client";
import { ConfirmDialog } from "../components/confirm-dialog";

export function DeleteDialog({ title, confirmLabel, path, onDeleted, onClose, children }: { title: string; confirmLabel: string; path: string; onDeleted: () => void; onClose: () => void; children: ReactNode }) {
  return (
    <ConfirmDialog
      title={title}
      confirmLabel={confirmLabel}
      onClose={onClose}
      onConfirm={async () => {
        await api("DELETE", path);
        onDeleted();
      }}
    >
      <p>{children}</p>
    </ConfirmDialog>
  );
}
