/**
 * Checks of an uploaded picture (a scene's picture in review, a brand kit's logo): its real type
 * from its bytes (image-size), its size and its sides. One check, two callers with their own limits.
 */
import { imageSize } from 'image-size';

/** The picture types users may upload, by content type: the file extension and image-size's name. */
export const PICTURE_TYPES = {
  'image/png': { extension: 'png', type: 'png' },
  'image/jpeg': { extension: 'jpg', type: 'jpg' },
  'image/webp': { extension: 'webp', type: 'webp' },
} as const;
export type PictureContentType = keyof typeof PICTURE_TYPES;

export interface PictureLimits {
  maxBytes: number;
  minSide: number;
  maxSide: number;
}

/** What is wrong with a picture's bytes for its declared type and the limits, or undefined if nothing. */
export function pictureProblem(bytes: Uint8Array, contentType: PictureContentType, limits: PictureLimits): string | undefined {
  if (bytes.byteLength > limits.maxBytes) return `the file is larger than ${limits.maxBytes / (1024 * 1024)} MiB`;
  let size: { type?: string; width?: number; height?: number };
  try {
    size = imageSize(bytes);
  } catch {
    return 'the file is not a PNG, JPEG or WebP picture';
  }
  if (size.type !== PICTURE_TYPES[contentType].type) return `the file is ${size.type ?? 'not a picture'}, not the ${contentType} it was declared as`;
  const { width = 0, height = 0 } = size;
  if (width < limits.minSide || height < limits.minSide || width > limits.maxSide || height > limits.maxSide) {
    return `the picture is ${width}x${height} px; each side must be ${limits.minSide} to ${limits.maxSide} px`;
  }
  return undefined;
}
