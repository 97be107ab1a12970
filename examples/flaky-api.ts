/**
 * Retries with exponential backoff: `fetch_exchange_rate` stands for a call to an unreliable HTTP
 * API. It fails on its first two tries (as a 503 would) and succeeds on the third; the waits
 * between tries are 200 ms, then 400 ms. `convert_prices` then uses the rate it returned.
 *
 *   node bin/tributary.js run examples/flaky-api.ts
 *   node bin/tributary.js logs <runId> fetch_exchange_rate --try 1
 */
import { dag } from "tributary-orchestrator";

interface ExchangeRate {
  readonly base: string;
  readonly quote: string;
  readonly rate: number;
  readonly asOf: string;
}

const PRICES_EUR: Readonly<Record<string, number>> = { widget: 19.99, gadget: 149, gizmo: 4.5 };

export default dag(
  "flaky_api",
  {
    description: "An unreliable source retried with exponential backoff.",
    schedule: "@daily",
    startDate: "2024-01-01",
    tags: ["example", "retries"],
    defaults: { retries: 3, retryDelay: "200ms", backoff: "exponential", timeout: "30s" },
  },
  (d) => {
    const rate = d.task("fetch_exchange_rate", async (ctx): Promise<ExchangeRate> => {
      ctx.log.info(`try ${ctx.tryNumber}: GET https://rates.example.com/v1/EUR/USD?date=${ctx.ds}`);
      if (ctx.tryNumber < 3) {
        // A real task would call fetch(url, { signal: ctx.signal }) and throw on a non-2xx status.
        throw new Error(`rates API answered 503 Service Unavailable (simulated failure on try ${ctx.tryNumber})`);
      }
      const result = { base: "EUR", quote: "USD", rate: 1.0842, asOf: ctx.ds };
      ctx.log.info(`got EUR/USD ${result.rate} on try ${ctx.tryNumber}`);
      return result;
    });

    d.task("convert_prices", { inputs: { rate } }, async (ctx, { rate }) => {
      const converted: Record<string, number> = {};
      for (const [product, eur] of Object.entries(PRICES_EUR)) {
        converted[product] = Math.round(eur * rate.rate * 100) / 100;
        ctx.log.info(`${product}: ${eur.toFixed(2)} ${rate.base} = ${converted[product]?.toFixed(2)} ${rate.quote}`);
      }
      return converted;
    });
  },
);
