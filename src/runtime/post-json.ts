/**
 * One HTTP POST of a JSON body, with a time limit, turned into an outcome. Network errors,
 * timeouts, 5xx, 408 and 429 are worth retrying; other 4xx mean the request itself is wrong.
 * Alert channels and background delivery (post-with-retries.ts) both post through it.
 */
export interface PostOutcome {
  readonly ok: boolean;
  readonly status: number | null;
  readonly error: string | null;
  readonly retryable: boolean;
}

export async function postJson(
  url: string,
  body: unknown,
  options: { readonly headers?: Readonly<Record<string, string>>; readonly timeoutMs: number },
): Promise<PostOutcome & { readonly responseText: string }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...options.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, status: null, error: `${message}${cause ? ` (${cause})` : ""}`, retryable: true, responseText: "" };
  }
  const responseText = await response.text().catch(() => "");
  if (response.ok) return { ok: true, status: response.status, error: null, retryable: false, responseText };
  const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
  return {
    ok: false,
    status: response.status,
    error: `HTTP ${response.status}${responseText ? `: ${responseText.slice(0, 200)}` : ""}`,
    retryable,
    responseText,
  };
}
