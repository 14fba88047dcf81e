// Server-sent events off a fetch Response, for the providers' streaming mode.
// Parsing is eventsource-parser's; what counts as a retryable break (the
// connection dropping mid-answer) is ours.
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { RetryableError } from "./http.js";

/** Feeds every event to `onEvent` (which may throw to stop); a body cut short becomes a RetryableError. */
export async function readEvents(response: Response, onEvent: (event: EventSourceMessage) => void): Promise<void> {
  if (!response.body) throw new RetryableError("the response had no body to stream");
  const parser = createParser({ onEvent });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body) parser.feed(decoder.decode(chunk, { stream: true }));
  } catch (error) {
    // undici reports a dropped connection as TypeError("terminated").
    if (error instanceof TypeError) throw new RetryableError(`the stream broke off (${error.message})`);
    throw error;
  }
  parser.feed(`${decoder.decode()}\n\n`);
}

/** JSON of one event's data, or a clear error naming the provider. */
export function eventJson(label: string, event: EventSourceMessage): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(event.data);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new RetryableError(`${label}: a stream event is not a JSON object: ${event.data.slice(0, 120)}`);
}
