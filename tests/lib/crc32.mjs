// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as the STUN FINGERPRINT attribute uses
// (RFC 5389 15.5). Node's zlib.crc32 exists only from Node 20.15 / 22.2; Debian 12 ships Node 18,
// so the tests carry this small table-driven version of their own.
const TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c >>> 0;
}

// The CRC-32 of a Buffer or Uint8Array, as an unsigned 32-bit number.
export function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
