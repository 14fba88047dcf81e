// Reading a file a user or a model named must never block: a FIFO opened for
// reading waits for a writer forever, a character device (/dev/zero) never
// ends. Files are opened with O_NONBLOCK (so open() itself cannot wait) and
// anything fstat does not call a regular file is refused with a reason,
// before a byte is read.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { open } from "node:fs/promises";

export class NotRegularFileError extends Error {
  constructor(readonly label: string, readonly kindName: string) {
    super(`${label} is ${kindName}, not a regular file: only regular files are read`);
    this.name = "NotRegularFileError";
  }
}

export class FileTooLargeError extends Error {
  constructor(readonly label: string, readonly size: number, readonly limit: number) {
    super(`${label} is ${size} bytes, over the ${limit}-byte limit`);
    this.name = "FileTooLargeError";
  }
}

const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

export function describeKind(info: Stats): string {
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a named pipe (FIFO)";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  if (info.isSocket()) return "a socket";
  return "not a regular file";
}

function checkRegular(info: Stats, label: string, maxBytes: number | undefined): void {
  if (!info.isFile()) throw new NotRegularFileError(label, describeKind(info));
  if (maxBytes !== undefined && info.size > maxBytes) throw new FileTooLargeError(label, info.size, maxBytes);
}

/** The whole file as bytes; refuses FIFOs, devices, sockets, directories and files over `maxBytes`. */
export async function readRegularFile(absolute: string, opts: { label?: string; maxBytes?: number } = {}): Promise<Buffer> {
  const label = opts.label ?? absolute;
  const handle = await open(absolute, READ_FLAGS);
  try {
    const info = await handle.stat();
    checkRegular(info, label, opts.maxBytes);
    // Bounded by the size fstat gave: a file that grows while read is cut there, never read without end.
    const buffer = Buffer.alloc(info.size);
    let offset = 0;
    while (offset < buffer.length) {
      const { bytesRead } = await handle.read(buffer, offset, buffer.length - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return offset === buffer.length ? buffer : buffer.subarray(0, offset);
  } finally {
    await handle.close();
  }
}

export function readRegularFileSync(absolute: string, opts: { label?: string; maxBytes?: number } = {}): Buffer {
  const label = opts.label ?? absolute;
  const fd = openSync(absolute, READ_FLAGS);
  try {
    const info = fstatSync(fd);
    checkRegular(info, label, opts.maxBytes);
    const buffer = Buffer.alloc(info.size);
    let offset = 0;
    while (offset < buffer.length) {
      const bytesRead = readSync(fd, buffer, offset, buffer.length - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return offset === buffer.length ? buffer : buffer.subarray(0, offset);
  } finally {
    closeSync(fd);
  }
}

export async function readRegularText(absolute: string, opts: { label?: string; maxBytes?: number } = {}): Promise<string> {
  return (await readRegularFile(absolute, opts)).toString("utf8");
}
