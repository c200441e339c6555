import { imageTypeOf } from './attachment-store';

const bytes = (...parts: Array<number[] | string>) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));

describe('imageTypeOf', () => {
  it('knows a JPEG by its start-of-image marker', () => expect(imageTypeOf(bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF'))).toBe('image/jpeg'));
  it('knows a PNG by its eight-byte signature', () => expect(imageTypeOf(bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a], 'IHDR'))).toBe('image/png'));
  it('knows a WebP by its RIFF container of form WEBP', () => expect(imageTypeOf(bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '))).toBe('image/webp'));

  it('takes no other RIFF file for a WebP', () => expect(imageTypeOf(bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt '))).toBeUndefined());
  it('takes a PNG signature with a line ending mangled in transfer for no PNG', () =>
    expect(imageTypeOf(bytes([0x89], 'PNG', [0x0a, 0x1a, 0x0a], 'IHDR'))).toBeUndefined());
  it('takes text named like a photo for no image', () => expect(imageTypeOf(bytes('PNG is what I am, honestly'))).toBeUndefined());
  it('takes nothing, or too little, for no image', () => {
    expect(imageTypeOf(Buffer.alloc(0))).toBeUndefined();
    expect(imageTypeOf(bytes([0xff, 0xd8]))).toBeUndefined();
  });
});
