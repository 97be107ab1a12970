import { describe, expect, it } from "vitest";
import { assertTimeZone, formatDs, formatDsNodash, parseDateInZone } from "../../../src/core/calendar.js";
import { DagDefinitionError, InvalidInputError } from "../../../src/core/errors.js";

const at = { field: "logicalDate" };
const iso = (text: string, zone: string) => parseDateInZone(text, zone, at).toISOString();

describe("formatDs", () => {
  it("is the date of the instant in the zone, not in UTC", () => {
    const instant = new Date("2024-03-01T23:30:00Z");
    expect(formatDs(instant, "UTC")).toBe("2024-03-01");
    expect(formatDs(instant, "Europe/Berlin")).toBe("2024-03-02");
    expect(formatDs(instant, "America/New_York")).toBe("2024-03-01");
    expect(formatDs(new Date("2024-03-02T03:00:00Z"), "America/New_York")).toBe("2024-03-01");
    expect(formatDs(new Date("2024-03-01T10:00:00Z"), "Pacific/Kiritimati")).toBe("2024-03-02");
  });

  it("formats midnight as the start of the day", () => {
    expect(formatDs(new Date("2024-06-30T22:00:00Z"), "Europe/Berlin")).toBe("2024-07-01");
    expect(formatDs(new Date("2024-06-30T21:59:59.999Z"), "Europe/Berlin")).toBe("2024-06-30");
  });

  it("pads small years", () => {
    const date = new Date(0);
    date.setUTCFullYear(999, 0, 5);
    expect(formatDs(date, "UTC")).toBe("0999-01-05");
  });

  it("reads UTC without a formatter, as the zone database has it", () => {
    // A zone at UTC+0 all year that goes through Intl, against UTC's own path.
    for (let t = Date.UTC(1969, 11, 31, 23); t < Date.UTC(2031, 0, 2); t += 7 * 3_600_000 + 1_234) {
      expect(formatDs(new Date(t), "UTC")).toBe(formatDs(new Date(t), "Africa/Abidjan"));
      expect(formatDs(new Date(t), "Etc/UTC")).toBe(formatDs(new Date(t), "Africa/Abidjan"));
    }
    // An invalid date is an error in every zone.
    expect(() => formatDs(new Date(Number.NaN), "UTC")).toThrow(RangeError);
    expect(() => formatDs(new Date(Number.NaN), "Africa/Abidjan")).toThrow(RangeError);
  });

  it("the same instant asked for again in a zone, or after another one, gives its own date", () => {
    const late = new Date("2024-03-01T23:30:00Z");
    const early = new Date("2024-03-01T01:00:00Z");
    expect([late, late, early, late, early].map((d) => formatDs(d, "Europe/Berlin"))).toEqual(["2024-03-02", "2024-03-02", "2024-03-01", "2024-03-02", "2024-03-01"]);
  });

  it("formatDsNodash drops the dashes", () => {
    expect(formatDsNodash(new Date("2024-03-01T23:30:00Z"), "Europe/Berlin")).toBe("20240302");
  });
});

describe("assertTimeZone", () => {
  it("accepts IANA zones", () => {
    for (const zone of ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]) {
      expect(() => assertTimeZone(zone, {})).not.toThrow();
    }
  });

  it("throws a DagDefinitionError naming an unknown zone", () => {
    const location = { dagId: "sales", field: "timezone" };
    expect(() => assertTimeZone("Europe/Berln", location)).toThrow(DagDefinitionError);
    expect(() => assertTimeZone("Europe/Berln", location)).toThrow(/"Europe\/Berln"/);
    expect(() => assertTimeZone("Mars/Olympus", location)).toThrow(
      expect.objectContaining({ code: "DAG_INVALID", location }) as unknown as Error,
    );
    expect(() => assertTimeZone("", location)).toThrow(DagDefinitionError);
  });
});

