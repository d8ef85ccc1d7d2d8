// Draws the extension's icon as PNG files (no image tools needed): an orange rounded square
// with a white orbit and moon, a nod to Jupyter's logo. Supersampled for smooth edges.
import zlib from 'node:zlib';

/**
 * @param {number} size edge length in pixels
 * @param {number} [padding] transparent pixels on each side (the Chrome Web Store asks for a
 *   128×128 icon whose artwork is 96×96 with 16 transparent pixels around it)
 * @returns {Buffer} PNG bytes
 */
export function iconPng(size, padding = 0) {
  const art = size - 2 * padding;
  const ss = 4; // samples per pixel edge
  const rgba = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const u = (x - padding + (sx + 0.5) / ss) / art; // 0..1 inside the artwork
          const v = (y - padding + (sy + 0.5) / ss) / art;
          const c = shade(u, v);
          r += c[0] * c[3]; g += c[1] * c[3]; b += c[2] * c[3]; a += c[3];
        }
      }
      const n = ss * ss;
      const i = (y * size + x) * 4;
      rgba[i] = a ? Math.round(r / a) : 0;
      rgba[i + 1] = a ? Math.round(g / a) : 0;
      rgba[i + 2] = a ? Math.round(b / a) : 0;
      rgba[i + 3] = Math.round((a / n) * 255);
    }
  }
  return encodePng(size, size, rgba);
}

/** Colour [r, g, b, alpha 0..1] at (u, v) in the unit square. */
function shade(u, v) {
  // Rounded square background.
  const rad = 0.2;
  const dx = Math.max(Math.abs(u - 0.5) - (0.5 - rad), 0);
  const dy = Math.max(Math.abs(v - 0.5) - (0.5 - rad), 0);
  if (dx * dx + dy * dy > rad * rad) return [0, 0, 0, 0];
  const bg = [243, 119, 38, 1]; // Jupyter orange
  // Tilted orbit: an ellipse ring around the centre.
  const cx = u - 0.5, cy = v - 0.5;
  const t = -0.45; // tilt
  const ex = cx * Math.cos(t) - cy * Math.sin(t);
  const ey = cx * Math.sin(t) + cy * Math.cos(t);
  const e = Math.hypot(ex / 0.36, ey / 0.16);
  if (Math.abs(e - 1) < 0.16) return [255, 255, 255, 1];
  // Planet.
  if (Math.hypot(cx, cy) < 0.15) return [255, 255, 255, 1];
  // Moon on the orbit.
  if (Math.hypot(cx - 0.26, cy + 0.2) < 0.075) return [255, 255, 255, 1];
  return bg;
}

function encodePng(width, height, rgba) {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, {level: 9})),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

const CRC_TABLE = Array.from({length: 256}, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
