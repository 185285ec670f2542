import PDFDocument from 'pdfkit';

export type LetterDocument = { title: string; lines: { text: string; heading?: boolean }[] };

/**
 * A letter as a PDF, from the same text the printable page shows: A4, the
 * built-in Helvetica (nothing to download), headings in bold. The text is the
 * letter as sent, so the PDF and the page never disagree.
 */
export function letterPdf(letter: LetterDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: letter.title, Creator: 'Joinery' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.font('Helvetica-Bold').fontSize(16).text(letter.title).moveDown();
    for (const line of letter.lines) {
      if (line.heading) doc.moveDown(0.5).font('Helvetica-Bold').fontSize(12).text(line.text);
      else doc.font('Helvetica').fontSize(11).text(line.text, { paragraphGap: 6 });
    }
    doc.end();
  });
}
