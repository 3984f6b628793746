// A document's file name for people (titles, messages, report headings), from its URI. Shared by
// the server and the client, which both only have the URI.

/** `file:///traces/a%20b.hvtrace` → `a b.hvtrace`. */
export function documentName(uri: string): string {
  const last = uri.split('/').pop() || uri;
  try {
    return decodeURIComponent(last);
  } catch {
    return last; // a malformed escape: show it as written
  }
}
