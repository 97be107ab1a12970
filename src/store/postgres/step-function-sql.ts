/**
 * PostgreSQL's one-round-trip step (issue 17), kept as code under a versioned name
 * (`STEP_FUNCTION_NAME`, `tributary_step_5` now): the store creates this version after its
 * migrations when its schema lacks it (step-function.ts `createStepFunction`), and never replaces or
 * drops a version. A change to the body, or to what the function takes or answers, takes the next name:
 * processes of two releases side by side (a rolling deploy, a CLI of another version) then each
 * call their own version, and none rewrites what the other runs, or needs to own it.
 * test/integration/postgres-step-function-text.test.ts pins the body to its name. Versions before
 * the name carried one: `tributary_step` (migrations 000019 and 000020), left in databases that
 * have it for the releases that call it.
 *
 * The function records a worker's batch of plain successes, queues the downstream
 * tasks they made ready, and claims the worker's next tries, in one call and one implicit
 * transaction, where the same work in statements from the worker costs eight round trips or more
 * (BEGIN, lock, move, readiness, queue, claim, open, COMMIT). What it covers, how it is called and
 * why it agrees with the statements' path: postgres/step-function.ts.
 *
 * It does only the common case. On anything else it raises SQLSTATE `TRB01` inside, which its own
 * exception block catches: its writes are rolled back (a subtransaction), nothing reaches the
 * server's log, and it answers `{"fallback": true, "reason": ...}`; the caller then records the
 * step through the statements' path. That is: an upstream in a terminal state other than success
 * (a trigger rule's decision beyond "all succeeded"), a run left with no open instance that is not
 * a running run whose every instance succeeded (which it closes as a success), a row that did
 * not move as read, or a claim whose lists of DAGs are not registered (`an unknown DAG set`: the
 * caller registers them again, postgres/served-dag-sets.ts). Outcomes of which one is not its
 * instance's try in progress (or comes twice) answer the same before anything is written. A
 * claim with a candidate in a configured pool or woken from a wait, or a due wait to wake into a
 * free slot, is not made (`claim_skipped`): the outcomes are recorded, and the caller claims
 * through the statements.
 *
 * Table names are unqualified: they resolve through the connection's search_path, the store's
 * schema, like every statement of the store.
 *
 * A batch is written with a statement per kind, not per row: the outcomes (tries closed, instances
 * moved, their history) are one statement with data-modifying CTEs, and so are the claimed tries
 * (opened, instances moved, their history). PL/pgSQL's cost is per statement: with statements per
 * row (000019 as first released) a fan-out's step of 64 outcomes and 64 claims ran about 450 of
 * them and took 24-38 ms of the server.
 *
 * The function runs with `plan_cache_mode = force_generic_plan`. A statement over a batch gets a
 * custom plan by default, planned again at every call, because the planner's guess for a set from
 * a parameter makes the generic plan look dearer than the custom plan of one row: a chain's step
 * (one outcome, one claim) then cost 12-16 % more than with statements per row (measured when a
 * first version of this was tried and reverted, 8047ddd). Generic plans are planned once per
 * connection, from the statistics of that moment, which on a fan-out are always behind
 * (`task_tries` grows from nothing while a drain runs), and cannot know that a batch is 64 rows or
 * a claim's limit 64. So every statement here reads rows by key or in an index's order, and says
 * so: the batch's rows are read once by their ids as an array (`= any(...)`, by primary key) and
 * the writes join them by key; the claim reads the queue up to its limit before joining the runs;
 * the function runs with `enable_seqscan` and `jit` off (`STEP_FUNCTION_CONFIG`; with seq scans
 * off, the planner's costs pass the threshold at which JIT would compile each statement, 76-240 ms
 * apiece), and sorting is off for the claim's candidates alone (off for every statement, in
 * `tributary_step_3`, the lock in the order of run and id read a whole index in that order).
 * `tributary_step_2` read `task_instances` and `task_tries` whole at every step, or `task_tries`
 * once per outcome, and read and sorted a run's whole queue at every claim
 * (test/integration/postgres-step-plans.test.ts; docs/architecture.md).
 */
