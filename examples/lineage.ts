/**
 * Lineage and data-aware scheduling: `orders_pipeline` ingests raw orders and cleans them
 * (raw_orders -> transform_orders -> clean_orders); two other DAGs are scheduled on clean_orders
 * and run whenever it is updated, by this pipeline or by anyone reporting an update
 * (`tributary datasets event postgres://warehouse/clean_orders`).
 *
 *   node bin/tributary.js run examples/lineage.ts --dag orders_pipeline
 *   node bin/tributary.js lineage downstream postgres://warehouse/raw_orders
 *   node bin/tributary.js datasets list
 */
import { dag, dataset } from "tributary-orchestrator";
import { readExampleCsv } from "./lib/csv.js";

export const rawOrders = dataset("postgres://warehouse/raw_orders");
export const cleanOrders = dataset("postgres://warehouse/clean_orders");

interface Order {
  readonly orderId: string;
  readonly customerId: string;
  readonly amount: number;
}

export const ordersPipeline = dag(
  "orders_pipeline",
  { description: "Ingests and cleans orders; its output triggers two consumer DAGs.", schedule: "@daily", tags: ["example", "lineage"] },
  (d) => {
    const ingest = d.task("ingest_orders", { outputs: [rawOrders] }, async (ctx) => {
      const rows = readExampleCsv("erp_orders.csv");
      ctx.emit(rawOrders, { rows: rows.length });
      return rows.length;
    });
    d.task("transform_orders", { inputs: { raw: rawOrders }, after: [ingest], outputs: [cleanOrders] }, async (ctx): Promise<number> => {
      const clean = cleanOrdersFromCsv();
      ctx.emit(cleanOrders, { rows: clean.length, partition: ctx.ds });
      return clean.length;
    });
  },
);

export const dailyRevenueReport = dag(
  "daily_revenue_report",
  { description: "Revenue per day, whenever clean_orders changes.", schedule: [cleanOrders], tags: ["example", "lineage"] },
  (d) => {
    d.task("build_report", { inputs: { orders: cleanOrders } }, async (ctx) => {
      const revenue = cleanOrdersFromCsv().reduce((sum, o) => sum + o.amount, 0);
      ctx.log.info(`revenue ${revenue.toFixed(2)} (run triggered by dataset updates up to ${ctx.dataInterval.end.toISOString()})`);
      return Math.round(revenue * 100) / 100;
    });
  },
);

export const customerChurnModel = dag(
  "customer_churn_model",
  { description: "Retrains the churn model when clean orders arrive.", schedule: { datasets: [cleanOrders], when: "any" }, tags: ["example", "lineage"] },
  (d) => {
    d.task("train_model", { inputs: { orders: cleanOrders } }, async () => {
      const customers = new Set(cleanOrdersFromCsv().map((o) => o.customerId));
      return { customers: customers.size };
    });
  },
);

function cleanOrdersFromCsv(): Order[] {
  return readExampleCsv("erp_orders.csv")
    .map((row) => ({ orderId: row["order_id"] ?? "", customerId: row["customer_id"] ?? "", amount: Number(row["amount"]) }))
    .filter((o) => o.orderId !== "" && Number.isFinite(o.amount) && o.amount > 0);
}
