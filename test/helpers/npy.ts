/** A version 1.0 .npy file (little-endian, C order) holding `data` with `shape`. */
export function npyBytes(data: Float32Array | Float64Array, shape: readonly number[], headerShape = shape.join(', ')): Buffer {
  const descr = data instanceof Float32Array ? '<f4' : '<f8';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${headerShape}${shape.length === 1 ? ',' : ''}), }`;
  header = `${header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11, ' ')}\n`;
  const preamble = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(preamble);
  preamble.writeUInt16LE(header.length, 8);
  return Buffer.concat([preamble, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}
