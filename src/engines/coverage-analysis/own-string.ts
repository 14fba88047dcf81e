// Strings cut from a reader's text chunk (a path after "SF:", a key built
// around it) are V8 slices or concatenations that keep the whole 64 KiB chunk
// alive. Anything kept past the current record goes through here first.

/** A copy of `text` that owns its characters. */
export function ownString(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}
