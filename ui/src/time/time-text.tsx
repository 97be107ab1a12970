/** A time as a <time> element: the text in the picked zone, the exact instant (UTC, ISO) on hover. */
import { useTimes, type Times } from "./use-times";

type Style = keyof Pick<Times, "dateTime" | "dateTimeSeconds" | "time" | "logical">;

export function TimeText({ iso, style = "dateTime" }: { iso: string | null | undefined; style?: Style }) {
  const times = useTimes();
  if (!iso) return <>–</>;
  return (
    <time dateTime={iso} title={new Date(iso).toISOString()}>
      {times[style](iso)}
    </time>
  );
}
