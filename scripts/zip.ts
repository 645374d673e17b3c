/**
 * Minimal ZIP archive writer for the Teams app package.
 *
 * The package only ever holds a manifest and two icons, so a tiny writer built
 * on node:zlib keeps the build free of archive dependencies. It writes the
 * classic (non-ZIP64) layout: a local file header plus data per entry, then the
 * central directory and the end-of-central-directory record.
 */
import { deflateRawSync } from "node:zlib";

/** One file to place in the archive; `name` uses forward slashes, no leading slash. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
}

const LOCAL_FILE_HEADER_SIGNATURE = 0x04034b50;
const CENTRAL_DIRECTORY_SIGNATURE = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY_SIGNATURE = 0x06054b50;
/** 2.0: the minimum version that understands deflate. */
const VERSION_NEEDED = 20;
/** General purpose flag bit 11: names are UTF-8, so readers do not guess a code page. */
const UTF8_NAMES_FLAG = 0x0800;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;

/** CRC-32 (IEEE 802.3) lookup table, built once because both ZIP and PNG need it. */
const CRC_TABLE: Uint32Array = buildCrcTable();

/** Builds the 256-entry table for the reflected polynomial 0xEDB88320. */
function buildCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    table[n] = c >>> 0;
  }
  return table;
}

/**
 * CRC-32 as used by ZIP and PNG. Hand-written rather than zlib.crc32 because the
 * latter only exists from Node 20.15 and the project supports all of Node 20.
 */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Packs a date into MS-DOS time/date words, the only timestamp the basic ZIP headers carry. */
function toDosDateTime(date: Date): { time: number; date: number } {
  const year = Math.max(date.getFullYear(), 1980);
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/** An entry after compression, with everything both headers need. */
interface PreparedEntry {
  readonly name: Buffer;
  readonly method: number;
  readonly crc: number;
  readonly compressed: Buffer;
  readonly size: number;
}

/**
 * Deflates an entry, falling back to storing it when deflate does not help
 * (PNGs are already compressed), as standard zip tools do.
 */
function prepareEntry(entry: ZipEntry): PreparedEntry {
  if (entry.name.length === 0 || entry.name.startsWith("/") || entry.name.includes("\\")) {
    throw new Error(`Invalid zip entry name: "${entry.name}"`);
  }
  const deflated = deflateRawSync(entry.data);
  const useDeflate = deflated.length < entry.data.length;
  return {
    name: Buffer.from(entry.name, "utf8"),
    method: useDeflate ? METHOD_DEFLATED : METHOD_STORED,
    crc: crc32(entry.data),
    compressed: useDeflate ? deflated : entry.data,
    size: entry.data.length,
  };
}

/** Local file header: precedes each entry's data. */
function localHeader(entry: PreparedEntry, stamp: { time: number; date: number }): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(LOCAL_FILE_HEADER_SIGNATURE, 0);
  header.writeUInt16LE(VERSION_NEEDED, 4);
  header.writeUInt16LE(UTF8_NAMES_FLAG, 6);
  header.writeUInt16LE(entry.method, 8);
  header.writeUInt16LE(stamp.time, 10);
  header.writeUInt16LE(stamp.date, 12);
  header.writeUInt32LE(entry.crc, 14);
  header.writeUInt32LE(entry.compressed.length, 18);
  header.writeUInt32LE(entry.size, 22);
  header.writeUInt16LE(entry.name.length, 26);
  header.writeUInt16LE(0, 28);
  return Buffer.concat([header, entry.name]);
}

/** Central directory record: what readers use to list and locate entries. */
function centralHeader(entry: PreparedEntry, stamp: { time: number; date: number }, offset: number): Buffer {
  const header = Buffer.alloc(46);
  header.writeUInt32LE(CENTRAL_DIRECTORY_SIGNATURE, 0);
  header.writeUInt16LE(VERSION_NEEDED, 4); // version made by (MS-DOS, 2.0)
  header.writeUInt16LE(VERSION_NEEDED, 6);
  header.writeUInt16LE(UTF8_NAMES_FLAG, 8);
  header.writeUInt16LE(entry.method, 10);
  header.writeUInt16LE(stamp.time, 12);
  header.writeUInt16LE(stamp.date, 14);
  header.writeUInt32LE(entry.crc, 16);
  header.writeUInt32LE(entry.compressed.length, 20);
  header.writeUInt32LE(entry.size, 24);
  header.writeUInt16LE(entry.name.length, 28);
  // extra length, comment length, disk number, internal and external attributes: all zero
  header.writeUInt32LE(offset, 42);
  return Buffer.concat([header, entry.name]);
}

/** End-of-central-directory record: lets readers find the central directory from the file's end. */
function endRecord(entryCount: number, directorySize: number, directoryOffset: number): Buffer {
  const record = Buffer.alloc(22);
  record.writeUInt32LE(END_OF_CENTRAL_DIRECTORY_SIGNATURE, 0);
  record.writeUInt16LE(entryCount, 8);
  record.writeUInt16LE(entryCount, 10);
  record.writeUInt32LE(directorySize, 12);
  record.writeUInt32LE(directoryOffset, 16);
  return record;
}

/**
 * Builds a complete ZIP archive in memory. Entries keep the given order;
 * `modified` is the timestamp recorded for every entry.
 */
export function createZip(entries: readonly ZipEntry[], modified: Date = new Date()): Buffer {
  const stamp = toDosDateTime(modified);
  const parts: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const entry of entries.map(prepareEntry)) {
    const local = localHeader(entry, stamp);
    directory.push(centralHeader(entry, stamp, offset));
    parts.push(local, entry.compressed);
    offset += local.length + entry.compressed.length;
  }
  const directoryBuffer = Buffer.concat(directory);
  return Buffer.concat([...parts, directoryBuffer, endRecord(entries.length, directoryBuffer.length, offset)]);
}
