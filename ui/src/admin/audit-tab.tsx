/**
 * The audit log: who did what to which target, and when; latest first, a page at a time. The
 * filters live in the URL (`#/admin/audit?action=token.revoke&until=…`), so a view can be shared.
 * Times are typed in the browser's time zone and sent as instants.
 */
import { useState } from "react";
import { get } from "../api/client";
import type { AuditList } from "../api/admin-types";
import { useResource } from "../api/use-resource";
import { Empty } from "../components/status";
import { useTimes } from "../time/use-times";
import { setQuery, useRoute } from "../router";
import { AdminForm, Field } from "./admin-form";
import { AdminList } from "./admin-list";

const PAGE_SIZE = 50;
/** Filtering only navigates: there is no outcome to report. */
const NO_ACTION = { busy: false } as const;
const FILTERS = ["action", "actor", "target", "since", "until"] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** Actions the server records, offered as suggestions (any other can be typed). */
const KNOWN_ACTIONS = [
  "alert.ack",
  "alert.resolve",
  "auth.login",
  "backfill.cancel",
  "backfill.create",
  "dag.pause",
  "dag.unpause",
  "event.post",
  "pool.delete",
  "pool.set",
  "run.cancel",
  "run.clear",
  "run.trigger",
  "secret.delete",
  "secret.set",
  "task.clear",
  "task.mark_failed",
  "task.mark_success",
  "token.create",
  "token.revoke",
  "user.create",
  "user.delete",
  "user.password_change",
  "user.update",
];

/** A `datetime-local` value (wall time in this browser) as an instant for the API. */
const instant = (local: string) => (local === "" || Number.isNaN(new Date(local).getTime()) ? undefined : new Date(local).toISOString());

export function AuditTab() {
  const times = useTimes();
  const route = useRoute();
  const applied = Object.fromEntries(FILTERS.map((f) => [f, route.query.get(f) ?? ""])) as Filters;
  const limit = Math.min(Math.max(Number(route.query.get("limit") ?? PAGE_SIZE) || PAGE_SIZE, 1), 1_000);
  const before = route.query.get("before") ?? "";
  const entries = useResource(
    (signal) =>
      get<AuditList>(
        "audit",
        { action: applied.action, actor: applied.actor, target: applied.target, since: instant(applied.since), until: instant(applied.until), before, limit },
        signal,
      ),
    [applied, before, limit],
  );
  const list = entries.data?.entries ?? [];
  const last = list[list.length - 1];

  return (
    <div className="admin-tab">
      <AuditFilters key={FILTERS.map((f) => applied[f]).join("|")} applied={applied} onApply={(filters) => setQuery(route, { ...filters, before: null })} />
      <AdminList
        id="audit-title"
        title="Audit log"
        count={before ? `older entries, ${limit} a page` : `latest first, ${limit} a page`}
        resource={entries}
        isEmpty={list.length === 0}
        empty={<Empty title="No audit entries match">Widen the filters, or clear them.</Empty>}
        columns={["When", "Actor", "Action", "Target", "Details"]}
      >
        {list.map((e) => (
          <tr key={e.id} data-audit={e.id} data-audit-action={e.action} data-audit-target={e.target ?? ""}>
            <td className="nowrap">{times.dateTimeSeconds(e.at)}</td>
            <td>{e.actor}</td>
            <td>
              <code>{e.action}</code>
            </td>
            <td className="audit-target">{e.target ?? "–"}</td>
            <td className="audit-details">{Object.keys(e.details).length > 0 ? <code>{JSON.stringify(e.details)}</code> : null}</td>
          </tr>
        ))}
      </AdminList>
      <div className="pager">
        <button type="button" className="btn" disabled={!before} onClick={() => setQuery(route, { before: null })}>
          Newest
        </button>
        <button type="button" className="btn" disabled={!last || list.length < limit} onClick={() => setQuery(route, { before: last?.id })}>
          Older
        </button>
      </div>
    </div>
  );
}

function AuditFilters({ applied, onApply }: { applied: Filters; onApply: (filters: Filters) => void }) {
  const [draft, setDraft] = useState<Filters>(applied);
  const set = (name: keyof Filters) => (value: string) => setDraft({ ...draft, [name]: value });
  const empty = Object.fromEntries(FILTERS.map((f) => [f, ""])) as Filters;
  return (
    <AdminForm
      label="Filter the audit log"
      className="audit-filters"
      action={NO_ACTION}
      onSubmit={() => onApply(draft)}
      hint={
        <>
          A user name also finds what they did with their API tokens; <code>cli</code> finds every local command. Times are in this browser's time zone.
        </>
      }
    >
      <Field label="Action" value={draft.action} onChange={set("action")} list="audit-actions" placeholder="e.g. run.trigger" />
      <Field label="Actor" value={draft.actor} onChange={set("actor")} placeholder="a user, or cli" />
      <Field label="Target" value={draft.target} onChange={set("target")} placeholder="run, user, pool…" />
      <Field label="Since" type="datetime-local" value={draft.since} onChange={set("since")} />
      <Field label="Until" type="datetime-local" value={draft.until} onChange={set("until")} />
      <button type="submit" className="btn btn-primary">
        Filter
      </button>
      <button
        type="button"
        className="btn"
        onClick={() => {
          setDraft(empty);
          onApply(empty);
        }}
      >
        Clear
      </button>
      <datalist id="audit-actions">
        {KNOWN_ACTIONS.map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
    </AdminForm>
  );
}
