/**
 * A schedule in words, for people: "every day at 06:00 Europe/Berlin", "every 15 minutes",
 * "when raw_orders and customers are updated". Common cron shapes get a sentence; anything
 * else shows its expression (still exact, never a wrong paraphrase).
 */
import { formatDuration } from "./duration.js";
import type { ResolvedSchedule } from "./schedule.js";

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const NUMBER = /^\d+$/;

export function describeScheduleInWords(schedule: ResolvedSchedule, timezone: string): string {
  switch (schedule.kind) {
    case "none":
      return "manual only";
    case "interval":
      return `every ${formatDuration(schedule.everyMs)}`;
    case "datasets": {
      const names = schedule.uris;
      const joined = names.length === 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} ${schedule.when === "any" ? "or" : "and"} ${names.at(-1) ?? ""}`;
      return `when ${joined} ${names.length === 1 ? "is" : schedule.when === "any" ? "is" : "are"} updated`;
    }
    case "cron":
      return `${cronInWords(schedule.expression)} ${timezone}`;
  }
}

function cronInWords(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return `cron ${expression}`;
  const [minute, hour, day, month, weekday] = fields as [string, string, string, string, string];
  const step = /^\*\/(\d+)$/.exec(minute);
  if (step && hour === "*" && day === "*" && month === "*" && weekday === "*") return `every ${step[1]} minutes`;
  if (!NUMBER.test(minute)) return `cron ${expression}`;
  if (hour === "*" && day === "*" && month === "*" && weekday === "*") return minute === "0" ? "every hour" : `every hour at minute ${minute}`;
  if (!NUMBER.test(hour)) return `cron ${expression}`;
  const time = `${hour.padStart(2, "0")}:${minute.padStart(2, "0")}`;
  if (month !== "*") return `cron ${expression}`;
  if (day === "*" && weekday === "*") return `every day at ${time}`;
  if (day === "*" && NUMBER.test(weekday)) return `every ${WEEKDAYS[Number(weekday) % 7] ?? weekday} at ${time}`;
  if (day === "*" && weekday === "1-5") return `every weekday at ${time}`;
  if (NUMBER.test(day) && weekday === "*") return `on day ${day} of every month at ${time}`;
  return `cron ${expression}`;
}
