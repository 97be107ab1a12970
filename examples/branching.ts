/**
 * Branching: `choose_path` looks at the logical date's day of the week in the DAG's timezone and
 * follows either `weekday_report` or `weekend_report`; the other one is skipped. `publish` joins
 * the two paths with the trigger rule `none_failed_min_one_success`: it runs when nothing upstream
 * failed and at least one upstream task succeeded (the default `all_success` would be skipped,
 * because one of its upstream tasks always is).
 *
 *   node bin/tributary.js run examples/branching.ts --logical-date 2024-03-01   # a Friday
 *   node bin/tributary.js run examples/branching.ts --logical-date 2024-03-02   # a Saturday
 */
import { dag } from "tributary-orchestrator";

// Midnight in Berlin is still the previous day in UTC: `ctx.logicalDate.getUTCDay()` would be off
// by one for a run at midnight, so the day is read in the DAG's own timezone.
const TIMEZONE = "Europe/Berlin";

/** "Mon".."Sun" of an instant, in a time zone. */
function weekday(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", { weekday: "short", timeZone }).format(date);
}

export default dag(
  "weekday_or_weekend",
  {
    description: "Picks a path by the day of the week of the logical date.",
    schedule: "0 9 * * *",
    timezone: TIMEZONE,
    startDate: "2024-01-01",
    tags: ["example", "branching"],
  },
  (d) => {
    const choose = d.branch("choose_path", {}, (ctx) => {
      const day = weekday(ctx.logicalDate, TIMEZONE);
      const path = day === "Sat" || day === "Sun" ? "weekend_report" : "weekday_report";
      ctx.log.info(`${ctx.ds} is a ${day} in ${TIMEZONE}: following ${path}`);
      return path;
    });

    const weekdayReport = d.task("weekday_report", { after: [choose] }, async (ctx) => {
      ctx.log.info(`building the full weekday report for ${ctx.ds}`);
      return { kind: "weekday", sections: ["sales", "support", "operations"] };
    });

    const weekendReport = d.task("weekend_report", { after: [choose] }, async (ctx) => {
      ctx.log.info(`building the short weekend summary for ${ctx.ds}`);
      return { kind: "weekend", sections: ["sales"] };
    });

    d.task("publish", { after: [weekdayReport, weekendReport], triggerRule: "none_failed_min_one_success" }, async (ctx) => {
      ctx.log.info(`publishing the report for ${ctx.ds}`);
      return { published: ctx.ds };
    });
  },
);
