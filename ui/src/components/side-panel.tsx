/**
 * The panel beside a view (a task instance, a run, an alert): a title with a line under it, a
 * close button, and Escape to close (unless a dialog is open, which Escape closes first).
 */
import { useEffect, type ReactNode } from "react";

interface Props {
  /** The heading's id, which labels the panel. */
  readonly titleId: string;
  readonly title: ReactNode;
  readonly subtitle?: ReactNode;
  /** "task", "run": the close button says "Close the task panel". */
  readonly what: string;
  readonly testId: string;
  readonly className?: string;
  onClose(): void;
  readonly children: ReactNode;
}

export function SidePanel({ titleId, title, subtitle, what, testId, className, onClose, children }: Props) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && !document.querySelector("dialog[open]")) onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <aside className={className ? `task-panel ${className}` : "task-panel"} aria-labelledby={titleId} data-testid={testId}>
      <header className="task-panel-head">
        <div>
          <h2 id={titleId}>{title}</h2>
          {subtitle}
        </div>
        <button type="button" className="btn btn-icon" aria-label={`Close the ${what} panel`} onClick={onClose}>
          ✕
        </button>
      </header>
      {children}
    </aside>
  );
}
