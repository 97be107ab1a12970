/**
 * The daily sales report (docs/architecture.md §1): extract customers from the CRM and orders from the ERP for
 * one day and one region, join them, compute revenue per customer segment while validating the
 * joined rows in parallel, load the result into a local SQLite warehouse, and tell the team.
 *
 *   npm run build
 *   node bin/tributary.js run examples/daily-sales.ts --logical-date 2024-03-01 --param region=us
 *
 * The sources are the CSV files in examples/data (orders from 2024-01-01 to 2024-03-31). The
 * warehouse is `$EXAMPLES_WAREHOUSE` (with `TRIBUTARY_TASK_ENV=EXAMPLES_WAREHOUSE`), else
 * `.tributary/warehouse.db`. Loading deletes the
 * (date, region) partition before inserting it, so re-running a date overwrites its rows.
 */
import { dag, dataset } from "tributary-orchestrator";
import { z } from "zod";
import { findDataProblems, formatCents, joinOrders, readCustomers, readOrders, revenueBySegment } from "./lib/sales.js";
import { openWarehouse, replacePartition, summarizePartition, warehousePath } from "./lib/warehouse.js";

const rawOrders = dataset("sqlite://warehouse/raw_orders");
const revenueTable = dataset("sqlite://warehouse/revenue_by_segment");

export default dag(
  "daily_sales_report",
  {
    description: "Revenue per customer segment, per day and region, loaded into the warehouse.",
    schedule: "0 6 * * *",
    timezone: "Europe/Berlin",
    startDate: "2024-01-01",
    catchup: false,
    tags: ["example", "sales"],
    params: z.object({ region: z.enum(["eu", "us"]).default("eu") }),
    defaults: { retries: 2, retryDelay: "1s", backoff: "exponential", timeout: "5m" },
  },
  (d) => {
    const crm = d.task("extract_crm", async (ctx) => {
      const customers = readCustomers(ctx.params.region, ctx.ds);
      ctx.log.info(`read ${customers.length} ${ctx.params.region} customers known on ${ctx.ds} from the CRM`);
      return customers;
    });

    const erp = d.task("extract_erp", async (ctx) => {
      const orders = readOrders(ctx.params.region, ctx.ds);
      ctx.log.info(`read ${orders.length} ${ctx.params.region} orders placed on ${ctx.ds} from the ERP`);
      if (orders.length === 0) ctx.log.warn(`no orders on ${ctx.ds}: the report will be empty`);
      return orders;
    });

    const joined = d.task("join_sources", { inputs: { crm, erp }, outputs: [rawOrders] }, async (ctx, { crm, erp }) => {
      const rows = joinOrders(crm, erp);
      const unmatched = rows.filter((r) => r.segment === null).length;
      ctx.log.info(`joined ${rows.length} orders to ${crm.length} customers (${unmatched} without a customer)`);
      ctx.emit(rawOrders, { rows: rows.length, ds: ctx.ds, region: ctx.params.region });
      return rows;
    });

    // transform_revenue and validate_data both depend only on join_sources: they run in parallel.
    const revenue = d.task("transform_revenue", { inputs: { joined } }, async (ctx, { joined }) => {
      const segments = revenueBySegment(joined);
      for (const s of segments) {
        ctx.log.info(`${s.segment}: ${s.orders} orders, revenue ${formatCents(s.revenueCents)}`);
      }
      return segments;
    });

    const validated = d.task("validate_data", { inputs: { joined } }, async (ctx, { joined }) => {
      const problems = findDataProblems(joined, ctx.ds);
      if (problems.length > 0) {
        for (const p of problems) ctx.log.error(p);
        throw new Error(`validation failed for ${ctx.ds}/${ctx.params.region}: ${problems.length} problem(s): ${problems.join("; ")}`);
      }
      ctx.log.info(`validated ${joined.length} joined orders: amounts are non-negative and every order has a customer`);
      return { checked: joined.length };
    });

    const load = d.task(
      "load_warehouse",
      { inputs: { revenue }, after: [validated], outputs: [revenueTable] },
      async (ctx, { revenue }) => {
        const path = warehousePath();
        const db = openWarehouse(path);
        try {
          const summary = replacePartition(db, ctx.ds, ctx.params.region, revenue);
          ctx.log.info(
            `replaced ${ctx.ds}/${ctx.params.region} in ${path}: ${summary.rows} segment row(s), ` +
              `${summary.orders} orders, revenue ${formatCents(summary.revenueCents)}`,
          );
          ctx.emit(revenueTable, { rows: summary.rows, ds: ctx.ds, region: ctx.params.region });
          return summary;
        } finally {
          db.close();
        }
      },
    );

    // all_done: the team hears about the day whether the load succeeded or not.
    d.task("notify_team", { after: [load], triggerRule: "all_done" }, async (ctx) => {
      const db = openWarehouse();
      try {
        const s = summarizePartition(db, ctx.ds, ctx.params.region);
        ctx.log.info(
          `daily sales ${ctx.ds} (${ctx.params.region}): ${s.orders} orders, revenue ${formatCents(s.revenueCents)} ` +
            `across ${s.rows} segment(s) in the warehouse`,
        );
        return { ds: ctx.ds, region: ctx.params.region, ...s };
      } finally {
        db.close();
      }
    });
  },
);
