// Prints the text pdf.js (Firefox's PDF reader) extracts from a PDF, one line per page: the
// second opinion on the PDF's text layer beside poppler, for right-to-left scripts especially
// (pdf.js reads glyph by glyph with ToUnicode and its own bidi; poppler uses ActualText).
// Usage: node .ci/pdf-text.mjs FILE.pdf  (with pdfjs-dist in NODE_PATH's node_modules)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(process.env.PDFJS_DIR + '/');
const pdfjs = await import(require.resolve('pdfjs-dist/legacy/build/pdf.mjs'));
const data = new Uint8Array(readFileSync(process.argv[2]));
const doc = await pdfjs.getDocument({ data, disableFontFace: true }).promise;
for (let i = 1; i <= doc.numPages; i++) {
  const content = await (await doc.getPage(i)).getTextContent();
  console.log(content.items.map((item) => item.str).join(''));
}
