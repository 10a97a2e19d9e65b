/**
 * Rows of the first worksheet of an XLSX workbook, one at a time. The compressed file is held (a
 * remittance export of a million lines is some tens of MB zipped), but the worksheet XML — ten
 * times larger — is inflated and parsed as a stream (fflate + sax), so it never is. Shared strings
 * are read first, wherever the zip puts them. Number cells come back as their plain value and are
 * flagged, so dates (serials) and amounts are read without the sheet's display format.
 */
import { Unzip, type UnzipFile, UnzipInflate } from 'fflate';
import sax from 'sax';
import type { SheetRow } from '../domain/payments/remittance-file.ts';
import { ValidationError } from '../errors.ts';

/** Feeds the zip through fflate's streaming unzip, handing each wanted entry's bytes to `onEntry`. */
function walkZip(
  zip: Uint8Array,
  want: (name: string) => boolean,
  onEntry: (name: string) => ((chunk: Uint8Array, final: boolean) => void) | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed = false;
    const unzip = new Unzip((file: UnzipFile) => {
      if (!want(file.name)) return;
      const sink = onEntry(file.name);
      if (!sink) return;
      file.ondata = (error, chunk, final) => {
        if (error) {
          failed = true;
          reject(error);
          return;
        }
        try {
          sink(chunk, final);
        } catch (e) {
          failed = true;
          reject(e);
        }
      };
      file.start();
    });
    unzip.register(UnzipInflate);
    try {
      const step = 1 << 20;
      for (let i = 0; i < zip.length && !failed; i += step) {
        unzip.push(zip.subarray(i, Math.min(zip.length, i + step)), i + step >= zip.length);
      }
      if (!failed) resolve();
    } catch (error) {
      reject(
        new ValidationError(`Not a readable XLSX file: ${(error as Error).message}`, [], { cause: error }),
      );
    }
  });
}

const decoderFor = () => new TextDecoder('utf-8');

async function sharedStrings(zip: Uint8Array): Promise<string[]> {
  const strings: string[] = [];
  const parser = sax.parser(true, { trim: false, normalize: false });
  let inSi = false;
  let inT = false;
  let inRph = false;
  let current = '';
  parser.onopentag = (tag) => {
    if (tag.name === 'si') {
      inSi = true;
      current = '';
    } else if (tag.name === 't' && inSi && !inRph) inT = true;
    else if (tag.name === 'rPh') inRph = true;
  };
  parser.onclosetag = (name) => {
    if (name === 'si') {
      strings.push(current);
      inSi = false;
    } else if (name === 't') inT = false;
    else if (name === 'rPh') inRph = false;
  };
  parser.ontext = (text) => {
    if (inT) current += text;
  };
  parser.oncdata = parser.ontext;
  const decoder = decoderFor();
  await walkZip(
    zip,
    (name) => name === 'xl/sharedStrings.xml',
    () => (chunk, final) => {
      parser.write(decoder.decode(chunk, { stream: !final }));
      if (final) parser.close();
    },
  );
  return strings;
}

function columnIndex(ref: string): number {
  let n = 0;
  for (const c of ref) {
    const code = c.charCodeAt(0);
    if (code < 65 || code > 90) break;
    n = n * 26 + (code - 64);
  }
  return n - 1;
}

/** The path of the first worksheet in the zip (`xl/worksheets/sheet1.xml` usually). */
async function firstSheet(zip: Uint8Array): Promise<string> {
  const sheets: string[] = [];
  await walkZip(
    zip,
    (name) => /^xl\/worksheets\/[^/]+\.xml$/.test(name) && sheets.push(name) < 0,
    () => undefined,
  );
  const numbered = (s: string) => Number(/(\d+)\.xml$/.exec(s)?.[1] ?? Number.MAX_SAFE_INTEGER);
  const sheet = sheets.sort((a, b) => numbered(a) - numbered(b))[0];
  if (!sheet) throw new ValidationError('Not an XLSX workbook: it has no worksheet');
  return sheet;
}

/** Reads the rows of the workbook's first worksheet. Throws ValidationError for a file that is not XLSX. */
export async function* xlsxRows(zip: Uint8Array): AsyncGenerator<SheetRow> {
  if (zip[0] !== 0x50 || zip[1] !== 0x4b) throw new ValidationError('Not an XLSX file (no zip signature)');
  const strings = await sharedStrings(zip);
  const sheet = await firstSheet(zip);
  const ready: SheetRow[] = [];
  const parser = sax.parser(true, { trim: false, normalize: false });
  let rowNumber = 0;
  let cells: string[] = [];
  let numeric: boolean[] = [];
  let col = -1;
  let type = '';
  let value = '';
  let inValue = false;
  let nextCol = 0;
  parser.onopentag = (tag) => {
    switch (tag.name) {
      case 'row': {
        const r = Number(tag.attributes.r);
        rowNumber = Number.isFinite(r) && r > 0 ? r : rowNumber + 1;
        cells = [];
        numeric = [];
        nextCol = 0;
        break;
      }
      case 'c': {
        const ref = tag.attributes.r as string | undefined;
        col = ref ? columnIndex(ref) : nextCol;
        nextCol = col + 1;
        type = (tag.attributes.t as string | undefined) ?? 'n';
        value = '';
        break;
      }
      case 'v':
      case 't':
        inValue = true;
        break;
    }
  };
  parser.ontext = (text) => {
    if (inValue) value += text;
  };
  parser.oncdata = parser.ontext;
  parser.onclosetag = (name) => {
    if (name === 'v' || name === 't') inValue = false;
    else if (name === 'c') {
      while (cells.length < col) {
        cells.push('');
        numeric.push(false);
      }
      if (type === 's') cells[col] = strings[Number(value)] ?? '';
      else if (type === 'b') cells[col] = value === '1' ? 'TRUE' : 'FALSE';
      else cells[col] = value;
      numeric[col] = type === 'n' && value !== '';
    } else if (name === 'row') ready.push({ row: rowNumber, cells, numeric });
  };
  const decoder = decoderFor();
  // The worksheet is inflated chunk by chunk into the SAX parser as the zip is pushed through
  // (fflate's inflate is synchronous), and the rows finished so far are handed out between pushes:
  // only one step's rows wait in memory.
  let failure: unknown;
  const unzip = new Unzip((file: UnzipFile) => {
    if (file.name !== sheet) return;
    file.ondata = (error, chunk, final) => {
      if (error) failure ??= error;
      if (failure) return;
      try {
        parser.write(decoder.decode(chunk, { stream: !final }));
        if (final) parser.close();
      } catch (e) {
        failure = e;
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  const step = 1 << 16;
  for (let i = 0; i < zip.length; i += step) {
    try {
      unzip.push(zip.subarray(i, Math.min(zip.length, i + step)), i + step >= zip.length);
    } catch (error) {
      failure ??= error;
    }
    if (failure) {
      throw new ValidationError(`Not a readable XLSX file: ${(failure as Error).message}`, [], {
        cause: failure,
      });
    }
    for (const row of ready) yield row;
    ready.length = 0;
  }
}
