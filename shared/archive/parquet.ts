import { parquetWriteBuffer, type SchemaElement } from 'hyparquet-writer';
import {
  type ColumnDefinition,
  type DatasetDefinition,
  DECIMAL_PRECISION,
  DECIMAL_SCALE,
} from '../domain/archive/datasets.ts';
import type { TypedRow, TypedValue } from '../domain/archive/rows.ts';

/**
 * Parquet files of the archive's datasets, written with hyparquet-writer (pure JavaScript,
 * about 60 KB minified with its Snappy compressor; parquet-wasm's 4.9 MB module would not fit
 * the 1 MB bundle budget). The schema comes from the dataset definition, never guessed from
 * the data, so an empty column or an all-null one still has its declared type.
 */

/** Bytes of a DECIMAL(38, …) as a fixed-length byte array (two's complement, big-endian). */
const DECIMAL_BYTES = 16;

/** The Parquet schema element of a column: physical type plus the annotation both engines read. */
export function schemaElement(column: ColumnDefinition): SchemaElement {
  const repetition_type = column.required ? 'REQUIRED' : 'OPTIONAL';
  const name = column.name;
  switch (column.type) {
    case 'string':
      return { name, repetition_type, type: 'BYTE_ARRAY', converted_type: 'UTF8' };
    case 'int':
      return { name, repetition_type, type: 'INT32' };
    case 'bigint':
      return { name, repetition_type, type: 'INT64' };
    case 'boolean':
      return { name, repetition_type, type: 'BOOLEAN' };
    case 'timestamp':
      return { name, repetition_type, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' };
    case 'decimal':
      return {
        name,
        repetition_type,
        type: 'FIXED_LEN_BYTE_ARRAY',
        type_length: DECIMAL_BYTES,
        converted_type: 'DECIMAL',
        precision: DECIMAL_PRECISION,
        scale: DECIMAL_SCALE,
      };
  }
}

/** The whole file schema of a dataset (its partition keys live in the path, not in the file). */
export function parquetSchema(dataset: DatasetDefinition): SchemaElement[] {
  return [{ name: 'root', num_children: dataset.columns.length }, ...dataset.columns.map(schemaElement)];
}

/**
 * One Parquet file (Snappy, one row group, statistics on) of checked rows of `dataset`
 * (shared/domain/archive/rows.ts `checkRow`). Rows must not be empty: an hour without changes
 * writes no file.
 */
export function encodeParquet(dataset: DatasetDefinition, rows: readonly TypedRow[]): Uint8Array {
  if (rows.length === 0) throw new RangeError(`No rows to write for ${dataset.name}`);
  const buffer = parquetWriteBuffer({
    schema: parquetSchema(dataset),
    columnData: dataset.columns.map((column) => ({
      name: column.name,
      data: rows.map((row): TypedValue => row[column.name] ?? null),
    })),
    rowGroupSize: rows.length,
    createdBy: 'acorn archive export (hyparquet-writer)',
  });
  return new Uint8Array(buffer);
}
