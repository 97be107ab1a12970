/**
 * One write (create, change, delete): busy while it runs, then a message or the
 * server's error (with the field it names), shown by <ActionStatus>.
 */
import { useCallback, useState } from "react";
import { ApiError, errorMessage } from "../api/client";

export interface ActionState {
  readonly busy: boolean;
  readonly message?: string;
  readonly error?: { readonly message: string; readonly field?: string };
}

export interface Action extends ActionState {
  /** Runs `write`; resolves to whether it succeeded. What `write` returns is shown as the message. */
  run(write: () => Promise<string | undefined>): Promise<boolean>;
  reset(): void;
}

export function useAction(): Action {
  const [state, setState] = useState<ActionState>({ busy: false });
  const run = useCallback(async (write: () => Promise<string | undefined>) => {
    setState({ busy: true });
    try {
      const message = await write();
      setState({ busy: false, message });
      return true;
    } catch (e) {
      setState({ busy: false, error: { message: errorMessage(e), field: e instanceof ApiError ? e.field : undefined } });
      return false;
    }
  }, []);
  const reset = useCallback(() => setState({ busy: false }), []);
  return { ...state, run, reset };
}

export function ActionStatus({ action }: { action: ActionState }) {
  if (action.error) {
    return (
      <p className="field-error" role="alert">
        {action.error.message}
      </p>
    );
  }
  if (action.message) {
    return (
      <p className="notice" role="status">
        {action.message}
      </p>
    );
  }
  return null;
}
