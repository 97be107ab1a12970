/**
 * Step 1 too: an email through SMTP (nodemailer), and another when the alert is resolved; one
 * transport per SMTP URL, reused. nodemailer (39 modules) is imported with the first email: every
 * service imports the alert dispatcher, few send email.
 */
import type * as Nodemailer from "nodemailer";
import type { AlertMessage } from "./message.js";
import type { DeliveryOutcome } from "./delivery-outcome.js";

const transports = new Map<string, Nodemailer.Transporter>();
let nodemailer: Promise<typeof Nodemailer> | undefined;

export async function sendEmail(
  target: { readonly smtpUrl: string; readonly from: string; readonly to: readonly string[] },
  message: AlertMessage,
  timeoutMs: number,
): Promise<DeliveryOutcome> {
  const mailer = (await (nodemailer ??= import("nodemailer"))).default;
  let transport = transports.get(target.smtpUrl);
  if (!transport) {
    const url = new URL(target.smtpUrl);
    transport = mailer.createTransport({
      host: url.hostname,
      port: url.port === "" ? (url.protocol === "smtps:" ? 465 : 587) : Number(url.port),
      secure: url.protocol === "smtps:",
      ...(url.username === "" ? {} : { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }),
      // smtp://host:port?tls=off talks plain SMTP (a local relay); by default STARTTLS is used when offered.
      ignoreTLS: url.searchParams.get("tls") === "off",
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
    transports.set(target.smtpUrl, transport);
  }
  try {
    await transport.sendMail({
      from: target.from,
      to: [...target.to],
      subject: `[tributary] ${message.title}`,
      text: `${message.body}${message.link === undefined ? "" : `\n\nOpen in Tributary: ${message.link}`}\n`,
    });
    return { ok: true, status: null, error: null, retryable: false };
  } catch (error) {
    const code = (error as { responseCode?: unknown }).responseCode;
    // SMTP 5xx replies are permanent (bad address...); everything else may pass next time.
    const permanent = typeof code === "number" && code >= 500;
    return { ok: false, status: typeof code === "number" ? code : null, error: error instanceof Error ? error.message : String(error), retryable: !permanent };
  }
}
