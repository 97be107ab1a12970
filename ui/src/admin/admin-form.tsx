/** The form above an admin list: a card with a title, one row of labelled fields and buttons, a hint and the outcome. */
import type { ReactNode } from "react";
import { ActionStatus, type ActionState } from "../components/use-action";

export function AdminForm({ label, title, action, onSubmit, hint, className, children }: { label: string; title?: string; action: ActionState; onSubmit: () => void; hint?: ReactNode; className?: string; children: ReactNode }) {
  return (
    <form
      className={className ? `admin-form ${className}` : "admin-form"}
      aria-label={label}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      {title ? <h2>{title}</h2> : null}
      <div className="admin-form-fields">{children}</div>
      {hint ? <p className="hint">{hint}</p> : null}
      <ActionStatus action={action} />
    </form>
  );
}

/** A labelled input of such a form; `invalid` when the server named it in its refusal. */
export function Field({
  label,
  value,
  onChange,
  type = "text",
  placeholder,
  invalid,
  wide,
  required,
  list,
  autoComplete = "off",
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: string;
  placeholder?: string;
  invalid?: boolean;
  wide?: boolean;
  required?: boolean;
  list?: string;
  autoComplete?: string;
}) {
  return (
    <label className={wide ? "field field-wide" : "field"}>
      {label}
      <input
        type={type}
        value={value}
        placeholder={placeholder}
        required={required}
        list={list}
        autoComplete={autoComplete}
        className={type === "number" ? "slots-input" : undefined}
        min={type === "number" ? 0 : undefined}
        step={type === "number" ? 1 : undefined}
        aria-invalid={invalid}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}

/** A labelled drop-down of such a form. */
export function SelectField({ label, value, options, onChange }: { label: string; value: string; options: readonly string[]; onChange: (value: string) => void }) {
  return (
    <label className="field">
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}
