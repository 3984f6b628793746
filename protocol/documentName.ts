// A document's file name for people (titles, messages, report headings), from its URI. Shared by
// the server and the client, which both only have the URI.

/** `file:///traces/a%20b.hvtrace` → `a b.hvtrace`; `untitled:a.hvtrace` → `a.hvtrace`. */
export function documentName(uri: string): string {
  const last = (uri.includes('/') ? uri.split('/').pop() : uri.replace(/^[a-z][\w+.-]*:/i, '')) || uri;
  try {
    return decodeURIComponent(last);
  } catch {
    return last; // a malformed escape: show it as written
  }
}
