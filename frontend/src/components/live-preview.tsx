/**
 * The live preview of the Create and Brand pages: the real composition in @remotion/player,
 * redrawn from the choices as they change (lib/preview-props.ts), looping, muted.
 */
import { useMemo } from 'react';
import { previewProps, type PreviewChoice } from '../lib/preview-props.js';
import { LazyCompositionPlayer } from './lazy-player.js';

export function LivePreview({ choice, label = 'Live preview' }: { choice: PreviewChoice; label?: string }) {
  const { aspect, captionStyle, captionPosition, captionSize, language, brand } = choice;
  // New props only when a choice changed: the Player then keeps playing from where it was.
  const props = useMemo(
    () => previewProps({ aspect, captionStyle, captionPosition, captionSize, language, brand }),
    [aspect, captionStyle, captionPosition, captionSize, language, brand],
  );
  return (
    <figure
      className={`live-preview live-preview-${aspect.replace(':', 'x')}`}
      data-testid="live-preview"
      data-caption-style={captionStyle}
      data-caption-position={captionPosition ?? 'auto'}
      data-language={language}
      aria-label={label}
    >
      <LazyCompositionPlayer props={props} autoPlay loop muted controls={false} />
    </figure>
  );
}
