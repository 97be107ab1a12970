import { describe, expect, it } from "vitest";
import { DagDefinitionError } from "../../../src/core/errors.js";
import { dag } from "../../../src/dsl/index.js";
import type { DagOptions } from "../../../src/dsl/types.js";
import { loadAlertConfig } from "../../../src/alerts/alert-config.js";
import { effectivePolicy, planDeliveries } from "../../../src/alerts/alert-policy.js";
import { alertDedupKey } from "../../../src/alerts/alert-text.js";

const build = (options: Record<string, unknown>, taskOptions: Record<string, unknown> = {}) =>
  dag("d", options as DagOptions<Record<string, unknown>>, (d) => {
    d.task("t", taskOptions as never, () => 1);
  });

function errorOf(define: () => unknown): DagDefinitionError {
  try {
    define();
  } catch (error) {
    expect(error).toBeInstanceOf(DagDefinitionError);
    return error as DagDefinitionError;
  }
  throw new Error("expected a DagDefinitionError");
}

describe("sla, deadline and alerts options", () => {
  it("puts sla, deadlines and the alert policy in the graph", () => {
    const d = build(
      { sla: "2h", alerts: { escalateAfter: "5m", ticketAfter: "1h", slack: "https://hooks.example.com/x", pagerduty: { routingKey: "k" }, jira: { project: "OPS" } } },
      { deadline: "90m" },
    );
    expect(d.graph.slaMs).toBe(7_200_000);
    expect(d.graph.tasks[0]?.deadlineMs).toBe(5_400_000);
    expect(d.graph.alerts).toEqual({ escalateAfterMs: 300_000, ticketAfterMs: 3_600_000, slack: "https://hooks.example.com/x", pagerduty: { routingKey: "k" }, jira: { project: "OPS" } });
    // DAGs without them keep the graph they had.
    expect(Object.keys(build({}).graph)).toEqual(["dagId", "tasks"]);
    expect(Object.keys(build({}).graph.tasks[0] ?? {})).not.toContain("deadlineMs");
  });

  it("reports bad values with the DAG, task and field", () => {
    expect(errorOf(() => build({ sla: "soon" })).location).toMatchObject({ dagId: "d", field: "sla" });
    expect(errorOf(() => build({ sla: 0 })).message).toContain("longer than 0");
    expect(errorOf(() => build({}, { deadline: "1x" })).location).toMatchObject({ dagId: "d", taskId: "t", field: "deadline" });
    expect(errorOf(() => build({ alerts: { slak: "https://x" } })).message).toContain('did you mean "slack"');
    expect(errorOf(() => build({ alerts: { slack: "not a url" } })).location.field).toBe("alerts.slack");
    expect(errorOf(() => build({ alerts: { ticketAfter: "later" } })).location.field).toBe("alerts.ticketAfter");
    expect(errorOf(() => build({ alerts: { pagerduty: {} } })).location.field).toBe("alerts.pagerduty.routingKey");
    expect(errorOf(() => build({ alerts: { email: { to: ["nobody"] } } })).location.field).toBe("alerts.email.to");
  });

  it("merges a DAG's policy over the global config and plans the escalation", () => {
    const config = loadAlertConfig(
      { slack: "https://hooks/global", pagerduty: { routingKey: "g" }, jira: { url: "https://jira", project: "DATA" }, escalateAfter: "15m" },
      { TRIBUTARY_ALERT_JIRA_TOKEN: "tok" },
    );
    const global = effectivePolicy(config, undefined);
    expect(global).toMatchObject({ escalateAfterMs: 900_000, slackUrl: "https://hooks/global", jira: { project: "DATA", token: "tok", issueType: "Task" } });
    const now = new Date(0);
    // One order for every kind of alert: notify at once, page after escalateAfter, ticket ticketAfter (default 15 min) later.
    expect(planDeliveries(global, now).map((p) => [p.step, p.channel, p.event, p.dueAt.getTime()])).toEqual([
      [1, "slack", "notify", 0],
      [2, "pagerduty", "trigger", 900_000],
      [3, "jira", "ticket", 1_800_000],
    ]);
    const env = loadAlertConfig({ ticketAfter: "1h" }, { TRIBUTARY_ALERT_TICKET_AFTER: "2h" });
    expect(env.ticketAfterMs).toBe(7_200_000);
    expect(effectivePolicy(loadAlertConfig({ ticketAfter: "1h" }, {}), { ticketAfterMs: 60_000 }).ticketAfterMs).toBe(60_000);
    expect(effectivePolicy(loadAlertConfig({ ticketAfter: "1h" }, {}), undefined).ticketAfterMs).toBe(3_600_000);
    const team = effectivePolicy(config, { slack: false, pagerduty: { routingKey: "team" }, jira: { project: "TEAM" }, escalateAfterMs: 60_000 });
    expect(team).toMatchObject({ slackUrl: undefined, pagerduty: { routingKey: "team" }, jira: { url: "https://jira", project: "TEAM" }, escalateAfterMs: 60_000, ticketAfterMs: 900_000 });
    expect(() => loadAlertConfig({ slack: 3 }, {})).toThrow(/alerts.slack/);
    expect(loadAlertConfig({}, { TRIBUTARY_ALERT_SLACK_URL: "https://env" }).slackUrl).toBe("https://env");
  });

  it("deduplicates alerts per DAG, task and kind, whatever the run or task instance", () => {
    expect(alertDedupKey({ kind: "dead_letter", dagId: "sales", taskId: "load" })).toBe("dead_letter:sales:load");
    expect(alertDedupKey({ kind: "sla_miss", dagId: "sales", taskId: "load" })).toBe("sla_miss:sales:load");
    // A DAG's own SLA has no task.
    expect(alertDedupKey({ kind: "sla_miss", dagId: "sales", taskId: null })).toBe("sla_miss:sales:");
  });
});
