import { MATERIAL_MEDIA_TYPES } from "@tongban/bounds";

export const MEDIA_TYPES = MATERIAL_MEDIA_TYPES;
export type MediaType = (typeof MEDIA_TYPES)[number];

const starts = (b: Uint8Array, sig: readonly number[]) => sig.every((x, i) => b[i] === x);

/** The media type a file's first bytes show, or undefined for none of MEDIA_TYPES. */
export function sniffMediaType(first: Uint8Array): MediaType | undefined {
  if (starts(first, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "application/pdf"; // %PDF-
  if (starts(first, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (starts(first, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (starts(first, [0x50, 0x4b, 0x03, 0x04])) return "application/ofd"; // PK\3\4
  return undefined;
}
