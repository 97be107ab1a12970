/**
 * The business logic of the daily sales report, kept apart from the DAG so it can be read (and
 * tested) as plain functions. Amounts are integer cents to keep sums exact.
 */
import { field, readExampleCsv } from "./csv.js";

export type Region = "eu" | "us";
export type Segment = "enterprise" | "smb" | "consumer";

export interface Customer {
  readonly customerId: string;
  readonly name: string;
  readonly region: Region;
  readonly segment: Segment;
  readonly signupDate: string;
}

export interface Order {
  readonly orderId: string;
  readonly orderDate: string;
  readonly region: Region;
  readonly customerId: string;
  readonly amountCents: number;
}

/** An order with its customer's name and segment; `null` when the CRM does not know the customer. */
export interface JoinedOrder extends Order {
  readonly customerName: string | null;
  readonly segment: Segment | null;
}

export interface SegmentRevenue {
  readonly segment: Segment | "unknown";
  readonly orders: number;
  readonly revenueCents: number;
}

const SEGMENTS: readonly string[] = ["enterprise", "smb", "consumer"];
const REGIONS: readonly string[] = ["eu", "us"];

function asRegion(value: string, source: string): Region {
  if (!REGIONS.includes(value)) throw new Error(`${source}: unknown region "${value}"`);
  return value as Region;
}

function asSegment(value: string, source: string): Segment {
  if (!SEGMENTS.includes(value)) throw new Error(`${source}: unknown segment "${value}"`);
  return value as Segment;
}

/** "1250.00" -> 125000. Accepts a leading minus so that validation, not parsing, rejects negatives. */
export function toCents(amount: string, source: string): number {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!match) throw new Error(`${source}: "${amount}" is not an amount`);
  const cents = Number(match[2]) * 100 + Number((match[3] ?? "").padEnd(2, "0"));
  return match[1] === "-" ? -cents : cents;
}

export function formatCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** The CRM's customers of one region known on `ds` (signed up on or before it). */
export function readCustomers(region: Region, ds: string): Customer[] {
  const source = "crm_customers.csv";
  return readExampleCsv(source)
    .map((row) => ({
      customerId: field(row, "customer_id", source),
      name: field(row, "name", source),
      region: asRegion(field(row, "region", source), source),
      segment: asSegment(field(row, "segment", source), source),
      signupDate: field(row, "signup_date", source),
    }))
    .filter((c) => c.region === region && c.signupDate <= ds);
}

/** The ERP's orders of one region placed on `ds`. */
export function readOrders(region: Region, ds: string): Order[] {
  const source = "erp_orders.csv";
  return readExampleCsv(source)
    .map((row) => ({
      orderId: field(row, "order_id", source),
      orderDate: field(row, "order_date", source),
      region: asRegion(field(row, "region", source), source),
      customerId: field(row, "customer_id", source),
      amountCents: toCents(field(row, "amount", source), source),
    }))
    .filter((o) => o.region === region && o.orderDate === ds);
}

/** Left join of orders to customers: an order whose customer is unknown keeps `segment: null`. */
export function joinOrders(customers: readonly Customer[], orders: readonly Order[]): JoinedOrder[] {
  const byId = new Map(customers.map((c) => [c.customerId, c]));
  return orders.map((order) => {
    const customer = byId.get(order.customerId);
    return { ...order, customerName: customer?.name ?? null, segment: customer?.segment ?? null };
  });
}

/** Orders and revenue per customer segment, in a stable order. */
export function revenueBySegment(rows: readonly JoinedOrder[]): SegmentRevenue[] {
  const totals = new Map<Segment | "unknown", { orders: number; revenueCents: number }>();
  for (const row of rows) {
    const key = row.segment ?? "unknown";
    const total = totals.get(key) ?? { orders: 0, revenueCents: 0 };
    total.orders += 1;
    total.revenueCents += row.amountCents;
    totals.set(key, total);
  }
  return [...totals.entries()]
    .map(([segment, t]) => ({ segment, orders: t.orders, revenueCents: t.revenueCents }))
    .sort((a, b) => a.segment.localeCompare(b.segment));
}

/** Every problem with the joined rows, one message each; empty when the data is fine. */
export function findDataProblems(rows: readonly JoinedOrder[], ds: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    if (row.amountCents < 0) problems.push(`order ${row.orderId} has a negative amount (${formatCents(row.amountCents)})`);
    if (row.segment === null) problems.push(`order ${row.orderId} references customer ${row.customerId}, unknown to the CRM`);
    if (row.orderDate !== ds) problems.push(`order ${row.orderId} is dated ${row.orderDate}, not ${ds}`);
    if (seen.has(row.orderId)) problems.push(`order ${row.orderId} appears twice`);
    seen.add(row.orderId);
  }
  return problems;
}
