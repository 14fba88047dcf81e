// JSON over HTTP to a model provider, with the retry policy written out
// rather than buried in an SDK: 429 and 5xx are retried with exponential
// backoff, the server's retry-after wins when it sends one, and the run's
// AbortSignal (timeout, `bgr cancel`) interrupts both requests and waits.
import { setTimeout as sleep } from "node:timers/promises";

export class ProviderError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

export interface RetryPolicy {
  /** Retries after the first attempt (default 4). */
  maxRetries: number;
  /** First backoff step; doubles each retry (default 1 s). */
  baseDelayMs: number;
  /** No single wait is longer than this, retry-after included (default 2 min). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, baseDelayMs: 1000, maxDelayMs: 120_000 };
/** One request may take long (big context, slow local model) but not forever. */
const REQUEST_TIMEOUT_MS = 10 * 60 * 1000;

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Milliseconds the server asked us to wait: `retry-after-ms`, `retry-after` seconds, or an HTTP date. */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function backoffDelay(attempt: number, policy: RetryPolicy, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
  const exponential = policy.baseDelayMs * 2 ** attempt;
  // Jitter keeps many runs hitting one rate limit from retrying in lockstep.
  return Math.min(policy.maxDelayMs, Math.round(exponential * (0.5 + Math.random() * 0.5)));
}

/** The provider's own error text when it sent one ({error: {message}} in both APIs), else the raw body. */
function errorDetail(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof parsed.error === "string") return parsed.error;
    if (parsed.error && typeof parsed.error.message === "string") return parsed.error.message;
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.trim().slice(0, 300) || "(empty body)";
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason ?? "aborted"));
}

export interface PostJsonOptions {
  signal: AbortSignal;
  log(message: string): void;
  retry?: Partial<RetryPolicy>;
  /** Names the provider and what to check in error messages, e.g. "anthropic (ANTHROPIC_API_KEY)". */
  label: string;
}

/** Thrown by a body reader for a failure worth another attempt (a stream cut short, an "overloaded" event mid-stream). */
export class RetryableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RetryableError";
  }
}

/**
 * POSTs `body` as JSON and hands a successful response to `read`; retries
 * 429/5xx, connection failures and RetryableErrors from `read` under one policy.
 */
export async function postWithRetry<T>(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  options: PostJsonOptions,
  read: (response: Response) => Promise<T>,
): Promise<T> {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const payload = JSON.stringify(body);
  for (let attempt = 0; ; attempt++) {
    if (options.signal.aborted) throw abortReason(options.signal);
    let problem: string;
    let retryAfter: number | undefined;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: payload,
        signal: AbortSignal.any([options.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      });
      if (response.ok) return await read(response);
      const text = await response.text();
      problem = `HTTP ${response.status}: ${errorDetail(text)}`;
      if (!isRetryableStatus(response.status)) {
        throw new ProviderError(`${options.label}: ${url} refused the request (${problem})`, response.status);
      }
      retryAfter = parseRetryAfter(response.headers);
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      if (options.signal.aborted) throw abortReason(options.signal);
      if (error instanceof RetryableError) problem = error.message;
      else {
        // fetch wraps connection failures (refused, reset, DNS) in a TypeError whose cause says which.
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        problem = cause?.code ?? cause?.message ?? (error as Error).message;
      }
    }
    if (attempt >= policy.maxRetries) {
      throw new ProviderError(`${options.label}: ${url} still failing after ${attempt + 1} attempts (${problem})`);
    }
    const delay = backoffDelay(attempt, policy, retryAfter);
    options.log(`${options.label}: ${problem}; retrying in ${(delay / 1000).toFixed(1)}s (retry ${attempt + 1}/${policy.maxRetries})`);
    try {
      await sleep(delay, undefined, { signal: options.signal });
    } catch {
      throw abortReason(options.signal);
    }
  }
}

export function postJson(url: string, headers: Record<string, string>, body: unknown, options: PostJsonOptions): Promise<unknown> {
  return postWithRetry(url, headers, body, options, async (response) => {
    const text = await response.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ProviderError(`${options.label}: ${url} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
  });
}
