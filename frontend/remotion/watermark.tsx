import { AbsoluteFill, Img } from 'remotion';
import type { LogoPosition } from '../../lambdas/core/model.js';
import type { BrandProps } from '../../lambdas/core/video-props.js';
import { useFrameSize } from './frame-size.js';
import { frameShape, SAFE_ZONES } from './layout.js';

/** The logo's box: at most this share of the frame's short side wide, and high. */
export const LOGO_MAX_WIDTH = 0.2;
export const LOGO_MAX_HEIGHT = 0.1;

/** Where the logo may draw, in pixels: its corner of the safe zone (layout.ts SAFE_ZONES). */
export interface WatermarkBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The logo's box for a frame: inside the safe zone, in the kit's corner. On the right of a
 * portrait frame it keeps clear of the platforms' button column too.
 */
export function watermarkBox(width: number, height: number, position: LogoPosition): WatermarkBox {
  const unit = Math.min(width, height);
  const safe = SAFE_ZONES[frameShape(width, height)];
  const boxWidth = Math.round(unit * LOGO_MAX_WIDTH);
  const boxHeight = 2 * Math.round((unit * LOGO_MAX_HEIGHT) / 2);
  const [vertical, horizontal] = position.split('-') as ['top' | 'bottom', 'left' | 'right'];
  const left = horizontal === 'left' ? Math.round(width * safe.side) : Math.round(width * (1 - safe.rightColumn)) - boxWidth;
  // Even rows: the layered render's strip must start on one (4:2:0 video).
  const top = 2 * Math.round((vertical === 'top' ? height * (safe.top + 0.01) : height * (safe.bottom - 0.01) - boxHeight) / 2);
  return { left, top, width: boxWidth, height: boxHeight };
}

/** The brand kit's logo over the video, in its corner at its opacity; nothing without a logo. */
export function Watermark({ brand }: { brand?: BrandProps }) {
  const { width, height } = useFrameSize();
  if (!brand?.logoUrl) return null;
  const position = brand.logoPosition ?? 'top-right';
  const box = watermarkBox(width, height, position);
  const [vertical, horizontal] = position.split('-');
  return (
    <AbsoluteFill style={{ pointerEvents: 'none' }}>
      <Img
        src={brand.logoUrl}
        style={{
          position: 'absolute',
          left: box.left,
          top: box.top,
          width: box.width,
          height: box.height,
          objectFit: 'contain',
          // The logo hugs its corner when its shape leaves room in the box.
          objectPosition: `${horizontal} ${vertical}`,
          opacity: brand.logoOpacity ?? 0.85,
        }}
      />
    </AbsoluteFill>
  );
}