export const STEP_FUNCTION_BODY = `
declare
  v_outcomes jsonb := p->'outcomes';
  v_count integer := jsonb_array_length(p->'outcomes');
  v_ids bigint[] := array(select (o.value->>'id')::bigint from jsonb_array_elements(p->'outcomes') as o(value));
  -- States listed, never negated, so that the index on (run_id, state, task_id) finds them.
  v_open_states text[] := array(select jsonb_array_elements_text(p->'open'));
  v_claim jsonb := p->'claim';
  v_worker text := p->'claim'->>'worker';
  -- The key of the lists of DAGs the worker serves, registered before (postgres/served-dag-sets.ts).
  v_dag_set text := p->'claim'->>'dagSet';
  v_i integer;
  v_ats bigint[] := '{}';
  v_run_of text[] := '{}';
  v_runs text[] := '{}';
  v_run text;
  v_run_at bigint;
  v_run_queued integer;
  v_run_states jsonb := '{}';
  v_queued_by_run jsonb := '{}';
  v_pending jsonb;
  v_down jsonb;
  v_waiting bigint[];
  v_ended_otherwise text[] := array(select jsonb_array_elements_text(p->'endedOtherwise'));
  v_queued bigint[] := '{}';
  v_results jsonb := '[]';
  v_claimed_ids bigint[] := '{}';
  v_claimed jsonb := '[]';
  v_n integer;
  v_candidates jsonb;
  v_candidate_ids bigint[];
  v_claim_skipped boolean := false;
  -- A candidate in a configured pool or woken from a wait: the claim is the statements'.
  v_for_statements boolean;
  -- Whether the worker's lists of DAGs are registered, read with the candidates (one snapshot).
  v_dag_set_known boolean;
  v_claim_at bigint;
begin
  -- A give-up is caught here: the block's writes are rolled back (a subtransaction) and the
  -- caller is told, with no error in the server's log or the client's.
  begin
    -- Runs, then instances, in the order of run and id: the order every completion locks them in
    -- (shared/locks.ts).
    perform 1 from task_instances t join dag_runs r on r.run_id = t.run_id where t.id = any(v_ids) order by t.run_id, t.id for update of r, t;
    -- Every outcome must be its instance's try in progress, once: otherwise nothing is written here.
    if (select count(distinct id) from unnest(v_ids) as id) <> v_count or exists (
      select 1 from jsonb_array_elements(v_outcomes) as o(value) left join task_instances t on t.id = (o.value->>'id')::bigint
      where t.id is null or t.task_id <> o.value->>'task' or t.state <> 'running' or t.try_number <> (o.value->>'try')::integer
    ) then
      return jsonb_build_object('fallback', true, 'reason', 'a stale or repeated outcome');
    end if;

    -- The successes, in the order given: tries closed, instances moved, their history, in one
    -- statement for the whole batch (each data-modifying part sees the rows as read before it).
    with o as (
      select (x.value->>'id')::bigint as id, (x.value->>'now')::bigint as now, x.value->>'result' as result, x.n
      from jsonb_array_elements(v_outcomes) with ordinality as x(value, n)
    ), s as (
      -- A try never ends before it started (the worker's clock may run behind the claimer's).
      select o.n, t.id, t.run_id, t.task_id, t.map_index, t.try_number, greatest(o.now, coalesce(t.started_at, 0)) as at, o.result
      from o join task_instances t on t.id = o.id
      where t.id = any(v_ids)
    ), closed as (
      update task_tries tt set outcome = 'success', ended_at = s.at, error = null, error_kind = null
      from s where tt.task_instance_id = s.id and tt.try_number = s.try_number
    ), moved as (
      update task_instances t set ended_at = s.at, result = s.result, error = null, worker_id = null, updated_at = s.at, state = 'success'
      -- (Running, as checked above with the rows locked. Not asked again: a plan would then read
      -- the state's index, dead entries and all, instead of the primary key.)
      from s where t.id = s.id
    ), history as (
      insert into state_history (run_id, task_instance_id, task_id, map_index, from_state, to_state, at, reason)
      select run_id, id, task_id, map_index, 'running', 'success', at, null from s order by n
    )
    select array_agg(at order by n), array_agg(run_id order by n) into v_ats, v_run_of from s;
    -- The runs in the order of their first outcome, with their states.
    select coalesce(array_agg(r.run_id order by f.n), '{}'), coalesce(jsonb_object_agg(r.run_id, r.state), '{}') into v_runs, v_run_states
      from (select u.run_id, min(u.n) as n from unnest(v_run_of) with ordinality as u(run_id, n) group by u.run_id) as f
      join dag_runs r on r.run_id = f.run_id;

    -- Readiness once per run, at the run's latest outcome: the downstream tasks of its outcomes, in
    -- their order, each queued once every upstream instance succeeded (all_success, no mapping: the
    -- caller checked) and left waiting while one is open.
    foreach v_run in array v_runs loop
      v_run_at := 0;
      for v_i in 1 .. v_count loop
        continue when v_run_of[v_i] <> v_run;
        v_run_at := greatest(v_run_at, v_ats[v_i]);
      end loop;
      -- Each task once, where it first appears (a statement for the run, not one an outcome).
      v_pending := coalesce((
        select jsonb_agg(f.down order by f.o, f.d) from (
          select distinct on (x.value->>'task') x.value as down, o.n as o, x.n as d
          from jsonb_array_elements(v_outcomes) with ordinality as o(value, n)
          cross join lateral jsonb_array_elements(o.value->'downstream') with ordinality as x(value, n)
          where v_run_of[o.n] = v_run
          order by x.value->>'task', o.n, x.n
        ) as f
      ), '[]');
      v_run_queued := 0;
      for v_down in select value from jsonb_array_elements(v_pending) loop
        v_waiting := array(select id from task_instances where run_id = v_run and task_id = v_down->>'task' and state = 'scheduled' order by map_index);
        continue when cardinality(v_waiting) = 0;
        -- Probes, not counts: an upstream of many mapped instances is not counted at each outcome.
        if exists (select 1 from task_instances where run_id = v_run and state = any(v_ended_otherwise) and task_id in (select jsonb_array_elements_text(v_down->'upstream'))) then
          raise exception 'tributary_step: a trigger rule to decide' using errcode = 'TRB01';
        end if;
        continue when exists (select 1 from task_instances where run_id = v_run and state = any(v_open_states) and task_id in (select jsonb_array_elements_text(v_down->'upstream')));
        update task_instances set queued_at = v_run_at, updated_at = v_run_at, state = 'queued' where id = any(v_waiting) and state = 'scheduled';
        get diagnostics v_n = row_count;
        if v_n <> cardinality(v_waiting) then raise exception 'tributary_step: an instance moved' using errcode = 'TRB01'; end if;
        insert into state_history (run_id, task_instance_id, task_id, map_index, from_state, to_state, at, reason)
          select run_id, id, task_id, map_index, 'scheduled', 'queued', v_run_at, null from task_instances where id = any(v_waiting) order by map_index;
        v_queued := v_queued || v_waiting;
        v_run_queued := v_run_queued + cardinality(v_waiting);
      end loop;
      v_queued_by_run := v_queued_by_run || jsonb_build_object(v_run, v_run_queued);
    end loop;

    -- A run that queued nothing may be done (sql/runs/advance.ts closeRunIfDone): a running run
    -- whose every instance succeeded succeeds, at its latest outcome; any other end (a failure or a
    -- skip to judge by the run's leaves, a run not running) is the statements' path.
    foreach v_run in array v_runs loop
      continue when (v_queued_by_run->>v_run)::integer > 0
        or exists (select 1 from task_instances where run_id = v_run and state = any(v_open_states));
      if v_run_states->>v_run <> 'running' or exists (select 1 from task_instances where run_id = v_run and state <> 'success') then
        raise exception 'tributary_step: a run to close' using errcode = 'TRB01';
      end if;
      v_run_at := (select max(v_ats[i]) from generate_subscripts(v_run_of, 1) as i where v_run_of[i] = v_run);
      update dag_runs set ended_at = v_run_at, state = 'success', updated_at = v_run_at where run_id = v_run and state = 'running';
      insert into state_history (run_id, task_instance_id, task_id, map_index, from_state, to_state, at, reason)
        values (v_run, null, null, null, 'running', 'success', v_run_at, null);
      v_run_states := v_run_states || jsonb_build_object(v_run, 'success');
    end loop;

    -- Each outcome's result: its run's state, and what its run queued, told on the run's last outcome.
    for v_i in 1 .. v_count loop
      v_results := v_results || jsonb_build_array(jsonb_build_object(
        'run_state', v_run_states->>v_run_of[v_i],
        'queued', case when v_run_of[v_i] = any(v_run_of[v_i + 1:]) then 0 else (v_queued_by_run->>v_run_of[v_i])::integer end
      ));
    end loop;

    -- The worker's next tries: the claim's order and guards (sql/tries/claim.ts), another
    -- claimer's rows skipped. Candidates are read first: one in a configured pool or woken from a
    -- wait, or a due wait to wake into a slot left over (sql/waits/wake-due.ts), leaves the whole
    -- claim to the statements' path, which the caller runs after this commits (the outcomes above
    -- stand: a claim riding along is a saving, not part of their meaning).
    if jsonb_typeof(v_claim) = 'object' and (v_claim->>'limit')::integer > 0 then
      v_claim_at := (v_claim->>'now')::bigint;
      -- Planned (once, generic) with sorting off: the plan cannot know the limit is small, and
      -- with sorting on it reads and sorts the whole queue rather than the claim index in order.
      -- (Only here: elsewhere, with sorting off, a lock in the order of run and id read a whole
      -- index in that order. The function's own setting is restored when it returns.)
      perform set_config('enable_sort', 'off', true);
      select coalesce(jsonb_agg(to_jsonb(c) order by c.priority desc, c.queued_at asc, c.id asc), '[]'),
          coalesce(bool_or(c.pool_slots is not null or c.wait_reason is not null), false),
          exists (select 1 from served_dag_sets where set_key = v_dag_set)
        into v_candidates, v_for_statements, v_dag_set_known
        from (
          select t.*, pl.slots as pool_slots, r.run_type as run_type, r.state as run_state, r.logical_date as run_logical_date,
            r.data_interval_start as run_data_interval_start, r.data_interval_end as run_data_interval_end, r.params as run_params,
            r.created_at as run_created_at, r.started_at as run_started_at, r.ended_at as run_ended_at, r.updated_at as run_updated_at,
            r.dag_version as run_dag_version
          -- The queue read in the claim's order up to the limit, before the runs are joined: joined
          -- first, a plan may start from the runs and read and sort a run's whole queue.
          from (
            select * from task_instances
            where state = 'queued'
              and exists (select 1 from served_dag_set_members m where m.set_key = v_dag_set and m.dag_id = task_instances.dag_id)
              and (jsonb_typeof(v_claim->'queues') is distinct from 'array' or queue in (select jsonb_array_elements_text(v_claim->'queues')))
            order by priority desc, queued_at asc, id asc
            limit (v_claim->>'limit')::integer
            for update skip locked
          ) as t join dag_runs r on r.run_id = t.run_id left join pools pl on pl.name = t.pool
        ) as c;
      perform set_config('enable_sort', 'on', true);
      -- The lists gone (deleted as unused): the caller registers them again.
      if not v_dag_set_known then
        raise exception 'tributary_step: an unknown DAG set' using errcode = 'TRB01';
      end if;
      if v_for_statements then
        v_claim_skipped := true;
      elsif jsonb_array_length(v_candidates) < (v_claim->>'limit')::integer and exists (
        select 1 from task_instances t
        where t.wake_at <= v_claim_at and t.state = 'deferred'
          and exists (select 1 from served_dag_set_members m where m.set_key = v_dag_set and m.dag_id = t.dag_id and m.wakes)
          and (jsonb_typeof(v_claim->'queues') is distinct from 'array' or t.queue in (select jsonb_array_elements_text(v_claim->'queues')))
      ) then
        v_claim_skipped := true;
      else
        -- Tries opened, instances moved, their history: one statement for the whole claim.
        v_candidate_ids := array(select (x.value->>'id')::bigint from jsonb_array_elements(v_candidates) as x(value));
        with c as (
          select x.value as row, x.n, (x.value->>'id')::bigint as id, (x.value->>'try_number')::integer + 1 as try,
            (x.value->>'queued_at')::bigint as queued_at,
            greatest(v_claim_at, coalesce((x.value->>'ended_at')::bigint, 0), coalesce((x.value->>'queued_at')::bigint, 0)) as started
          from jsonb_array_elements(v_candidates) with ordinality as x(value, n)
        ), opened as (
          insert into task_tries (task_instance_id, try_number, outcome, worker_id, queued_at, started_at, ended_at, error, error_kind)
          select id, try, 'running', v_worker, queued_at, started, null, null, null from c order by n
          returning id, task_instance_id
        ), moved as (
          update task_instances t set try_number = c.try, worker_id = v_worker, started_at = c.started, ended_at = null,
              heartbeat_at = c.started, next_retry_at = null, updated_at = c.started, state = 'running'
            from c where t.id = c.id and t.state = 'queued' and t.id = any(v_candidate_ids)
          returning t.id
        ), history as (
          insert into state_history (run_id, task_instance_id, task_id, map_index, from_state, to_state, at, reason)
          select c.row->>'run_id', c.id, c.row->>'task_id', (c.row->>'map_index')::integer, 'queued', 'running', c.started, null from c order by c.n
        )
        select (select count(*) from moved), coalesce(jsonb_agg(jsonb_build_object('row', c.row, 'try_id', o.id, 'started_at', c.started) order by c.n), '[]'),
            coalesce(array_agg(c.id order by c.n), '{}')
          into v_n, v_claimed, v_claimed_ids
          from c join opened o on o.task_instance_id = c.id;
        if v_n <> jsonb_array_length(v_candidates) then raise exception 'tributary_step: an instance moved' using errcode = 'TRB01'; end if;
      end if;
    end if;

    -- The tries' last log lines, with their outcomes. (The checks before a statement here and below
    -- are expressions PL/pgSQL evaluates itself, where a statement costs tens of microseconds.)
    if jsonb_array_length(coalesce(p->'logs', '[]')) > 0 then
      insert into task_logs (try_id, at, stream, level, message)
        select (l.value->>'try_id')::bigint, (l.value->>'at')::bigint, l.value->>'stream', l.value->>'level', l.value->>'message'
        from jsonb_array_elements(p->'logs') with ordinality as l(value, n) order by l.n;
    end if;

    -- Workers are woken (at commit) only for what this step queued and did not claim itself. With
    -- the claim left to the caller, that is all it queued: the caller's claim may take some of it
    -- a moment later (a wake-up for nothing, at worst), or not (a pool full), and others must know.
    if cardinality(v_queued) > 0 then
      if exists (select 1 from unnest(v_queued) q where q <> all(v_claimed_ids)) then
        perform pg_notify(p->>'channel', '');
      end if;
    end if;
    return jsonb_build_object('results', v_results, 'claimed', v_claimed, 'claim_skipped', v_claim_skipped);
  exception when sqlstate 'TRB01' then
    return jsonb_build_object('fallback', true, 'reason', sqlerrm);
  end;
end
`;

/** The function's settings, as `pg_proc.proconfig` lists them. */
export const STEP_FUNCTION_CONFIG: readonly string[] = ["plan_cache_mode=force_generic_plan", "enable_seqscan=off", "enable_sort=on", "jit=off"];

/** The version of the step the store calls: a new body takes a new name (see the header). */
export const STEP_FUNCTION_NAME = "tributary_step_5";

/** The statement that creates the function. */
export const STEP_FUNCTION_SQL = `create or replace function ${STEP_FUNCTION_NAME}(p jsonb) returns jsonb language plpgsql
set ${STEP_FUNCTION_CONFIG.map((setting) => setting.replace("=", " = ")).join(" set ")}
as $step$${STEP_FUNCTION_BODY}$step$`;
