/**
 * Pools: each one's slots and how many are taken (running task instances) and wanted (queued
 * ones), refreshed as tasks change state. Admins create, resize and delete pools; everyone else
 * reads. A pool that tasks name but nobody configured has no limit and is listed while in use.
 */
import { useState, type FormEvent } from "react";
import { api, get, seg } from "../api/client";
import type { Pool, PoolList } from "../api/admin-types";
import { useResource } from "../api/use-resource";
import { useCan } from "../auth";
import { Empty } from "../components/status";
import { ActionStatus, useAction } from "../components/use-action";
import { useRefresh } from "../live/use-refresh";
import { AdminForm, Field } from "./admin-form";
import { AdminList } from "./admin-list";
import { DeleteDialog } from "./delete-dialog";

/** Queued instances are not in the live stream's every change: poll as well. */
const POLL_MS = 3_000;

const slotsText = (n: number) => `${n} slot${n === 1 ? "" : "s"}`;

/** PUT replaces the description too: a resize sends the one the pool has. */
const savePool = (name: string, slots: string, description: string) =>
  api("PUT", `pools/${seg(name)}`, { body: { slots: Number(slots), ...(description ? { description } : {}) } });

export function PoolsTab() {
  const canEdit = useCan("admin");
  const pools = useResource((signal) => get<PoolList>("pools", undefined, signal), []);
  useRefresh(pools.reload, (c) => c.taskId !== null && (c.toState === "running" || c.toState === "queued" || c.fromState === "running"), POLL_MS, 500);
  const [deleting, setDeleting] = useState<string | undefined>();
  const list = pools.data?.pools ?? [];

  return (
    <div className="admin-tab">
      {canEdit ? <PoolForm onSaved={pools.reload} /> : null}
      <AdminList
        id="pools-title"
        title="Pools"
        count={list.length}
        hint={
          <>
            A pool lets at most its number of slots of task instances run at once (task option <code>pool</code>), across every worker. The others wait in the
            queue.{canEdit ? "" : " Admins change pools."}
          </>
        }
        resource={pools}
        isEmpty={list.length === 0}
        empty={<Empty title="No pools">No pool is configured and no running or queued task names one.</Empty>}
        columns={["Pool", "Occupancy", "Running", "Queued", "Slots"]}
        withActions={canEdit}
      >
        {list.map((p) => (
          <PoolRow key={p.name} pool={p} canEdit={canEdit} onSaved={pools.reload} onDelete={() => setDeleting(p.name)} />
        ))}
      </AdminList>
      {deleting ? (
        <DeleteDialog title={`Delete pool ${deleting}?`} confirmLabel="Delete pool" path={`pools/${seg(deleting)}`} onDeleted={pools.reload} onClose={() => setDeleting(undefined)}>
          Its tasks then run without a limit (as many at once as workers allow).
        </DeleteDialog>
      ) : null}
    </div>
  );
}

function PoolRow({ pool, canEdit, onSaved, onDelete }: { pool: Pool; canEdit: boolean; onSaved: () => void; onDelete: () => void }) {
  const [editing, setEditing] = useState(false);
  const [slots, setSlots] = useState(String(pool.slots ?? 1));
  const action = useAction();
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await action.run(async () => {
      await savePool(pool.name, slots, pool.description ?? "");
      return undefined;
    });
    if (ok) {
      setEditing(false);
      onSaved();
    }
  };
  const limited = pool.slots !== null;
  const share = limited && pool.slots ? Math.min(pool.running / pool.slots, 1) : 0;
  return (
    <tr data-pool={pool.name} data-slots={pool.slots ?? ""} data-running={pool.running} data-queued={pool.queued}>
      <td>
        <strong>{pool.name}</strong>
        {pool.description ? <div className="muted small">{pool.description}</div> : null}
      </td>
      <td className="pool-occupancy">
        {limited ? (
          <>
            <div className={pool.running >= (pool.slots ?? 0) ? "meter meter-full" : "meter"} aria-hidden="true">
              <span style={{ width: `${share * 100}%` }} />
            </div>
            <span className="small">
              {pool.running} of {slotsText(pool.slots ?? 0)} used
            </span>
          </>
        ) : (
          <span className="muted small">not configured: no limit</span>
        )}
      </td>
      <td>{pool.running}</td>
      <td>{pool.queued > 0 ? <strong>{pool.queued} waiting</strong> : "0"}</td>
      <td>
        {editing ? (
          <form className="inline-form" onSubmit={(e) => void save(e)}>
            <input type="number" min={0} step={1} required className="slots-input" aria-label={`Slots of ${pool.name}`} value={slots} onChange={(e) => setSlots(e.target.value)} aria-invalid={action.error !== undefined} />
            <button type="submit" className="btn btn-small btn-primary" disabled={action.busy}>
              Save
            </button>
            <button type="button" className="btn btn-small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : limited ? (
          pool.slots
        ) : (
          <span className="muted">–</span>
        )}
        <ActionStatus action={action} />
      </td>
      {canEdit ? (
        <td>
          <div className="row-actions">
            {editing ? null : (
              <button type="button" className="btn btn-small" onClick={() => setEditing(true)}>
                {limited ? "Resize" : "Set a limit"}
              </button>
            )}
            {limited ? (
              <button type="button" className="btn btn-small btn-danger" onClick={onDelete}>
                Delete
              </button>
            ) : null}
          </div>
        </td>
      ) : null}
    </tr>
  );
}

function PoolForm({ onSaved }: { onSaved: () => void }) {
  const [name, setName] = useState("");
  const [slots, setSlots] = useState("1");
  const [description, setDescription] = useState("");
  const action = useAction();
  const submit = async () => {
    const ok = await action.run(async () => {
      await savePool(name, slots, description);
      return `Pool ${name}: ${slotsText(Number(slots))}.`;
    });
    if (ok) {
      setName("");
      setDescription("");
      onSaved();
    }
  };
  const invalid = (field: string) => action.error?.field === field;
  return (
    <AdminForm label="New pool" title="New pool" action={action} onSubmit={() => void submit()}>
      <Field label="Name" value={name} onChange={setName} required placeholder="e.g. warehouse" invalid={invalid("params.name")} />
      <Field label="Slots" type="number" value={slots} onChange={setSlots} required invalid={invalid("slots")} />
      <Field label="Description" value={description} onChange={setDescription} wide invalid={invalid("description")} />
      <button type="submit" className="btn btn-primary" disabled={action.busy}>
        Save pool
      </button>
    </AdminForm>
  );
}
