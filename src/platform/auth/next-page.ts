/**
 * Where sign-in sends someone afterwards: the page they were asked to sign in
 * for, if and only if it is a path on Joinery itself. Anything else (another
 * site, a protocol-relative `//host`, a backslash or control character that a
 * browser would rewrite into one, or text the URL parser refuses) goes home:
 * an open redirect after sign-in is a gift to phishing.
 */
const HOME = '/';
// C0 and C1 controls, DEL, and the separators browsers strip or treat as slashes.
const unsafe = (s: string) => s.includes('\\') || s.includes('//') || [...s].some((c) => c <= '\u001f' || (c >= '\u007f' && c <= '\u009f'));

export function pageAfterSignIn(next: unknown, publicUrl: string): string {
  if (typeof next !== 'string' || next.length > 2000 || !next.startsWith('/') || unsafe(next)) return HOME;
  const own = new URL(publicUrl).origin;
  let url: URL;
  try {
    url = new URL(next, own);
  } catch {
    return HOME;
  }
  if (url.origin !== own) return HOME;
  // The parser's own serialisation: percent-encoded, so always a valid Location header.
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('//') ? HOME : path;
}
