/** A page whose content another part of Tributary provides (lineage, alerting): the slot is ready. */
import { Empty } from "../components/status";

export function PlaceholderPage({ title, text }: { title: string; text: string }) {
  return (
    <section className="page">
      <h1>{title}</h1>
      <Empty title="Coming soon">{text}</Empty>
    </section>
  );
}
