/** The streaming workbook reader of exceljs, imported by its file (see returns-file-reader.ts). */
declare module 'exceljs/lib/stream/xlsx/workbook-reader.js' {
  import type { Stream } from 'node:stream';

  interface StreamedRow {
    readonly number: number;
    readonly values: unknown[] | Record<string, unknown>;
  }
  type StreamedWorksheet = AsyncIterable<StreamedRow>;

  export default class WorkbookReader implements AsyncIterable<StreamedWorksheet> {
    constructor(input: string | Stream, options: Record<string, string>);
    [Symbol.asyncIterator](): AsyncIterator<StreamedWorksheet>;
  }
}
