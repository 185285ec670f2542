const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/**
 * Text someone typed into a box (a referral's reason, a message), as HTML that
 * keeps their line breaks: escaped first, so nothing typed is ever markup, then
 * each line break becomes <br> and a run of blank lines one empty line between
 * paragraphs. Only <br> is added, so it fits inside a <p> or a <dd>.
 */
export function typedTextHtml(text: string | null | undefined): string {
  const paragraphs = String(text ?? '').replace(/\r\n?/g, '\n').trim().split(/\n[ \t]*\n\s*/);
  return paragraphs.map((p) => p.split('\n').map((line) => escapeHtml(line.trimEnd())).join('<br>')).join('<br><br>');
}