describe("parseDateInZone", () => {
  it("reads a date as midnight in the zone", () => {
    expect(iso("2024-03-01", "UTC")).toBe("2024-03-01T00:00:00.000Z");
    expect(iso("2024-03-01", "Europe/Berlin")).toBe("2024-02-29T23:00:00.000Z");
    expect(iso("2024-07-01", "Europe/Berlin")).toBe("2024-06-30T22:00:00.000Z");
    expect(iso("2024-03-01", "America/New_York")).toBe("2024-03-01T05:00:00.000Z");
    expect(iso("2024-07-01", "America/New_York")).toBe("2024-07-01T04:00:00.000Z");
    expect(iso("2024-03-01", "Asia/Kolkata")).toBe("2024-02-29T18:30:00.000Z");
  });

  it("is DST-correct on the days the clocks change", () => {
    // Berlin: 2024-03-31 02:00 -> 03:00 (CET -> CEST), 2024-10-27 03:00 -> 02:00.
    expect(iso("2024-03-31", "Europe/Berlin")).toBe("2024-03-30T23:00:00.000Z");
    expect(iso("2024-04-01", "Europe/Berlin")).toBe("2024-03-31T22:00:00.000Z");
    expect(iso("2024-10-27", "Europe/Berlin")).toBe("2024-10-26T22:00:00.000Z");
    expect(iso("2024-10-28", "Europe/Berlin")).toBe("2024-10-27T23:00:00.000Z");
    // New York: 2024-03-10 02:00 -> 03:00 (EST -> EDT), 2024-11-03 02:00 -> 01:00.
    expect(iso("2024-03-10", "America/New_York")).toBe("2024-03-10T05:00:00.000Z");
    expect(iso("2024-03-11", "America/New_York")).toBe("2024-03-11T04:00:00.000Z");
    expect(iso("2024-11-03", "America/New_York")).toBe("2024-11-03T04:00:00.000Z");
    expect(iso("2024-11-04", "America/New_York")).toBe("2024-11-04T05:00:00.000Z");
  });

  it("the day a DST change is in lasts 23 or 25 hours", () => {
    const hours = (from: string, to: string, zone: string) =>
      (parseDateInZone(to, zone, at).getTime() - parseDateInZone(from, zone, at).getTime()) / 3_600_000;
    expect(hours("2024-03-31", "2024-04-01", "Europe/Berlin")).toBe(23);
    expect(hours("2024-10-27", "2024-10-28", "Europe/Berlin")).toBe(25);
    expect(hours("2024-03-10", "2024-03-11", "America/New_York")).toBe(23);
    expect(hours("2024-11-03", "2024-11-04", "America/New_York")).toBe(25);
  });

  it("where midnight does not exist, the day starts at the first instant after the gap", () => {
    // Santiago: on 2024-09-08 clocks go from 00:00 to 01:00 (-04 -> -03).
    expect(iso("2024-09-08", "America/Santiago")).toBe("2024-09-08T04:00:00.000Z");
    expect(formatDs(parseDateInZone("2024-09-08", "America/Santiago", at), "America/Santiago")).toBe("2024-09-08");
  });

  it("reads a wall time in the zone", () => {
    expect(iso("2024-03-01T06:00", "Europe/Berlin")).toBe("2024-03-01T05:00:00.000Z");
    expect(iso("2024-07-01T06:00:30", "Europe/Berlin")).toBe("2024-07-01T04:00:30.000Z");
    expect(iso("2024-07-01T06:00:30.250", "America/New_York")).toBe("2024-07-01T10:00:30.250Z");
    expect(iso("2024-03-09T23:59:59", "America/New_York")).toBe("2024-03-10T04:59:59.000Z");
  });

  it("moves a wall time skipped by DST forward by the gap", () => {
    expect(iso("2024-03-31T02:30", "Europe/Berlin")).toBe("2024-03-31T01:30:00.000Z"); // = 03:30 CEST
    expect(iso("2024-03-31T03:00", "Europe/Berlin")).toBe("2024-03-31T01:00:00.000Z");
    expect(iso("2024-03-10T02:15", "America/New_York")).toBe("2024-03-10T07:15:00.000Z"); // = 03:15 EDT
  });

  it("reads a wall time that occurs twice as the earlier one", () => {
    expect(iso("2024-10-27T02:30", "Europe/Berlin")).toBe("2024-10-27T00:30:00.000Z"); // CEST
    expect(iso("2024-10-27T03:00", "Europe/Berlin")).toBe("2024-10-27T02:00:00.000Z");
    expect(iso("2024-11-03T01:30", "America/New_York")).toBe("2024-11-03T05:30:00.000Z"); // EDT
    expect(iso("2024-11-03T02:00", "America/New_York")).toBe("2024-11-03T07:00:00.000Z");
  });

  it("reads a timestamp with Z or an offset as that instant, whatever the zone", () => {
    expect(iso("2024-03-01T06:00:00Z", "Europe/Berlin")).toBe("2024-03-01T06:00:00.000Z");
    expect(iso("2024-03-01T06:00:00.123Z", "UTC")).toBe("2024-03-01T06:00:00.123Z");
    expect(iso("2024-03-01T06:00:00.123456789Z", "UTC")).toBe("2024-03-01T06:00:00.123Z");
    expect(iso("2024-03-01T06:00+01:00", "America/New_York")).toBe("2024-03-01T05:00:00.000Z");
    expect(iso("2024-03-01T06:00:00-05:30", "UTC")).toBe("2024-03-01T11:30:00.000Z");
    expect(iso("2024-03-01t06:00:00z", "UTC")).toBe("2024-03-01T06:00:00.000Z");
  });

  it("accepts leap days only in leap years", () => {
    expect(iso("2024-02-29", "UTC")).toBe("2024-02-29T00:00:00.000Z");
    expect(iso("2000-02-29", "UTC")).toBe("2000-02-29T00:00:00.000Z");
    expect(() => parseDateInZone("2023-02-29", "UTC", at)).toThrow(InvalidInputError);
    expect(() => parseDateInZone("1900-02-29", "UTC", at)).toThrow(InvalidInputError);
  });

  it.each([
    "",
    "yesterday",
    "2024-3-1",
    "2024-13-01",
    "2024-04-31",
    "2024-03-00",
    "2024-03-01T24:00",
    "2024-03-01T12:60",
    "2024-03-01T12:00:61",
    "2024-03-01T12",
    "2024-03-01Z",
    "2024-02-30T06:00:00Z",
    "2024-03-01T06:00:00+0100",
    "1709272800000",
    "2024-03-01 06:00",
  ])("rejects %j with an InvalidInputError naming the value", (text) => {
    let error: unknown;
    try {
      parseDateInZone(text, "Europe/Berlin", at);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).message).toContain(`"${text}"`);
    expect((error as InvalidInputError).location).toEqual(at);
  });

  it("rejects an unknown zone", () => {
    expect(() => parseDateInZone("2024-03-01", "Nowhere/City", at)).toThrow(/"Nowhere\/City"/);
  });

  it("round-trips with formatDs for every day of a year in several zones", () => {
    for (const zone of ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Tehran"]) {
      let day = parseDateInZone("2024-01-01", zone, at);
      for (let i = 0; i < 366; i++) {
        const ds = formatDs(day, zone);
        expect(parseDateInZone(ds, zone, at).getTime()).toBe(day.getTime());
        day = parseDateInZone(formatDs(new Date(day.getTime() + 36 * 3_600_000), zone), zone, at);
      }
      expect(formatDs(day, zone)).toBe("2025-01-01");
    }
  });
});
