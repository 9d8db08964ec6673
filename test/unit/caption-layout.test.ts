/**
 * Caption positions and the logo's corner stay inside each platform's safe zone, for every frame
 * shape: the top band under the status bar and above the title pill, the bottom band above the
 * description and buttons; the layered render's strips follow the position and hold the logo.
 */
import { describe, expect, it } from 'vitest';
import { CAPTION_POSITIONS, CAPTION_STYLES, FRAME_SIZES, LOGO_POSITIONS, type Aspect } from '../../lambdas/core/model.js';
import { captionLook, CAPTION_PRESETS, captionPositionOf } from '../../frontend/remotion/caption-presets.js';
import { frameLayout, frameShape, SAFE_ZONES, titleHeight } from '../../frontend/remotion/layout.js';
import { overlayBands, planOverlay } from '../../frontend/remotion/overlay-plan.js';
import { watermarkBox } from '../../frontend/remotion/watermark.js';
import { DEFAULT_PROPS } from '../../frontend/remotion/default-props.js';

const ASPECTS = Object.keys(FRAME_SIZES) as Aspect[];

describe('caption positions', () => {
  for (const aspect of ASPECTS) {
    const { width, height } = FRAME_SIZES[aspect];
    const safe = SAFE_ZONES[frameShape(width, height)];
    it(`${aspect}: every position's band is inside the safe zone, top clear of the title, in order top < middle < bottom`, () => {
      const bands = CAPTION_POSITIONS.map((position) => frameLayout(width, height, position));
      for (const band of bands) {
        expect(band.captionTop).toBeGreaterThanOrEqual(height * safe.top);
        expect(band.captionTop + band.captionHeight).toBeLessThanOrEqual(height * safe.bottom);
      }
      const [top, middle, bottom] = bands as [ReturnType<typeof frameLayout>, ReturnType<typeof frameLayout>, ReturnType<typeof frameLayout>];
      const titleTop = top.titleTop;
      const titleBottom = titleTop + titleHeight(top.unit);
      // The top band is either wholly above the title pill or wholly below it.
      expect(top.captionTop + top.captionHeight <= titleTop || top.captionTop >= titleBottom).toBe(true);
      expect(top.captionTop + top.captionHeight).toBeLessThanOrEqual(middle.captionTop);
      expect(middle.captionTop + middle.captionHeight).toBeLessThanOrEqual(bottom.captionTop);
      // The middle band is centred.
      expect(Math.abs(middle.captionTop + middle.captionHeight / 2 - height / 2)).toBeLessThanOrEqual(2);
    });

    it(`${aspect}: the logo's box is inside the safe zone, in its corner, clear of the portrait button column`, () => {
      for (const position of LOGO_POSITIONS) {
        const box = watermarkBox(width, height, position);
        expect(box.top).toBeGreaterThanOrEqual(height * safe.top);
        expect(box.top + box.height).toBeLessThanOrEqual(height * safe.bottom);
        expect(box.left).toBeGreaterThanOrEqual(width * safe.side - 1);
        expect(box.left + box.width).toBeLessThanOrEqual(width * (1 - safe.rightColumn) + 1);
        expect(box.top % 2).toBe(0);
        expect(box.left + box.width / 2 < width / 2).toBe(position.endsWith('left'));
        expect(box.top + box.height / 2 < height / 2).toBe(position.startsWith('top'));
      }
    });
  }

  it('each style has its own place and size; captionPosition and captionSize override them', () => {
    expect(CAPTION_STYLES).toHaveLength(6);
    expect(new Set(CAPTION_STYLES.map((style) => JSON.stringify(CAPTION_PRESETS[style]))).size).toBe(6);
    for (const style of CAPTION_STYLES) {
      expect(captionPositionOf({ captionStyle: style })).toBe(CAPTION_PRESETS[style].position);
      expect(captionPositionOf({ captionStyle: style, captionPosition: 'top' })).toBe('top');
      const small = captionLook(style, { unit: 1080, size: 'small' }).fontSize;
      const medium = captionLook(style, { unit: 1080 }).fontSize;
      const large = captionLook(style, { unit: 1080, size: 'large' }).fontSize;
      expect(small).toBeLessThan(medium);
      expect(medium).toBeLessThan(large);
    }
  });

  it("takes the brand's colours and font over the preset's, with ink that reads on the highlight", () => {
    const look = captionLook('boxed', { unit: 1080, brand: { primaryColor: '#FFFFFF', textColor: '#00FF00', font: 'anton', logoPosition: 'top-left', logoOpacity: 1 } });
    expect(look).toMatchObject({ highlight: '#FFFFFF', text: '#00FF00', onHighlight: '#111111', brandFont: 'anton' });
    expect(captionLook('boxed', { unit: 1080, brand: { primaryColor: '#101060', logoPosition: 'top-left', logoOpacity: 1 } }).onHighlight).toBe('#FFFFFF');
  });

  it("the layered render's caption strip follows captionPosition, and a logo is one strip drawn once", () => {
    for (const position of CAPTION_POSITIONS) {
      const props = { ...DEFAULT_PROPS, captionStyle: 'bold' as const, captionPosition: position };
      const layout = frameLayout(props.width, props.height, position);
      const strip = overlayBands(props).captions;
      expect(strip.top).toBeLessThanOrEqual(layout.captionTop);
      expect(strip.top + strip.height).toBeGreaterThanOrEqual(layout.captionTop + layout.captionHeight);
    }
    const branded = { ...DEFAULT_PROPS, brand: { logoUrl: 'http://127.0.0.1/logo.png', logoPosition: 'bottom-left' as const, logoOpacity: 0.5 } };
    const logo = planOverlay(branded).find((plan) => plan.layer === 'watermark');
    const box = watermarkBox(branded.width, branded.height, 'bottom-left');
    expect(logo).toMatchObject({ frames: [0], runs: [branded.durationInFrames], visibleUntil: branded.durationInFrames, top: box.top, height: box.height });
    expect(planOverlay(DEFAULT_PROPS).some((plan) => plan.layer === 'watermark')).toBe(false);
  });
});
