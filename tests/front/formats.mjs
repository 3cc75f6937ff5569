// Minimal writers/readers of the file formats the fixture needs, on node: built-ins only:
// PNG (RGB, 8 bit), ustar tar, .npy (float32 write; float16/float32 read), safetensors (F32).
import zlib from 'node:zlib';

if (typeof zlib.crc32 !== 'function') {
  throw new Error(`zlib.crc32 is missing: Node ${process.versions.node}; these tests need Node >= 20.15`);
}

// ---------------------------------------------------------------------------------------------
// PNG

function pngChunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(typeAndData) >>> 0);
  return Buffer.concat([length, typeAndData, crc]);
}

// rgb: Uint8Array of width*height*3 bytes, row-major. Returns the PNG file's bytes.
export function encodePng(width, height, rgb) {
  if (rgb.length !== width * height * 3) throw new Error(`encodePng: ${rgb.length} bytes for ${width}x${height}`);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour (RGB)
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; ++y) {
    raw[y * (stride + 1)] = 0; // filter: none
    Buffer.from(rgb.buffer, rgb.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  return Buffer.concat([
    signature,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(raw, { level: 6 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------------------------------------
// ustar

function octal(value, width) {
  // width bytes: width-1 octal digits then NUL.
  const digits = value.toString(8);
  if (digits.length > width - 1) throw new Error(`tar: ${value} does not fit in ${width - 1} octal digits`);
  return digits.padStart(width - 1, '0') + '\0';
}

function tarHeader(name, size, mtime) {
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length > 100) throw new Error(`tar: member name over 100 bytes: ${name}`);
  const h = Buffer.alloc(512, 0);
  nameBytes.copy(h, 0);
  h.write(octal(0o644, 8), 100, 'latin1'); // mode
  h.write(octal(0, 8), 108, 'latin1'); // uid
  h.write(octal(0, 8), 116, 'latin1'); // gid
  h.write(octal(size, 12), 124, 'latin1'); // size
  h.write(octal(mtime, 12), 136, 'latin1'); // mtime
  h.write('        ', 148, 'latin1'); // checksum placeholder: 8 spaces
  h.write('0', 156, 'latin1'); // typeflag: regular file
  h.write('ustar\0', 257, 'latin1'); // magic
  h.write('00', 263, 'latin1'); // version
  h.write('root', 265, 'latin1'); // uname
  h.write('root', 297, 'latin1'); // gname
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

// members: [{name, data: Buffer}], in order. Returns the tar file's bytes (with the two zero
// blocks at the end).
export function buildTar(members, mtime = 1700000000) {
  const parts = [];
  for (const { name, data } of members) {
    parts.push(tarHeader(name, data.length, mtime), data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(1024, 0));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------
// .npy

// A float32 C-order array; shape e.g. [2, 16].
export function encodeNpyFloat32(shape, values) {
  const count = shape.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`npy: ${values.length} values for shape ${shape}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // magic(6) + version(2) + header length(2) + header + '\n', padded to a multiple of 64.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head, 0);
  head.writeUInt16LE(header.length, 8);
  const data = Buffer.alloc(count * 4);
  for (let i = 0; i < count; ++i) data.writeFloatLE(values[i], i * 4);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), data]);
}

function float16ToNumber(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

// Reads a 2-D little-endian float16 or float32 .npy: {shape: [rows, cols], rows: number[][]}.
export function decodeNpy2d(bytes) {
  if (bytes.readUInt32BE(0) !== 0x934e554d) throw new Error('npy: bad magic');
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', headerStart, headerStart + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error('npy: fortran order not supported');
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (shape.length !== 2) throw new Error(`npy: expected 2-D, got shape (${shapeText})`);
  const [n, d] = shape;
  let offset = headerStart + headerLength;
  const rows = [];
  for (let i = 0; i < n; ++i) {
    const row = new Array(d);
    for (let j = 0; j < d; ++j) {
      if (descr === '<f2') {
        row[j] = float16ToNumber(bytes.readUInt16LE(offset));
        offset += 2;
      } else if (descr === '<f4') {
        row[j] = bytes.readFloatLE(offset);
        offset += 4;
      } else {
        throw new Error(`npy: dtype ${descr} not supported`);
      }
    }
    rows.push(row);
  }
  return { shape, rows };
}

// ---------------------------------------------------------------------------------------------
// safetensors

// tensors: [{name, shape, values: number[]}] (F32). Returns the file's bytes.
export function encodeSafetensorsF32(tensors) {
  const header = {};
  const datas = [];
  let offset = 0;
  for (const { name, shape, values } of tensors) {
    const count = shape.reduce((a, b) => a * b, 1);
    if (values.length !== count) throw new Error(`safetensors: ${name}: ${values.length} values for ${shape}`);
    const data = Buffer.alloc(count * 4);
    values.forEach((v, i) => data.writeFloatLE(v, i * 4));
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.length] };
    offset += data.length;
    datas.push(data);
  }
  let headerText = JSON.stringify(header);
  headerText = headerText.padEnd(Math.ceil(headerText.length / 8) * 8, ' ');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(headerText)));
  return Buffer.concat([length, Buffer.from(headerText, 'utf8'), ...datas]);
}
