/**
 * Headers on every answer, UI and API alike. The policy allows only the server's own scripts,
 * styles, API and web workers: an injected `<script>` or inline handler does not run, nothing
 * can load the UI in a frame (clickjacking), browsers do not guess content types, and URLs
 * (which hold run ids and searches) are not sent to other sites as a referrer. The UI ships with
 * no inline script or style for this reason (ui/public/theme.js); `data:` images are its icon.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};
